"""An import that teaches: templates with 说明, drop-downs and an example row that imports; every problem of
a row under the header the file used; a rejects workbook that holds the rows as uploaded and imports again."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from weijian.conftest import DISTRICT_A, make_uscc
from weijian.core.models import AuditEvent, Role
from weijian.core.scope import Scope
from weijian.core.tests.xlsx_checks import document_rows, formula_free_rows
from weijian.registry.imports.readers import Limits, open_sheet
from weijian.registry.imports.service import import_sheet
from weijian.registry.imports.specs import SPECS
from weijian.registry.models import ImportBatch, Institution, Practitioner, Registration

pytestmark = pytest.mark.django_db
CITY = Scope(role=Role.CITY_ADMIN, region_prefix=None, department_code=None, institution_id=None)


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client: Client, kind: str, content: bytes, name: str = "file.xlsx") -> ImportBatch:
    file = io.BytesIO(content)
    file.name = name
    response = client.post("/registry/import/", {"kind": kind, "file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("pk")


def manager(make_user: Any, name: str = "mgr") -> Client:
    client = Client()
    client.force_login(make_user(name, role=Role.DISTRICT_MANAGER, region=DISTRICT_A, first_name="吴敏"))
    return client


def fixed(content: bytes, changes: dict[tuple[int, str], Any]) -> bytes:
    """The rejects workbook with some cells changed, as a user would fix it: (original row, header) → value."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[2]]
    for row in sheet.iter_rows(min_row=3):
        for (number, column), value in changes.items():
            if row[0].value == number:
                row[header.index(column)].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_template_teaches_every_column(make_user: Any) -> None:
    client = manager(make_user)
    content = client.get("/registry/import/template/institutions.xlsx").content
    formula_free_rows(content)
    book = load_workbook(io.BytesIO(content))
    data, notes, example, lists = book.worksheets
    assert [s.sheet_state for s in book.worksheets] == ["visible", "visible", "visible", "hidden"]
    header = [c.value for c in data[1]]
    assert header == [c.header for c in SPECS["institutions"].columns] and data.freeze_panes == "A2"
    assert data["A1"].font.b and not data.cell(1, header.index("级别") + 1).font.b  # required in bold
    validated = {header[c.min_col - 1] for v in data.data_validations.dataValidation for c in v.sqref.ranges}
    assert {"机构类别", "级别", "所在区", "所在街道", "举办性质", "经营性质", "状态", "污水排放类别"} <= validated
    listed = {col[0].value: [c.value for c in col[1:] if c.value] for col in lists.iter_cols()}
    assert listed["所在区"] == ["黄浦区 310101"]  # a district manager's own district only
    assert listed["所在街道"] and all(v.split()[-1].startswith(DISTRICT_A) for v in listed["所在街道"])
    assert listed["机构类别"][:2] == ["医院", "专科医院"]
    by_header = {row[0]: row for row in notes.iter_rows(min_row=2, values_only=True) if row and row[0]}
    kind = by_header["机构类别"]
    assert kind[1] == "kind" and kind[2] == "必填" and kind[4].startswith("医院、专科医院")
    assert by_header["级别"][2] == "选填" and "未定级" in by_header["级别"][6]  # the default, in Chinese
    assert "日期" in by_header["许可证有效期起"][3] and "整数" in by_header["核定床位"][3]
    assert [c.value for c in example[1]] == header
    sample = [c.value for c in example[2]]
    assert sample[header.index("所在区")] == "黄浦区 310101"


def test_every_kinds_example_row_imports_cleanly(registry: dict[str, str], make_user: Any) -> None:
    """The 示例 sheet's row, moved to the first sheet, imports without a rejected row, for every kind."""
    city = Client()
    city.force_login(make_user("city", role=Role.CITY_ADMIN, region=None, department=None))
    for kind in SPECS:
        book = load_workbook(io.BytesIO(city.get(f"/registry/import/template/{kind}.xlsx").content))
        rows = [[c.value for c in row] for row in book["示例"].iter_rows()]
        batch = upload(city, kind, xlsx(rows))
        assert (batch.rows, batch.rejected) == (1, 0), (kind, list(batch.reject_rows.values_list("column", "reason")))


def test_a_district_managers_practitioner_example_registers_at_their_institution(
    registry: dict[str, str], make_user: Any
) -> None:
    client = manager(make_user)
    book = load_workbook(io.BytesIO(client.get("/registry/import/template/practitioners.xlsx").content))
    batch = upload(client, "practitioners", xlsx([[c.value for c in row] for row in book["示例"].iter_rows()]))
    assert (batch.created, batch.rejected) == (1, 0)
    created = Practitioner.objects.get(name="示例医师")
    assert Registration.objects.get(practitioner=created).institution.district.code == DISTRICT_A


