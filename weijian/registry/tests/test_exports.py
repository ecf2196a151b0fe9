"""Every registry workbook — list exports, an import's rejected rows, the blank templates — holds no formula."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client

from weijian.conftest import DISTRICT_A, make_uscc
from weijian.core.models import Role
from weijian.core.tests.xlsx_checks import INJECTIONS, as_read_back, formula_free_rows
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

    rows = formula_free_rows(client.get("/registry/institutions/", {"format": "xlsx"}).content)
    header, *body = rows
    mine = next(r for r in body if r[0] == registry["a1"])
    assert mine[header.index("机构名称")] == INJECTIONS[0] and mine[header.index("地址")] == INJECTIONS[1]
    assert mine[header.index("核定床位")] == 800  # numbers stay numbers
    assert mine[header.index("许可证有效期止")] == dt.datetime(2027, 12, 31)  # dates stay dates

    header, *body = formula_free_rows(client.get("/registry/practitioners/", {"format": "xlsx"}).content)
    assert INJECTIONS[3] in [r[header.index("姓名")] for r in body]

    header, *body = formula_free_rows(client.get("/registry/inspectors/", {"format": "xlsx"}).content)
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
    rows = formula_free_rows(client.get(f"/registry/import/{batch.pk}/rejects.xlsx").content)
    assert rows[1][0] == 2 and rows[1][1] == "district_code"  # the row number stays a number
    assert rows[1][2] == '=HYPERLINK("http://evil.example")'

    template = formula_free_rows(client.get("/registry/import/template/institutions.xlsx").content)
    assert template[0][0] == "统一社会信用代码"
