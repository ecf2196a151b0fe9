"""On a phone (390 × 844) in headless Chromium: the workbench, every list and a profile of each kind fit the
screen (no horizontal scrolling), the header is one line of at most 64 px once scrolled, and every visible
control is a tap target of at least 44 px; on a desktop (1366 × 900) nothing overflows either.
"""

from __future__ import annotations

from typing import Any

import pytest

from weijian.core.models import Department, Profile, Region, Role
from weijian.core.tests.browser_login import sign_in
from weijian.registry.loading import load_registry
from weijian.registry.models import Inspector, Institution, Practitioner
from weijian.registry.tests.conftest import TINY_DISTRICTS, TinyCity

PASSWORD = "correct-horse-9"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}
TAP = 44
# What the page measures: horizontal overflow, the header's height, and each visible control that is too small
# (a radio or checkbox counts by its label, the tap target around it).
MEASURE = """(tap) => {
  const shown = (el) => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
                          return r.width > 1 && r.height > 1 && s.visibility !== "hidden"; };
  const target = (el) => {
    if (el.matches("input[type=radio], input[type=checkbox]"))
      return el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    return el;
  };
  const small = [];
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea, label, summary")) {
    if (el.type === "hidden" || !shown(el)) continue;
    if (el.tagName === "LABEL") {
      const input = el.querySelector("input") || (el.htmlFor && document.getElementById(el.htmlFor));
      if (!input || !["radio", "checkbox"].includes(input.type)) continue;  // a field's caption is not a control
    }
    const h = target(el).getBoundingClientRect().height;
    if (h < tap - 0.5) small.push(`${el.tagName.toLowerCase()} “${(el.innerText || el.name || "").trim().slice(0, 24)}” ${h.toFixed(0)}px`);
  }
  return {overflow: document.documentElement.scrollWidth - window.innerWidth,
          header: document.querySelector("header.top").getBoundingClientRect().height, small};
}"""


def _work_item(institution: Institution) -> Any:
    from weijian.alerts.models import Alert, AnalyticsRun, WorkItem

    run = AnalyticsRun.objects.create(fingerprint="phone", source="t", period_start="2025-01-01", period_end="2025-12-31")
    item = WorkItem.objects.create(
        rule_id="institution_licence", rule_name="无证/超期/停业期间执业", severity="high", group_key=institution.uscc,
        institution=institution, institution_code=institution.uscc, region=institution.district,
        department=Department.objects.get(code="health"), period_start="2025-01-01", period_end="2025-12-31",
        first_run=run, line_count=1,
    )  # fmt: skip
    Alert.objects.create(
        run=run, item=item, rule_id=item.rule_id, subject_type="visit", subject_id="V-PHONE-0001",
        institution_code=institution.uscc, institution=institution, period_start="2025-01-01",
        period_end="2025-12-31", severity="high", evidence={"visit_id": "V-PHONE-0001", "start_date": "2025-03-02"},
    )  # fmt: skip
    return item


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_phone_layout_fits_and_every_control_is_a_tap_target(
    live_server: Any, transactional_db: Any, django_user_model: Any, browser_page: Any, tiny_city: TinyCity,
    test_output: Any,
) -> None:  # fmt: skip
    steps = load_registry(tiny_city.folder, actor="test")
    assert all(s.result is None or s.result.ok for s in steps)
    own = TINY_DISTRICTS[0]
    institution = Institution.objects.filter(district__code=own).order_by("-beds").first()
    practitioner = Practitioner.objects.filter(registrations__institution=institution).first()
    inspector = Inspector.objects.filter(region__code=own).first()
    assert institution and practitioner and inspector
    item = _work_item(institution)
    user = django_user_model.objects.create_user(username="manager_phone", password=PASSWORD, first_name="李明")
    Profile.objects.create(user=user, role=Role.DISTRICT_MANAGER, department=Department.objects.get(code="health"),
                           region=Region.objects.get(code=own))  # fmt: skip

    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, user.username, PASSWORD)  # password, then the authenticator's code
    urls = {
        "workbench": "/", "institutions": "/registry/institutions/", "practitioners": "/registry/practitioners/",
        "inspectors": "/registry/inspectors/", "queue": "/alerts/",
        "institution": f"/registry/institutions/{institution.uscc}/",
        "practitioner": f"/registry/practitioners/{practitioner.cert_no}/",
        "inspector": f"/registry/inspectors/{inspector.badge_no}/", "work item": f"/alerts/{item.pk}/",
    }  # fmt: skip
    problems = {}
    for name, url in urls.items():
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, (name, response and response.status)
        page.evaluate("window.scrollTo(0, 400)")
        found = page.evaluate(MEASURE, TAP)
        if found["overflow"] > 0 or found["header"] > 64 or found["small"]:
            problems[name] = found
        if name in ("institutions", "work item"):
            page.screenshot(path=str(test_output / f"phone-{name.replace(' ', '-')}.png"))
    assert not problems, problems

    page.goto(live_server.url + "/registry/institutions/")  # the menu opens below the one-line header
    page.get_by_text("菜单", exact=True).click()
    nav = page.locator("header nav a")
    assert nav.first.is_visible() and all(box["height"] >= TAP for box in
                                          (nav.nth(i).bounding_box() for i in range(nav.count())))  # fmt: skip
    page.set_viewport_size(DESKTOP)
    for name, url in urls.items():
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    assert page.locator("header.top").bounding_box()["height"] <= 64
