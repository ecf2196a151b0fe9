"""Repair of partner-pushed records (谁认定、谁修复): the archive says the issuing department repairs them; its repair
result comes through the exchange (file or JSON), becomes a correction record (the original untouched) and the record
leaves the public view from that day, computed when read."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from weijian.complaints.services import api_key_create
from weijian.core.models import Department
from weijian.credit.exchange import imports, repairs
from weijian.credit.exchange.partner_windows import partner_window
from weijian.credit.models import CreditRecord, SourceKind
from weijian.credit.recompute import grades_as_of

pytestmark = pytest.mark.django_db
D = dt.date
RECORDS = "数据标识,报送部门,行政相对人代码（统一社会信用代码）,行政处罚决定书文号,违法行为类型,处罚类别,严重程度,处罚决定日期,处罚地区划代码,处罚机关\n"
REPAIRS = "数据标识,报送部门,原记录数据标识,修复类型,停止公示日期,修复决定文号\n"


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pushed(crew: dict[str, Any], key: str = "M1") -> CreditRecord:
    data = (RECORDS + f"{key},market,{crew['a1'].uscc},沪市监黄处〔2026〕1号,发布违法医疗广告,fine,一般,2026-03-02,310101,"
            "黄浦区市场监管局\n").encode()  # fmt: skip
    assert imports.import_records(data=data, filename="market.csv", actor=crew["market"]).created == 1
    return CreditRecord.objects.get(source_kind=SourceKind.PARTNER, source_key=f"market:{key}")


def repair_file(*lines: str) -> bytes:
    return (REPAIRS + "".join(line + "\n" for line in lines)).encode("utf-8")


def test_the_issuer_repairs_its_record_through_the_exchange(crew: dict[str, Any], clock: Any) -> None:
    earlier = pushed(crew)
    manager = client_of(crew["manager_a"])
    page = manager.get(f"/credit/institutions/{crew['a1'].pk}/").content.decode()
    market = Department.objects.get(code="market").name
    assert f"信用修复由作出处罚决定的{market}办理（谁认定、谁修复）" in page and "公示中" in page
    upload = SimpleUploadedFile("repairs.csv", repair_file("R1,market,M1,信用修复,2026-06-01,沪市监黄修〔2026〕1号"))
    response = client_of(crew["market"]).post("/credit/exchange/import/", {"content": "repairs", "file": upload})
    assert response.status_code == 200 and "新增 1" in response.content.decode()
    correction = CreditRecord.objects.get(source_kind=SourceKind.CORRECTION)
    assert (correction.corrects, correction.occurred_on, correction.source_key) == (earlier, D(2026, 6, 1),
                                                                                    "market:repair:R1")  # fmt: skip
    assert correction.detail["decision_number"] == "沪市监黄修〔2026〕1号" and correction.sources[0]["by"] == "partner:market"
    stored = CreditRecord.objects.get(pk=earlier.pk)
    assert (stored.title, stored.detail, stored.occurred_on) == (earlier.title, earlier.detail, earlier.occurred_on)
    assert partner_window(stored, correction, D(2026, 5, 31)).visible, "shown until the repair day"
    after = partner_window(stored, correction, D(2026, 6, 1))
    assert not after.visible and after.stopped_on == D(2026, 6, 1) and after.max_until > D(2026, 6, 1)
    page = manager.get(f"/credit/institutions/{crew['a1'].pk}/").content.decode()
    assert "已由作出决定的部门修复，2026-06-01 起停止公示" in page
    assert grades_as_of(D(2026, 6, 10), [crew["a1"].pk])[crew["a1"].pk].result.score < grades_as_of(
        D(2026, 5, 31), [crew["a1"].pk])[crew["a1"].pk].result.score, "a repaired record no longer counts"  # fmt: skip
    again = repairs.import_repairs(data=repair_file("R1,market,M1,信用修复,2026-06-01,沪市监黄修〔2026〕1号"),
                                   filename="repairs.csv", actor=crew["market"])  # fmt: skip
    assert (again.created, again.unchanged) == (0, 1) and CreditRecord.objects.count() == 2


def test_bad_repair_rows_are_rejected_named_and_nothing_is_saved(crew: dict[str, Any], clock: Any) -> None:
    pushed(crew)
    result = repairs.import_repairs(data=repair_file(
        "R1,market,NOPE,信用修复,2026-06-01,",
        "R2,market,M1,信用修复,2026-06-11,",
        "R3,market,M1,信用修复,2026-03-01,",
        "R4,market,M1,恢复,2026-06-01,",
        "R5,drug,M1,信用修复,2026-06-01,",
    ), filename="bad.csv", actor=crew["market"])  # fmt: skip
    assert (result.rows, result.created, result.rejected) == (5, 0, 5)
    reasons = {r.row: (r.column, r.reason) for r in result.rejects}
    assert reasons[2] == ("原记录数据标识", "没有该部门报送的这一数据标识的记录")
    assert reasons[3] == ("停止公示日期", "不能晚于今天")
    assert reasons[4] == ("停止公示日期", "不能早于处罚决定日期 2026-03-02")
    assert reasons[5][0] == "修复类型"
    assert reasons[6][0] in ("原记录数据标识", "报送部门")
    assert not CreditRecord.objects.filter(source_kind=SourceKind.CORRECTION).exists()


def test_a_record_is_repaired_once_and_by_its_issuer_only(crew: dict[str, Any], clock: Any, make_user: Any) -> None:
    pushed(crew)
    drug = make_user("drug", role="partner_officer", region="310000", department="drug")
    by_other = repairs.import_repairs(data=repair_file("R9,market,M1,信用修复,2026-06-01,"), filename="x.csv", actor=drug)
    assert by_other.created == 0 and "只能报送本部门作出的处罚的修复结果" in by_other.rejects[0].reason
    assert repairs.import_repairs(data=repair_file("R1,market,M1,撤销公示,2026-06-01,"), filename="a.csv",
                                  actor=crew["market"]).created == 1  # fmt: skip
    twice = repairs.import_repairs(data=repair_file("R2,market,M1,信用修复,2026-06-02,"), filename="b.csv",
                                   actor=crew["market"])  # fmt: skip
    assert twice.created == 0 and "该记录已于 2026-06-01 修复或撤销" in twice.rejects[0].reason


def test_the_json_endpoint_takes_repairs(crew: dict[str, Any], clock: Any) -> None:
    pushed(crew)
    _record, key = api_key_create(actor="test", name="市场监管信用平台", department_code="market", per_minute=5)
    row = {"数据标识": "R1", "报送部门": "market", "原记录数据标识": "M1", "修复类型": "repair", "停止公示日期": "2026-06-01"}
    answer = Client().post("/credit/exchange/api/records/", data=json.dumps({"repairs": [row]}),
                           content_type="application/json", HTTP_X_API_KEY=key)  # fmt: skip
    assert answer.status_code == 200 and answer.json()["created"] == 1
    assert CreditRecord.objects.get(source_kind=SourceKind.CORRECTION).detail["repair"] == "repair"
