"""End to end in headless Chromium: a district inspector logs in, searches in Traditional script,
sees only their district's institutions and opens one.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from opencc import OpenCC

from weijian.core.models import Department, Profile, Region, Role
from weijian.core.tests.browser_login import sign_in
from weijian.registry.loading import load_registry
from weijian.registry.tests.conftest import TINY_DISTRICTS, TinyCity

PASSWORD = "correct-horse-9"
COMMON_FRAGMENT = "社区卫生服务中心"  # one 社区卫生服务中心 per street, so both districts have some
STYLESHEET_APPLIED = """() => [...document.styleSheets].some(
    (s) => (s.href || "").includes("weijian.css") && s.cssRules.length > 0)"""

def _first_with(institutions: list[dict[str, Any]], district: str, fragment: str) -> dict[str, Any]:
    return next(i for i in institutions if i["district_code"] == district and fragment in i["name"])


@pytest.mark.browser
# Transactional, so the live server's thread sees the rows; serialized_rollback puts the
# migrations' reference data (districts, departments, 诊疗科目) back for this test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_inspector_searches_in_traditional_and_sees_only_own_district(
    live_server: Any, transactional_db: Any, django_user_model: Any, browser_page: Any, tiny_city: TinyCity,
    test_output: Any,
) -> None:  # fmt: skip
    steps = load_registry(tiny_city.folder, actor="test")
    assert all(s.result is None or s.result.ok for s in steps), [s.result.rejects for s in steps if s.result]

    own, other = TINY_DISTRICTS
    target = _first_with(tiny_city.institutions, own, COMMON_FRAGMENT)
    outsider = _first_with(tiny_city.institutions, other, COMMON_FRAGMENT)
    query = OpenCC("s2t").convert(COMMON_FRAGMENT)
    assert query != COMMON_FRAGMENT  # 社區衛生服務中心: really Traditional

    user = django_user_model.objects.create_user(username="inspector_huangpu", password=PASSWORD)
    Profile.objects.create(
        user=user, role=Role.INSPECTOR, department=Department.objects.get(code="health"),
        region=Region.objects.get(code=own),
    )  # fmt: skip

    page = browser_page
    sign_in(page, live_server.url, user.username, PASSWORD)  # password, then the authenticator's code
    assert page.locator("header .who").inner_text().count("监督员") == 1

    page.goto(f"{live_server.url}/registry/institutions/")
    page.fill("input[name=q]", query)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"[?&]q="))
    results = page.locator("table tbody td a")
    names = results.all_inner_texts()
    assert target["name"] in names
    assert outsider["name"] not in names
    assert all(COMMON_FRAGMENT in n for n in names), names
    page.screenshot(path=str(test_output / "registry-search-traditional.png"), full_page=True)

    assert page.evaluate(STYLESHEET_APPLIED), "weijian.css did not load: the page renders unstyled"

    page.get_by_role("link", name=target["name"], exact=True).click()
    page.wait_for_url(re.compile(re.escape(f"/registry/institutions/{target['institution_id']}/")))
    assert target["name"] in page.locator("h1").inner_text()
    assert target["institution_id"] in page.locator("dl.facts").first.inner_text()
    page.screenshot(path=str(test_output / "registry-institution-detail.png"), full_page=True)

    # Out of scope is simply absent: the other district's profile page is a 404, not a 403.
    response = page.goto(f"{live_server.url}/registry/institutions/{outsider['institution_id']}/")
    assert response is not None and response.status == 404


def test_site_stylesheet_is_found_by_staticfiles() -> None:
    from django.contrib.staticfiles import finders

    assert finders.find("weijian/weijian.css")
