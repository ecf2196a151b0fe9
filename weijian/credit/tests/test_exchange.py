"""Exchange: partner and other-region records through the strict importer (each row rejected with its reason,
nothing half-saved, re-import changes nothing), the JSON endpoint with a department key, the cross-region flag
for a second penalty within the window, and the 双公示 export as CSV and formula-free xlsx."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import openpyxl
import pytest
from django.test import Client

from weijian.complaints.services import api_key_create
from weijian.core.models import AuditEvent
from weijian.credit.exchange import crossregion, export, imports
from weijian.credit.models import CreditRecord
from weijian.credit.models_lists import CrossRegionReview, ReviewStatus
from weijian.credit.tests.conftest import publish, record
from weijian.registry.models import ImportBatch

pytestmark = pytest.mark.django_db
HEADER = "数据标识,报送部门,行政相对人代码（统一社会信用代码）,行政处罚决定书文号,违法行为代码,违法行为类型,处罚类别,严重程度,处罚决定日期,处罚地区划代码,处罚机关\n"


def _csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("utf-8")


def test_import_rejects_each_bad_row_with_its_reason_and_saves_the_rest(crew: dict[str, Any], clock: Any) -> None:
    a1 = crew["a1"].uscc
    data = _csv(
        f"M1,market,{a1},沪市监黄处〔2026〕1号,med.ad,发布违法医疗广告,fine,一般,2026-03-02,310101,黄浦区市场监管局",
        "M2,market,91310000MA1FL0000X,沪市监黄处〔2026〕2号,med.ad,发布违法医疗广告,fine,一般,2026-03-02,310101,黄浦区市场监管局",
        f"M3,market,{a1},沪市监黄处〔2026〕3号,med.ad,发布违法医疗广告,fine,很严重,2026-03-02,310101,黄浦区市场监管局",
        f"M4,drug,{a1},沪药监〔2026〕4号,drug.x,违法,fine,一般,2026-03-02,310101,药监局",
    )
    result = imports.import_records(data=data, filename="market.csv", actor=crew["market"])
    assert (result.rows, result.created, result.rejected) == (4, 1, 3)
    reasons = {r.row: r.reason for r in result.rejects}
    assert "统一社会信用代码" in reasons[3] or "主体库中没有" in reasons[3]
    assert "严重程度" in reasons[4] and "只能导入本部门的记录" in reasons[5]
    made = CreditRecord.objects.get()
    assert made.source_key == "market:M1" and made.sources[0]["by"] == "partner:market"
    assert made.detail["origin_region"] == "310101" and made.violation_code == "med.ad"
    again = imports.import_records(data=data, filename="market.csv", actor=crew["market"])
    assert (again.created, again.unchanged) == (0, 1) and CreditRecord.objects.count() == 1
    assert ImportBatch.objects.filter(kind="credit_records").count() == 2


def test_an_inspector_may_not_import(crew: dict[str, Any], clock: Any, make_user: Any) -> None:
    from weijian.registry.imports.readers import ImportFileError

    inspector = make_user("insp")
    with pytest.raises(ImportFileError):
        imports.import_records(data=_csv(), filename="x.csv", actor=inspector)


def test_a_second_penalty_in_another_region_within_two_years_is_flagged(crew: dict[str, Any], clock: Any) -> None:
    first = record(crew["a1"], "k1", severity="general", on=dt.date(2024, 7, 1), violation="med.unlicensed")
    a1 = crew["a1"].uscc
    data = _csv(
        f"J1,market,{a1},苏市监〔2026〕1号,med.unlicensed,超范围执业,fine,一般,2026-06-01,320102,南京市玄武区市场监管局",
        f"J2,market,{a1},苏市监〔2026〕2号,med.other,其他,fine,一般,2026-06-01,320102,南京市玄武区市场监管局",
    )
    imports.import_records(data=data, filename="js.csv", actor=crew["market"])
    review = CrossRegionReview.objects.get()
    assert review.earlier == first and review.later.source_key == "market:J1"
    assert (review.earlier_region, review.later_region, review.window_months) == ("310101", "320102", 24)
    assert review.subject_key == a1 and review.review_due == dt.date(2026, 7, 10)
    assert crossregion.cross_region_scan(records=[review.later]) == [], "a pair is flagged once"
    last_day = record(crew["a1"], "k9", severity="general", on=dt.date(2028, 6, 1), violation="med.unlicensed",
                      origin="330102")  # fmt: skip
    assert len(crossregion.cross_region_scan(records=[last_day])) == 1, "the last day of J1's two years"
    day_after = record(crew["a1"], "k10", severity="general", on=dt.date(2028, 6, 2), violation="med.unlicensed",
                       origin="330102")  # fmt: skip
    assert crossregion.cross_region_scan(records=[day_after]) == [], "J1 is past two years; k9 is the same region"
    assert list(crossregion.review_list(crew["manager_b"])) == []
    done = crossregion.cross_region_dispose(actor=crew["manager_a"], review=review, refer=True, reason="涉嫌非法行医罪，移送公安")
    assert done.status == ReviewStatus.REFERRED
    with pytest.raises(crossregion.ReviewError, match="已审查"):
        crossregion.cross_region_dispose(actor=crew["manager_a"], review=review, refer=False, reason="再次")


def test_the_window_is_counted_from_each_penalty(crew: dict[str, Any], clock: Any) -> None:
    record(crew["a1"], "w1", severity="general", on=dt.date(2024, 5, 31), violation="med.x")
    record(crew["a1"], "w2", severity="general", on=dt.date(2026, 6, 1), violation="med.x", origin="320102")
    assert crossregion.cross_region_scan(records=CreditRecord.objects.filter(source_key="w2")) == []
    record(crew["a1"], "w3", severity="general", on=dt.date(2024, 6, 1), violation="med.x")
    assert len(crossregion.cross_region_scan(records=CreditRecord.objects.filter(source_key="w2"))) == 1


def test_json_endpoint_with_a_department_key(crew: dict[str, Any], clock: Any) -> None:
    _record, key = api_key_create(actor="test", name="市场监管信用平台", department_code="market", per_minute=5)
    client = Client()
    row = {"数据标识": "A1", "报送部门": "market", "行政相对人代码（统一社会信用代码）": crew["a1"].uscc,
           "行政处罚决定书文号": "沪市监〔2026〕9号", "违法行为类型": "违法广告", "严重程度": "general",
           "处罚决定日期": "2026-05-01", "处罚地区划代码": "310101", "处罚机关": "市场监管局"}  # fmt: skip
    bad = {**row, "数据标识": "A2", "处罚决定日期": "2026-13-01"}
    assert client.post("/credit/exchange/api/records/", data="{}", content_type="application/json").status_code == 403
    answer = client.post("/credit/exchange/api/records/", data=json.dumps({"records": [row, bad]}),
                         content_type="application/json", HTTP_X_API_KEY=key)  # fmt: skip
    assert answer.status_code == 200
    body = answer.json()
    assert body["created"] == 1 and body["rejected"][0]["row"] == 2 and "日期" in body["rejected"][0]["reason"]
    assert CreditRecord.objects.filter(source_key="market:A1").exists()
    wrong = client.post("/credit/exchange/api/records/", data=json.dumps({"records": [{**row, "报送部门": "drug"}]}),
                        content_type="application/json", HTTP_X_API_KEY=key)  # fmt: skip
    assert "只能导入本部门的记录" in wrong.json()["rejected"][0]["reason"]


def test_export_penalties_and_lists_without_formulas(crew: dict[str, Any], clock: Any) -> None:
    publish(crew, crew["a1"], decided_on=dt.date(2026, 6, 5), facts="=HYPERLINK(\"http://x\")")
    headers, rows = export.penalty_table(crew["manager_a"])
    table = list(rows)
    assert headers[0] == "行政相对人名称" and "公示截止期" in headers and len(table) == 1
    text = export.as_csv(headers, iter(table)).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "2027-06-05" in text
    book = openpyxl.load_workbook(io.BytesIO(export.as_xlsx("双公示", headers, iter(table))))
    cells = [c for row in book.active.iter_rows() for c in row if str(c.value or "").startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    assert list(export.penalty_table(crew["manager_b"])[1]) == []
    list_headers, list_rows = export.list_table(crew["city"])
    assert list_headers[3] == "统一社会信用代码" and list(list_rows) == []
    assert AuditEvent.objects.filter(action="portal.disclosure.publish").count() == 1
