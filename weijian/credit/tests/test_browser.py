"""The officer's credit story in headless Chromium: the clinic's archive, points recorded, the objection decided,
the grade B → C with its reasons and history. SQLite only (marked ``pages``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from weijian.core.models import Role
from weijian.core.tests.browser_login import sign_in
from weijian.credit.models import Objection
from weijian.credit.services import credit_grade_recompute, notice_send, objection_file, point_event_record
from weijian.registry.models import Institution

PASSWORD = "correct-horse-9"


def _login(page: Any, base: str, username: str) -> None:
    sign_in(page, base, username, PASSWORD)  # password, then the authenticator's code


@pytest.mark.browser
@pytest.mark.pages
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officer_scores_decides_the_objection_and_sees_the_grade(live_server: Any, browser_page: Any,
                                                                 penalised: Institution, make_user: Any,
                                                                 test_output: Any) -> None:  # fmt: skip
    today = timezone.localdate()
    start = max(dt.date(today.year, 1, 2), today - dt.timedelta(days=20))
    make_user("wang", role=Role.INSPECTOR)
    owner = make_user("clinic", role=Role.INSTITUTION_USER, region=None, department=None, institution=penalised)
    credit_grade_recompute(actor="test", on=start - dt.timedelta(days=1), institution_ids=[penalised.pk])
    first = point_event_record(actor="test", institution=penalised, item_code="L07", occurred_on=start)
    credit_grade_recompute(actor="test", on=start, institution_ids=[penalised.pk])  # B: 10 + 2 × 6 = 22
    notice_send(actor="test", notice=first.notice, sent_on=start)
    objection_file(actor=owner, notice=first.notice, filed_on=start, grounds="许可证系分院借用，已收回")
    page, base = browser_page, live_server.url
    _login(page, base, "wang")
    page.goto(f"{base}/credit/institutions/{penalised.pk}/")
    assert "信用等级 B" in page.locator("#credit-grade").inner_text()
    page.locator("summary", has_text="记分").click()
    for item in ("L08", "L03"):
        form = page.locator("#points-form")
        form.locator("select[name=item]").select_option(item)
        form.locator("input[name=occurred_on]").fill(today.isoformat())
        form.get_by_role("button", name="记分").click()
        page.wait_for_url(re.compile(rf"/credit/institutions/{penalised.pk}/$"))
        page.locator("summary", has_text="记分").click()
    assert "14 分" in page.locator("#credit-points").inner_text()
    assert "年底暂缓校验" in page.locator("#credit-measures").inner_text()
    assert "信用等级 C" in page.locator("#credit-grade").inner_text()
    page.locator("#credit-notices a", has_text="待决定").click()
    page.wait_for_url(re.compile(r"/credit/objections/\d+/$"))
    page.locator("input[name=decision][value=rejected]").check()
    page.fill("textarea[name=reasons]", "许可证出借属实，申辩不成立")
    page.get_by_role("button", name="作出决定").click()
    page.wait_for_url(re.compile(rf"/credit/institutions/{penalised.pk}/$"))
    assert Objection.objects.get().decision == "rejected"
    reasons = page.locator("#credit-reasons").inner_text()
    assert "14" in reasons and "28" in reasons, reasons
    history = page.locator("#credit-history").inner_text()
    assert " B " in f" {history} " and " C " in f" {history} ", history
    page.screenshot(path=str(test_output / "credit-archive.png"), full_page=True)
