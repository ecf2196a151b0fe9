"""In headless Chromium, under the site's Content-Security-Policy: the profile charts draw, nothing is
blocked, and an error page's "back" link goes back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from weijian.core.models import Role
from weijian.core.tests.browser_login import sign_in

PASSWORD = "correct-horse-9"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_charts_draw_under_the_csp_and_the_error_page_goes_back(
    live_server: Any, browser_page: Any, registry: dict[str, str], make_user: Any, tmp_path: Path
) -> None:
    from weijian.alerts.services import analytics_run_load
    from weijian.alerts.tests.runs import write_run

    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    user = make_user("csp_viewer", role=Role.CITY_ADMIN, region=None, department=None)
    page = browser_page
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)

    sign_in(page, live_server.url, user.username, PASSWORD)  # password, then the authenticator's code

    profile = f"{live_server.url}/registry/institutions/{registry['a1']}/"
    page.goto(profile)
    page.locator("#indicator-charts .chart canvas").first.wait_for()  # ECharts drew from the json_script data
    page.locator("#indicator-charts .chart").first.hover()  # a tooltip (styled with style attributes)

    page.goto(f"{live_server.url}/no-such-page/")
    assert "页面不存在" in page.locator("h1").inner_text()
    page.get_by_role("link", name="返回上一页").click()
    page.wait_for_url(profile)
    assert not blocked, blocked
