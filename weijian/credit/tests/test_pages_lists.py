"""The credit list, repair, review and exchange pages: they open for every role without an error, show only the
scope's records, and carry the flows (propose → defend → decide; file → approve; import with rejects)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from weijian.credit.models_lists import (
    CreditListEntry,
    EntryStatus,
    JointMeasureTask,
    RepairRequest,
    RepairStatus,
)
from weijian.credit.tests.conftest import move, publish, record
from weijian.portal.models import DisclosureStatus

pytestmark = pytest.mark.django_db
PAGES = ("entries", "entry_new", "tasks", "repairs", "reviews", "export_penalties", "export_lists", "import")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_page_opens_for_every_role(crew: dict[str, Any], clock: Any) -> None:
    for role in ("city", "manager_a", "clinic", "finance"):
        client = _client(crew[role])
        for name in PAGES:
            response = client.get(reverse(f"credit:{name}"))
            expected = 403 if name == "entry_new" and role != "city" else 200
            assert response.status_code == expected, (role, name, response.status_code)
        assert client.get(reverse("credit:export_lists"), {"format": "xlsx"}).status_code == 200


def test_list_flow_through_the_pages(crew: dict[str, Any], clock: Any) -> None:
    record(crew["a1"], "c1", severity="specially_serious", on=dt.date(2026, 5, 2))
    city = _client(crew["city"])
    bad = city.post(reverse("credit:entry_new"), {"list_kind": "severe", "rule_code": "specially_serious",
                                                         "uscc": crew["b1"].uscc})  # fmt: skip
    assert bad.status_code == 400 and "没有符合条件的记录" in bad.content.decode()
    made = city.post(reverse("credit:entry_new"), {"list_kind": "severe", "rule_code": "specially_serious",
                                                          "uscc": crew["a1"].uscc})  # fmt: skip
    entry = CreditListEntry.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("credit:entry", args=[entry.pk])
    clinic = _client(crew["clinic"])
    page = clinic.get(reverse("credit:entry", args=[entry.pk]))
    assert page.status_code == 200 and "2026-06-22" in page.content.decode()
    assert _client(crew["manager_b"]).get(reverse("credit:entry", args=[entry.pk])).status_code == 404
    assert clinic.post(reverse("credit:entry", args=[entry.pk]), {"action": "defend", "text": "已整改"}).status_code == 302
    early = city.post(reverse("credit:entry", args=[entry.pk]), {"action": "enter", "reasons": "理由"})
    assert early.status_code == 302, "after a defence the decision may come at once"
    assert CreditListEntry.objects.get().status == EntryStatus.LISTED
    tasks = _client(crew["insurance"]).get(reverse("credit:tasks")).content.decode()
    assert "医保定点协议管理中从严审查" in tasks and "取消参加评先评优资格" not in tasks
    assert tasks.count('action="/credit/tasks/') == 1  # its own measure, with the button to record it
    tasks_all = set(JointMeasureTask.objects.values_list("pk", flat=True))
    overview = _client(crew["city"]).get(reverse("credit:tasks")).content.decode()
    assert all(f'action="/credit/tasks/{pk}/done/"' in overview for pk in tasks_all)  # the city office: every one
    district = _client(crew["manager_a"]).get(reverse("credit:tasks")).content.decode()
    health = set(JointMeasureTask.objects.filter(department__code="health").values_list("pk", flat=True))
    shown = {pk for pk in tasks_all if f'action="/credit/tasks/{pk}/done/"' in district}
    assert health and health != tasks_all and shown == health  # a district office: its own department's tasks only


def test_repair_flow_through_the_pages(crew: dict[str, Any], clock: Any) -> None:
    target = publish(crew, crew["a1"], decided_on=dt.date(2026, 6, 5))
    clinic = _client(crew["clinic"])
    listing = clinic.get(reverse("credit:repairs")).content.decode()
    assert target.decision_number in listing and "2026-09-06 起方可申请信用修复" in listing
    move(clock, dt.date(2026, 9, 7))
    clinic = _client(crew["clinic"])  # a new session: the first one has expired in the meantime
    url = reverse("credit:repair_new", args=[target.pk])
    refused = clinic.post(url, {"correction": "已整改", "commitment": "承诺依法执业"})
    assert refused.status_code == 400 and "须全部履行" in refused.content.decode()
    filed = clinic.post(url, {"correction": "已整改", "obligations_done": "1", "commitment": "承诺依法执业"})
    made = RepairRequest.objects.get()
    assert filed.status_code == 302
    assert _client(crew["manager_b"]).get(reverse("credit:repair", args=[made.pk])).status_code == 404
    done = _client(crew["manager_a"]).post(reverse("credit:repair", args=[made.pk]),
                                           {"action": "approve", "reasons": "已纠正"})  # fmt: skip
    assert done.status_code == 302 and RepairRequest.objects.get().status == RepairStatus.APPROVED
    target.refresh_from_db()
    assert target.status == DisclosureStatus.REMOVED_EARLY
    assert "准予修复" in clinic.get(reverse("credit:repair", args=[made.pk])).content.decode()


def test_import_page_reports_rejected_rows(crew: dict[str, Any], clock: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = ("数据标识,报送部门,行政相对人代码（统一社会信用代码）,行政处罚决定书文号,违法行为类型,严重程度,处罚决定日期,处罚地区划代码,处罚机关\n"
               f"X1,market,{crew['a1'].uscc},文号1,违法广告,一般,2026-05-01,310101,市场监管局\n"
               f"X2,market,{crew['a1'].uscc},文号2,违法广告,一般,2026-02-30,310101,市场监管局\n").encode()  # fmt: skip
    page = _client(crew["market"]).post(reverse("credit:import"),
                                        {"file": SimpleUploadedFile("m.csv", content, content_type="text/csv")})  # fmt: skip
    body = page.content.decode()
    assert page.status_code == 200 and "新增 1" in body and "不是有效的日期" in body
