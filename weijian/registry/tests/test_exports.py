"""Every registry workbook — list exports, an import's rejected rows, the blank templates — holds no formula."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from weijian.conftest import DISTRICT_A, make_uscc
from weijian.core.models import Role
from weijian.core.tests.xlsx_checks import INJECTIONS, as_read_back, document_rows, formula_free_rows
from weijian.registry.models import ImportBatch, Inspector, Institution, Practitioner

pytestmark = pytest.mark.django_db


def _client(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("exporter", role=Role.CITY_ADMIN, region=None, department=None))
    return client


def test_list_exports_write_typed_text_as_text(registry: dict[str, str], make_user: Any) -> None:
    Institution.objects.filter(uscc=registry["a1"]).update(name=INJECTIONS[0], address=INJECTIONS[1])
    Practitioner.objects.filter(cert_no="110310101000001").update(name=INJECTIONS[3])
    Inspector.objects.filter(badge_no="31010100000001").update(name=INJECTIONS[4], fields=INJECTIONS[5])
    client = _client(make_user)

    rows = document_rows(client.get("/registry/institutions/", {"format": "xlsx"}).content)
    header, *body = rows
    mine = next(r for r in body if r[0] == registry["a1"])
    assert mine[header.index("机构名称")] == INJECTIONS[0] and mine[header.index("地址")] == INJECTIONS[1]
    assert mine[header.index("核定床位")] == 800  # numbers stay numbers
    assert mine[header.index("许可证有效期止")] == dt.datetime(2027, 12, 31)  # dates stay dates

    header, *body = document_rows(client.get("/registry/practitioners/", {"format": "xlsx"}).content)
    assert INJECTIONS[3] in [r[header.index("姓名")] for r in body]

    header, *body = document_rows(client.get("/registry/inspectors/", {"format": "xlsx"}).content)
    mine = next(r for r in body if r[0] == "31010100000001")
    assert mine[header.index("姓名")] == INJECTIONS[4] and mine[header.index("执法领域")] == as_read_back(INJECTIONS[5])


def test_rejects_workbook_and_template_hold_no_formula(make_user: Any) -> None:
    client = _client(make_user)
    header = "institution_id,name,kind,district_code,licence_valid_from,licence_valid_to\n"
    bad = f'{make_uscc(DISTRICT_A, "MA0000001")},诊所,clinic,"=HYPERLINK(""http://evil.example"")",2024-01-01,2028-12-31\n'
    upload = io.BytesIO((header + bad).encode())
    upload.name = "inst.csv"
    client.post("/registry/import/", {"kind": "institutions", "file": upload})
    batch = ImportBatch.objects.get()
    header, *body = document_rows(client.get(f"/registry/import/{batch.pk}/rejects.xlsx").content)
    assert header[:3] == ["原行号", "未导入原因", "institution_id"]
    assert body[0][0] == 2 and "district_code" in body[0][1]  # the row number stays a number
    assert body[0][header.index("district_code")] == '=HYPERLINK("http://evil.example")'  # the cell as uploaded

    template = formula_free_rows(client.get("/registry/import/template/institutions.xlsx").content)
    assert template[0][0] == "统一社会信用代码"


def test_list_export_says_who_which_filter_when_and_carries_the_grade(
    registry: dict[str, str], make_user: Any, tmp_path: Any
) -> None:
    from weijian.alerts.loading import analytics_run_load
    from weijian.alerts.tests.runs import write_run

    risk = [{"institution_id": registry["a1"], "score": 45.25, "grade": "C", "reasons": []}]
    analytics_run_load(folder=write_run(tmp_path / "out", registry, rows=[], risk=risk), actor="t")
    client = Client()
    client.force_login(make_user("wm", role=Role.INSPECTOR, region=DISTRICT_A, first_name="吴敏"))
    content = client.get("/registry/institutions/", {"format": "xlsx", "district": DISTRICT_A, "kind": "hospital"}).content
    line = load_workbook(io.BytesIO(content)).worksheets[0]["A1"].value
    assert "吴敏" in line and "区=黄浦区" in line and "类别=医院" in line and "北京时间" in line
    header, *body = document_rows(content)
    assert [r[0] for r in body] == [registry["a1"]]
    assert header[-3:] == ["风险等级", "风险分值", "评级数据截至"] and body[0][-3].startswith("C")
    assert isinstance(body[0][-2], float)


def test_an_institution_user_exports_its_own_grade_as_on_its_profile(
    registry: dict[str, str], make_user: Any, tmp_path: Any
) -> None:
    from weijian.alerts.loading import analytics_run_load
    from weijian.alerts.tests.runs import write_run

    risk = [{"institution_id": registry["a1"], "score": 45.25, "grade": "C", "reasons": []}]
    analytics_run_load(folder=write_run(tmp_path / "out", registry, rows=[], risk=risk), actor="t")
    client = Client()
    client.force_login(make_user("own", role=Role.INSTITUTION_USER, region=None, department=None,
                                 institution=Institution.objects.get(uscc=registry["a1"])))  # fmt: skip
    header, *body = document_rows(client.get("/registry/institutions/", {"format": "xlsx"}).content)
    assert [r[0] for r in body] == [registry["a1"]] and body[0][header.index("风险等级")].startswith("C")
