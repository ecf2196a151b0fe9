"""Import: valid rows applied, re-import changes nothing, every bad row reported with row/column/reason."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook, load_workbook

from weijian.conftest import DISTRICT_A, make_uscc
from weijian.core.audit import audit_verify
from weijian.core.models import AuditEvent, Role
from weijian.core.scope import Scope
from weijian.registry.imports.readers import ImportFileError, Limits, open_sheet
from weijian.registry.imports.service import ImportResult, import_bytes, import_sheet
from weijian.registry.models import ImportBatch, Institution, Practitioner

pytestmark = pytest.mark.django_db
SYSTEM = Scope(role=Role.CITY_ADMIN, region_prefix=None, department_code=None, institution_id=None)
HEADER = "institution_id,name,kind,district_code,licence_valid_from,licence_valid_to\n"


def run(kind: str, content: str | bytes, scope: Scope = SYSTEM, name: str = "file.csv") -> ImportResult:
    data = content.encode() if isinstance(content, str) else content
    return import_sheet(
        kind=kind, sheet=open_sheet(data, name, Limits.from_settings()), filename=name, sha256="x", actor="t", scope=scope
    )


def good(n: int, district: str = DISTRICT_A) -> str:
    return f"{make_uscc(district, f'MA{n:07d}')},测试诊所{n},clinic,{district},2024-01-01,2028-12-31\n"


def test_valid_rows_apply_and_reimport_changes_nothing() -> None:
    content = HEADER + good(1) + good(2)
    first = run("institutions", content)
    assert (first.created, first.updated, first.unchanged, first.rejected) == (2, 0, 0, 0)
    events = AuditEvent.objects.count()
    again = run("institutions", content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Institution.objects.count() == 2
    assert AuditEvent.objects.count() == events + 1  # one event per batch, saying nothing changed
    changed = run("institutions", content.replace("测试诊所2", "测试诊所二"))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Institution.objects.get(name="测试诊所二")
    assert audit_verify().ok


def test_each_bad_row_is_reported_and_the_good_ones_applied() -> None:
    bad_uscc = make_uscc(DISTRICT_A, "MA0000009")[:-1] + ("0" if make_uscc(DISTRICT_A, "MA0000009")[-1] != "0" else "1")
    content = (
        HEADER
        + good(1)
        + f"{bad_uscc},坏代码诊所,clinic,{DISTRICT_A},2024-01-01,2028-12-31\n"
        + good(1).replace("测试诊所1", "重复")
        + f"{make_uscc(DISTRICT_A, 'MA0000003')},未知区诊所,clinic,999999,2024-01-01,2028-12-31\n"
        + f"{make_uscc(DISTRICT_A, 'MA0000004')},日期错误诊所,clinic,{DISTRICT_A},2024/13/01,2028-12-31\n"
        + f"{make_uscc(DISTRICT_A, 'MA0000005')},类别错误,spa,{DISTRICT_A},2024-01-01,2028-12-31\n"
        + f"{make_uscc(DISTRICT_A, 'MA0000006')},,clinic,{DISTRICT_A},2024-01-01,2028-12-31\n"
        + f"{make_uscc(DISTRICT_A, 'MA0000007')},倒置有效期,clinic,{DISTRICT_A},2024-01-01,2023-12-31\n"
    )
    result = run("institutions", content)
    assert result.created == 1 and result.rows == 8
    by_row = {r.row: r for r in result.rejects}
    assert by_row[3].column == "institution_id" and "校验位不正确" in by_row[3].reason
    assert "与第2行重复" in by_row[4].reason
    assert by_row[5].column == "district_code" and by_row[5].reason == "未知的区划代码" and by_row[5].value == "999999"
    assert by_row[6].column == "licence_valid_from" and "日期" in by_row[6].reason and by_row[6].value == "2024/13/01"
    assert by_row[7].column == "kind" and "不是可接受的取值" in by_row[7].reason
    assert by_row[8].column == "name" and "不能为空" in by_row[8].reason
    assert by_row[9].column == "licence_valid_to" and "早于" in by_row[9].reason
    assert Institution.objects.count() == 1
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.rejected == 7 and batch.reject_rows.count() == 7


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空文件"),
        (b"\x00\x01\x02\x03binary" * 10, "不是可识别的表格文件"),
        (b"PK\x03\x04 not really a zip", "不是有效的 .xlsx"),
        (b"name,kind\n\xe6\xb5\x8b,clinic\n", "缺少必填列"),
        (HEADER.encode(), "没有数据行"),
    ],
)
def test_file_level_problems_apply_nothing(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        import_bytes(kind="institutions", data=data, filename="bad.csv", actor="t", scope=SYSTEM)
    assert Institution.objects.count() == 0


def test_a_50_mb_file_is_refused_before_parsing() -> None:
    data = (HEADER + good(1)).encode() + b"x" * (50 * 1024 * 1024)
    with pytest.raises(ImportFileError, match="超过上限"):
        import_bytes(kind="institutions", data=data, filename="big.csv", actor="t", scope=SYSTEM)
    assert Institution.objects.count() == 0


def test_gbk_csv_and_chinese_headers_and_labels() -> None:
    content = "统一社会信用代码,机构名称,机构类别,所在区划代码\n" + f"{make_uscc(DISTRICT_A, 'MA0000001')},黄浦诊所,诊所/门诊部,{DISTRICT_A}\n"
    result = run("institutions", content.encode("gbk"))
    assert result.created == 1 and result.encoding == "GBK"
    assert Institution.objects.get().kind == "clinic"


def test_xlsx_with_template_headers_and_ignored_column() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["执业证书编码", "姓名", "类别", "身份证号码", "备注"])
    sheet.append(["110310101000001", "張偉", "执业医师", "11010519491231002X", "x"])
    sheet.append([110310101000002, "李娜", "nurse", "110105194912310021", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run("practitioners", buffer.getvalue(), name="p.xlsx")
    assert result.created == 1 and result.ignored_columns == ["备注"]
    assert result.rejects[0].row == 3 and result.rejects[0].column == "id_number"
    assert "1101051949" not in result.rejects[0].value  # the bad ID number is masked in the report
    p = Practitioner.objects.get()
    assert p.id_masked == "110105********002X" and p.id_digest and "张伟" in p.search_text


def test_district_manager_cannot_import_into_another_district(make_user: Any) -> None:
    scope = Scope(role=Role.DISTRICT_MANAGER, region_prefix="310104", department_code="health", institution_id=None)
    result = run("institutions", HEADER + good(1), scope=scope)
    assert result.created == 0 and "权限" in result.rejects[0].reason


def test_cli_import_exits_non_zero_and_lists_rejects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "inst.csv"
    path.write_text(HEADER + good(1) + f"{make_uscc(DISTRICT_A, 'MA0000002')},x,clinic,999999,2024-01-01,2028-12-31\n")
    with pytest.raises(CommandError) as info:
        call_command("import", "institutions", str(path))
    assert info.value.returncode == 1
    assert "第3行" in capsys.readouterr().err
    assert Institution.objects.count() == 1
    ok = tmp_path / "ok.csv"
    ok.write_text(HEADER + good(5))
    call_command("import", "institutions", str(ok))
    with pytest.raises(CommandError) as missing:
        call_command("import", "institutions", str(tmp_path / "nope.csv"))
    assert missing.value.returncode == 2


def test_import_page_shows_rejects_and_offers_workbook(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("mgr", role=Role.DISTRICT_MANAGER))
    upload = io.BytesIO((HEADER + good(1) + good(2).replace(DISTRICT_A + ",", "999999,")).encode())
    upload.name = "inst.csv"
    response = client.post("/registry/import/", {"kind": "institutions", "file": upload}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "未知的区划代码" in page and "999999" in page
    batch = ImportBatch.objects.get()
    workbook = load_workbook(io.BytesIO(client.get(f"/registry/import/{batch.pk}/rejects.xlsx").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "值", "原因") and rows[1][0] == 3 and rows[1][3] == "未知的区划代码"
    template = load_workbook(io.BytesIO(client.get("/registry/import/template/institutions.xlsx").content))
    assert template.active.cell(1, 1).value == "统一社会信用代码"


def test_inspector_cannot_import(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("insp", role=Role.INSPECTOR))
    assert client.get("/registry/import/").status_code == 403
    upload = io.BytesIO((HEADER + good(1)).encode())
    upload.name = "inst.csv"
    assert client.post("/api/imports/institutions", {"file": upload}).status_code in (403, 401)
    assert Institution.objects.count() == 0


def test_every_kind_imports_from_contract_columns(registry: dict[str, str]) -> None:
    """The conftest registry goes through all six kinds; check what landed."""
    from weijian.registry.models import Inspector, InstitutionDept, PractitionerScope, Registration

    assert Institution.objects.count() == 4
    assert InstitutionDept.objects.count() == 3
    assert PractitionerScope.objects.count() == 2
    assert Registration.objects.filter(is_primary=False).count() == 1
    assert Inspector.objects.count() == 3


def test_registrations_need_known_practitioner_and_institution(registry: dict[str, str]) -> None:
    content = (
        "practitioner_id,institution_id,is_primary,valid_from\n"
        f"999999999999999,{registry['a1']},true,2020-01-01\n"
        f"110310101000001,{make_uscc(DISTRICT_A, 'MA9999999')},maybe,2020-01-01\n"
    )
    result = run("registrations", content)
    reasons = {r.row: (r.column, r.reason) for r in result.rejects}
    assert reasons[2][0] == "practitioner_id" and "先导入执业人员" in reasons[2][1]
    assert reasons[3][0] == "is_primary"


def test_sim_city_registry_as_csv_imports_with_weijian_import_and_nothing_rejected(tmp_path: Path) -> None:
    """Every table of `weijian sim city`, regions (for the grids) included, written as CSV, goes through
    `weijian import KIND FILE.csv` into a freshly migrated database without a single rejected row."""
    import pyarrow.csv as pacsv

    from weijian.core.models import Region
    from weijian.registry import kinds
    from weijian.registry.loading import ORDER, kind_of
    from weijian.registry.models import Inspector, InspectorConflict, Registration
    from weijian.sim import city

    tiny = city.Preset(districts=("310101", "310115"), institutions=12, practitioners=60, inspectors=40,
                       streets_per_district=(2, 2))  # fmt: skip
    tables = city.generate(tiny, seed=3)
    assert ORDER[0] == "regions" and set(ORDER) == set(tables)
    for table in ORDER:
        path = tmp_path / f"{table}.csv"
        pacsv.write_csv(tables[table], path)
        call_command("import", kind_of(table), str(path))  # raises CommandError (exit 1) on any rejected row
    assert ImportBatch.objects.filter(rejected=0).count() == len(ORDER)
    units = tables["supervised_units"].num_rows
    assert Institution.objects.count() == 12 + units and Practitioner.objects.count() == 60
    assert {i.sector for i in Institution.objects.exclude(kind__in=kinds.medical_kinds())} == set(kinds.SECTORS) - {"medical"}
    assert InspectorConflict.objects.count() == tables["inspector_conflicts"].num_rows > 0
    assert Inspector.objects.exclude(badge_valid_to=None).count() == 40
    assert Registration.objects.count() == tables["registrations"].num_rows
    assert Inspector.objects.count() == 40
    grids = [r for r in tables["regions"].to_pylist() if r["level"] == "grid"]
    assert Region.objects.filter(level="grid").count() == len(grids)
    assert all(p.id_masked.count("*") == 8 for p in Practitioner.objects.all())


def test_control_characters_in_a_cell_are_rejected() -> None:
    result = run("institutions", HEADER + good(1).replace("测试诊所1", "测试\x07诊所"))
    assert result.created == 0 and result.rejects[0].column == "name" and "控制字符" in result.rejects[0].reason