def test_region_columns_take_the_name_the_code_or_both() -> None:
    header = ["统一社会信用代码", "机构名称", "机构类别", "所在区"]
    rows = [header] + [
        [make_uscc(DISTRICT_A, f"MA000000{n}"), f"诊所{n}", "诊所/门诊部", district]
        for n, district in enumerate(["黄浦区", "黄浦区 310101", "310101", "徐汇区 310101", "不存在区"], start=1)
    ]
    result = import_sheet(kind="institutions", sheet=open_sheet(xlsx(rows), "r.xlsx", Limits.from_settings()),
                          filename="r.xlsx", sha256="x", actor="t", scope=CITY)  # fmt: skip
    assert result.created == 3 and set(Institution.objects.values_list("district__code", flat=True)) == {DISTRICT_A}
    by_row = {r.row: r for r in result.rejects}
    assert by_row[5].column == "所在区" and "是“黄浦区”，与所填名称“徐汇区”不符" in by_row[5].reason
    assert "没有名为“不存在区”的区划" in by_row[6].reason


def test_institutions_round_trip_through_the_rejects_workbook(make_user: Any) -> None:
    """Several problems per row (one with four), reported under the typed headers with Chinese allowed values;
    the rejects workbook holds the rows as uploaded; fixed in place, it imports with nothing rejected."""
    client = manager(make_user)
    header = ["统一社会信用代码", "机构名称", "kind", "所在区", "核定床位", "许可证有效期起", "许可证有效期止", "备注"]
    good, four, two = (make_uscc(DISTRICT_A, f"MA10000{n:02d}") for n in (1, 2, 3))
    broken = four[:-1] + ("0" if four[-1] != "0" else "1")
    rows = [
        header,
        [good, "好诊所", "诊所/门诊部", "黄浦区 310101", 5, dt.date(2024, 1, 1), dt.date(2028, 12, 31), "好"],
        [broken, None, "spa", "黄浦区 310101", -3, dt.date(2024, 1, 1), dt.date(2028, 12, 31), "四处错误"],
        [two, "两处错误诊所", "诊所/门诊部", "不存在区", 2, dt.date(2025, 1, 1), dt.date(2024, 1, 1), "两处"],
    ]
    batch = upload(client, "institutions", xlsx(rows))
    assert (batch.created, batch.rejected) == (1, 2)
    problems = list(batch.reject_rows.values_list("row", "column", "reason"))
    assert [(r, c) for r, c, _ in problems if r == 3] == [(3, "统一社会信用代码"), (3, "机构名称"), (3, "kind"), (3, "核定床位")]
    assert [(r, c) for r, c, _ in problems if r == 4] == [(4, "所在区"), (4, "许可证有效期止")]
    kind_reason = next(reason for _, column, reason in problems if column == "kind")
    assert "应为：医院、专科医院、社区卫生服务中心" in kind_reason and "hospital" not in kind_reason

    rejects = client.get(f"/registry/import/{batch.pk}/rejects.xlsx").content
    table = document_rows(rejects)
    assert table[0] == ["原行号", "未导入原因", *header]
    by_row = {r[0]: r for r in table[1:]}
    assert sorted(by_row) == [3, 4]
    assert by_row[3][2:] == [broken, None, "spa", "黄浦区 310101", -3, dt.datetime(2024, 1, 1), dt.datetime(2028, 12, 31), "四处错误"]
    assert all(word in by_row[3][1] for word in ("校验位", "不能为空", "不是可接受的取值", "不能为负数"))
    sheet = load_workbook(io.BytesIO(rejects)).worksheets[0]
    assert sheet.cell(3, 2 + header.index("kind") + 1).fill.fgColor.rgb.endswith("F4C7C3")  # the cell at fault

    repaired = fixed(rejects, {
        (3, "统一社会信用代码"): four, (3, "机构名称"): "四处错误诊所", (3, "kind"): "诊所/门诊部", (3, "核定床位"): 3,
        (4, "所在区"): "黄浦区", (4, "许可证有效期止"): dt.date(2029, 1, 1),
    })  # fmt: skip
    again = upload(client, "institutions", repaired, "rejects-fixed.xlsx")
    assert (again.rows, again.created, again.rejected) == (2, 2, 0)
    assert Institution.objects.get(uscc=four).name == "四处错误诊所" and Institution.objects.get(uscc=two).beds == 2


