"""One complaint, from the public form to a published decision, in headless Chromium.

A patient files an anonymous complaint about a registered clinic on a phone-sized page and keeps the tracking
code. The district's manager accepts it, turns it into a clue, registers the case with two inspectors, investigates,
sends the notice of the intended penalty (事先告知) with the discretion table's suggestion on the page, decides
inside the suggested range once the statement period has run, and serves the decision. The decision is then on
the public penalty list, and the complainant sees the outcome under the tracking code — never the case file.
SQLite only (marked ``pages``): the same services run on PostgreSQL in the workflow tests.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from weijian.cases.models import Case
from weijian.cases.states import CaseState
from weijian.complaints.models import Complaint
from weijian.core.tests.browser_login import sign_in
from weijian.inspections.tests.conftest import Field, png_bytes

PASSWORD = "correct-horse-9"
PHONE = {"width": 390, "height": 844}
STORY = "在该诊所做了注射美容，医生没有出示执业证书，术后脸部红肿，收费也没有票据。"  # i18n: data


def _login(page: Any, base: str, username: str) -> None:
    sign_in(page, base, username, PASSWORD)  # password, then the authenticator's code


def _file_the_complaint(page: Any, base: str, field: Field) -> str:
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/portal/complaints/new/")
    page.select_option("#category", "medical_aesthetics")
    page.select_option("#region", field.a1.district.code)
    page.fill("#find", field.a1.name[-6:])
    page.get_by_role("button", name="查找").click()
    page.locator("input[name=institution]").first.check()
    page.get_by_role("button", name="提交投诉").click()  # no description yet: refused, the choices are kept
    page.locator("#errors").wait_for()
    assert page.locator("#category").input_value() == "medical_aesthetics"
    page.fill("#description", STORY)
    page.locator("input[name=anonymous]").check()
    page.get_by_role("button", name="提交投诉").click()
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]", code), code
    return code


@pytest.mark.browser
@pytest.mark.pages
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_complaint_travels_from_the_public_form_to_a_published_decision(
    live_server: Any, browser_page: Any, field: Field, test_output: Any
) -> None:
    page, base = browser_page, live_server.url
    for inspector in field.team:  # 执法证 valid through the case
        inspector.badge_valid_from, inspector.badge_valid_to = dt.date(2024, 1, 1), dt.date(2028, 12, 31)
        inspector.save()
    start = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 30))  # a Monday
    with time_machine.travel(start, tick=True) as clock:
        code = _file_the_complaint(page, base, field)
        complaint = Complaint.objects.get()
        assert complaint.department.code == "health" and complaint.district == field.a1.district

        page.set_viewport_size({"width": 1280, "height": 900})
        _login(page, base, "manager")
        page.goto(f"{base}/complaints/{complaint.pk}/")
        page.get_by_role("button", name="受理", exact=True).click()
        page.get_by_role("button", name="转为案源线索").click()
        complaint.refresh_from_db()
        assert complaint.clue is not None
        page.goto(f"{base}/cases/clue/{complaint.clue.pk}/register/")
        if page.get_by_role("button", name="开始核查").count():
            page.get_by_role("button", name="开始核查").click()
        page.fill("input[name=cause]", "未取得医师资格从事医师执业活动")
        page.fill("input[name=representative]", "周某")
        for inspector in field.team:
            page.locator(f"input[name=handlers][value='{inspector.pk}']").check()
        page.get_by_role("button", name="立案", exact=True).click()
        page.wait_for_load_state()
        assert re.search(r"/cases/\d+/$", page.url), page.locator("main").inner_text()
        case = Case.objects.get(clue=complaint.clue)
        assert case.state == CaseState.REGISTERED and case.number

        page.get_by_role("button", name="开始调查取证").click()
        page.locator("input[name=file]").set_input_files(
            files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": png_bytes("red")}])
        page.fill("input[name=note]", "现场照片：无医师执业证书的人员正在注射")
        page.get_by_role("button", name="上传证据").click()
        assert case.evidence.count() == 1
        page.get_by_role("link", name="行政处罚事先告知").click()
        page.select_option("select[name=violation_code]", "non_physician_practice")
        page.select_option("select[name=circumstance]", "general")
        page.fill("input[name=illegal_income]", "8000")
        page.get_by_role("button", name="查看裁量建议").click()
        suggestion = page.locator("#suggestion").inner_text()
        assert "元" in suggestion, suggestion  # the range the discretion table suggests for these facts
        for kind in ("confiscate_income", "confiscate_property", "fine"):  # what 医师法 art. 59 imposes
            page.locator(f"input[name=kinds][value={kind}]").check()
        page.fill("input[name=fine]", "50000")
        page.get_by_role("button", name="行政处罚事先告知").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/cases/{case.pk}/"), page.locator("main").inner_text()
        case.refresh_from_db()
        assert case.state == CaseState.NOTIFIED

        clock.shift(dt.timedelta(days=10))  # the statement and hearing-request periods have run
        _login(page, base, "manager")  # the session of ten days ago has expired
        page.goto(f"{base}/cases/{case.pk}/decide/")
        assert "44000–68000" in page.locator("#suggestion").inner_text()  # the notice's facts are kept
        assert page.locator("input[name=kinds][value=confiscate_income]").is_checked()
        page.get_by_role("button", name="作出行政处罚决定").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/cases/{case.pk}/"), page.locator("main").inner_text()
        case.refresh_from_db()
        assert case.state == CaseState.DECIDED, page.locator(".errors, .messages").all_inner_texts()

        page.get_by_role("button", name="送达处罚决定书").click()
        case.refresh_from_db()
        assert case.state == CaseState.SERVED, page.locator("main").inner_text()[:600]
        page.screenshot(path=str(test_output / "case-served.png"), full_page=True)

        page.context.clear_cookies()  # the public from here on
        page.goto(f"{base}/portal/penalties/")
        row = page.locator("main").get_by_text(field.a1.name)
        assert row.count() >= 1
        page.goto(f"{base}/portal/complaints/track/?code={code}")
        tracked = page.locator("main").inner_text()
        assert "处罚" in tracked and STORY not in tracked and case.number not in tracked
