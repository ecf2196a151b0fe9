"""The lists, repair and cross-region story in headless Chromium: the city officer opens the 严重失信 list, the
entry and its joint-punishment tasks; the district officer approves a credit repair request and refers a
cross-region review for 行刑衔接. SQLite only (marked ``pages``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from weijian.core.tests.browser_login import sign_in
from weijian.credit import lists, repair
from weijian.credit.exchange import imports
from weijian.credit.models_lists import CrossRegionReview, RepairRequest, RepairStatus, ReviewStatus
from weijian.credit.tests.conftest import publish, record
from weijian.portal.models import DisclosureStatus

PASSWORD = "correct-horse-9"
HEADER = "数据标识,报送部门,行政相对人代码（统一社会信用代码）,行政处罚决定书文号,违法行为代码,违法行为类型,处罚类别,严重程度,处罚决定日期,处罚地区划代码,处罚机关\n"


def _story(crew: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Through the services: a2 on the 严重失信 list (notified, defended, entered); a1's general penalty published
    150 days ago with a repair request filed; a1 penalised in Shanghai and, for the same violation, in Nanjing."""
    def day(back: int) -> dt.date:
        return today - dt.timedelta(days=back)

    record(crew["a2"], "grave-1", severity="specially_serious", on=day(40))
    entry = lists.list_entry_propose(actor=crew["city"], list_kind="severe", rule_code="specially_serious",
                                     institution=crew["a2"], on=day(30))  # fmt: skip
    lists.list_entry_defend(actor=crew["city"], entry=entry, text="已整改，请求不予列入", on=day(28))
    entry = lists.list_entry_decide(actor=crew["city"], entry=entry, enter=True, reasons="申辩不成立", on=day(25))
    published = publish(crew, crew["a1"], decided_on=day(150))
    request = repair.repair_request_file(actor=crew["clinic"], disclosure=published, correction="已整改并建立制度",
                                         obligations_done=True, commitment="承诺依法执业", on=day(3))  # fmt: skip
    record(crew["a1"], "case-9", severity="general", on=day(100), violation="med.unlicensed")
    line = (f"SU-1,health,{crew['a1'].uscc},宁玄卫医罚〔{day(10).year}〕27号,med.unlicensed,未取得执业许可擅自执业,"
            f"fine,一般,{day(10).isoformat()},320102,南京市玄武区卫生健康委员会\n")  # fmt: skip
    assert imports.import_records(data=(HEADER + line).encode(), filename="nanjing.csv", actor=crew["city"]).created == 1
    return {"entry": entry, "request": request, "disclosure": published, "review": CrossRegionReview.objects.get()}


@pytest.mark.browser
@pytest.mark.pages
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_city_keeps_the_list_and_the_district_decides_repair_and_review(live_server: Any, browser_page: Any,
                                                                        crew: dict[str, Any],
                                                                        test_output: Any) -> None:  # fmt: skip
    story = _story(crew, timezone.localdate())
    page, base = browser_page, live_server.url
    sign_in(page, base, "city", PASSWORD)
    page.goto(f"{base}/credit/lists/?list_kind=severe")
    page.get_by_role("link", name=crew["a2"].name).click()
    page.wait_for_url(re.compile(rf"/credit/lists/{story['entry'].pk}/$"))
    body = page.locator("main").inner_text()
    assert "已整改，请求不予列入" in body and "申辩不成立" in body, body
    assert story["entry"].listed_until.isoformat() in body
    measures = ("医保定点协议管理中从严审查", "限制申请财政补助补贴性资金和社会保障资金支持", "取消参加评先评优资格")
    assert all(label in body for label in measures), body
    page.goto(f"{base}/credit/tasks/")
    tasks = page.locator("main").inner_text()
    assert all(label in tasks for label in measures) and crew["a2"].name in tasks, tasks
    page.screenshot(path=str(test_output / "credit-severe-entry.png"), full_page=True)

    page.context.clear_cookies()
    sign_in(page, base, "manager_a", PASSWORD)
    page.goto(f"{base}/credit/repair/")
    page.get_by_role("link", name=re.compile(re.escape(story["disclosure"].decision_number))).click()
    page.wait_for_url(re.compile(rf"/credit/repair/{story['request'].pk}/$"))
    page.fill("textarea[name=reasons]", "最短公示期已满，失信行为已纠正，准予修复")
    page.get_by_role("button", name="准予修复").click()
    page.wait_for_url(re.compile(rf"/credit/repair/{story['request'].pk}/$"))
    assert "停止公示" in page.locator("main").inner_text()
    assert RepairRequest.objects.get().status == RepairStatus.APPROVED
    story["disclosure"].refresh_from_db()
    assert story["disclosure"].status == DisclosureStatus.REMOVED_EARLY

    page.goto(f"{base}/credit/reviews/")
    page.get_by_role("link", name=crew["a1"].name).click()
    page.wait_for_url(re.compile(rf"/credit/reviews/{story['review'].pk}/$"))
    assert "320102" in page.locator("main").inner_text()
    page.fill("textarea[name=reason]", "两地同一违法行为，涉嫌非法行医罪，移送公安机关")
    page.get_by_role("button", name="移送公安机关（行刑衔接）").click()
    page.wait_for_url(re.compile(rf"/credit/reviews/{story['review'].pk}/$"))
    assert CrossRegionReview.objects.get().status == ReviewStatus.REFERRED
    assert "涉嫌非法行医罪" in page.locator("main").inner_text()
    page.screenshot(path=str(test_output / "credit-review-referred.png"), full_page=True)