def test_practitioners_round_trip_and_identity_numbers_stay_masked(registry: dict[str, str], make_user: Any) -> None:
    client = manager(make_user)
    header = ["practitioner_id", "姓名", "类别", "状态起始日", "身份证号码", "主要执业机构统一社会信用代码", "注册日期"]
    a1 = registry["a1"]
    rows = [
        header,
        ["2203101", None, "doctor", "2024-13-01", "110105194912310021", a1, "2024-01-01"],  # four problems (+ the ID)
        ["110310101000077", "王芳", "执业医师", "2024-01-01", "11010519491231002X", a1, None],  # no registration date
    ]
    batch = upload(client, "practitioners", xlsx(rows), "p.xlsx")
    assert batch.rejected == 2
    columns = list(batch.reject_rows.filter(row=2).values_list("column", flat=True))
    assert columns == ["practitioner_id", "姓名", "类别", "状态起始日", "身份证号码"]
    rejects = client.get(f"/registry/import/{batch.pk}/rejects.xlsx").content
    assert b"19491231" not in rejects and "19491231" not in str(document_rows(rejects))  # never the full number
    table = {r[0]: r for r in document_rows(rejects)[1:]}
    assert table[3][2 + header.index("身份证号码")] == "110105********002X"
    repaired = fixed(rejects, {
        (2, "practitioner_id"): "110310101000078", (2, "姓名"): "李强", (2, "类别"): "执业医师",
        (2, "状态起始日"): "2024-01-01", (2, "身份证号码"): "11010519491231002X", (3, "注册日期"): "2024-02-01",
    })  # fmt: skip
    again = upload(client, "practitioners", repaired, "p-fixed.xlsx")
    assert (again.created, again.rejected) == (2, 0)
    assert Practitioner.objects.get(cert_no="110310101000078").id_masked == "110105********002X"
    assert Practitioner.objects.get(cert_no="110310101000077").id_masked == ""  # the masked number was not stored
    assert Registration.objects.get(practitioner__cert_no="110310101000077").valid_from == dt.date(2024, 2, 1)


def test_import_kinds_show_by_their_chinese_names(make_user: Any) -> None:
    client = manager(make_user)
    upload(client, "institutions", xlsx([["统一社会信用代码", "机构名称", "机构类别", "所在区"],
                                         [make_uscc(DISTRICT_A, "MA2000001"), "诊所", "诊所/门诊部", "黄浦区"]]))  # fmt: skip
    batch = ImportBatch.objects.get()
    page = client.get("/registry/import/").content.decode()
    assert "被监督单位（医疗机构、公共场所等）</td>" in page and ">institutions<" not in page
    assert "医疗机构" in client.get(f"/registry/import/{batch.pk}/").content.decode()
    assert AuditEvent.objects.get(action="registry.import.institutions").data["kind_title"] == "被监督单位（医疗机构、公共场所等）"


def test_an_english_user_gets_english_notes_and_reasons_under_the_chinese_headers(make_user: Any) -> None:
    """The headers are the file format (Chinese in every language); notes, reasons and the export line follow
    the user's language, and a workbook exported in English imports for a Chinese user."""
    from django.utils import translation

    from weijian.core.xlsx import export_line, workbook_bytes
    from weijian.registry.imports.teaching import import_template

    user = make_user("mgr-en", role=Role.DISTRICT_MANAGER, region=DISTRICT_A)
    header = [c.header for c in SPECS["institutions"].columns]
    with translation.override("en"):
        book = load_workbook(io.BytesIO(import_template("institutions", user)))
        rows = [["统一社会信用代码", "机构名称", "机构类别", "所在区", "核定床位"],
                [make_uscc(DISTRICT_A, "MA0000091"), "诊所", "诊所/门诊部", "310101", -3]]  # fmt: skip
        result = import_sheet(kind="institutions", sheet=open_sheet(xlsx(rows), "e.xlsx", Limits.from_settings()),
                              filename="e.xlsx", sha256="x", actor="t", scope=CITY)  # fmt: skip
        line = export_line(actor=user, filters=[("List", "Institutions")])
    assert [s.title for s in book.worksheets][1:3] == ["Instructions", "Example"]
    assert [c.value for c in book.worksheets[0][1]] == header
    notes = {row[0]: row for row in book["Instructions"].iter_rows(min_row=2, values_only=True) if row and row[0]}
    assert notes["核定床位"][2] == "optional" and notes["核定床位"][3] == "Whole number, 0 or more"
    assert [r.reason for r in result.rejects] == ["核定床位: must not be negative"]
    assert line.startswith("Exported by: ") and "Beijing time" in line
    exported = workbook_bytes("x", rows[0], rows[1:], line=line)
    with open_sheet(exported, "x.xlsx", Limits.from_settings()) as sheet:  # read in Chinese, the default
        assert sheet.headers[:5] == rows[0] and next(values for _, values in sheet.rows)[1] == "诊所"
