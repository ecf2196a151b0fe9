"""The ``regions`` import kind: an office's own streets and grids, within its data scope."""

from typing import Any

import pytest

from weijian.core.audit import audit_verify
from weijian.core.models import AuditEvent, Region, Role
from weijian.core.scope import Scope
from weijian.registry.imports.readers import open_sheet
from weijian.registry.imports.service import ImportResult, import_sheet

pytestmark = pytest.mark.django_db
SYSTEM = Scope(role=Role.CITY_ADMIN, region_prefix=None, department_code=None, institution_id=None)
HEADER = "区划代码,名称,层级,上级区划代码\n"


def run(content: str, scope: Scope = SYSTEM) -> ImportResult:
    return import_sheet(
        kind="regions", sheet=open_sheet(content.encode(), "regions.csv", None), filename="regions.csv",
        sha256="x", actor="t", scope=scope,
    )  # fmt: skip


def test_streets_and_their_grids_in_one_file_with_chinese_headers() -> None:
    content = (
        HEADER
        + "310101990,示范街道,街道乡镇,310101\n"
        + "310101990001,示范街道第1网格,网格,310101990\n"  # its street is new, on an earlier row
        + "３１０１０１００２００１,南京东路街道第1网格,grid,310101002\n"  # full-width; the street ships
    )
    result = run(content)
    assert result.ok and (result.created, result.updated, result.unchanged) == (3, 0, 0)
    grid = Region.objects.get(code="310101990001")
    assert grid.level == "grid" and grid.parent.code == "310101990" and grid.parent.parent.code == "310101"
    assert Region.objects.get(code="310101002001").parent.name == "南京东路街道"
    again = run(content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    renamed = run(content.replace("示范街道第1网格", "示范街道一网格"))
    assert (renamed.updated, renamed.unchanged) == (1, 2)
    assert Region.objects.get(code="310101990001").name == "示范街道一网格"
    assert AuditEvent.objects.filter(action="registry.import.regions").count() == 3 and audit_verify().ok


def test_each_bad_region_row_says_why() -> None:
    """Each problem is reported under the header the file used (here the template's earlier Chinese header)."""
    content = (
        HEADER
        + "310101991,孤儿街道,street,310199\n"  # no such district
        + "310101992001,挂错层级,grid,310101\n"  # a grid directly under a district
        + "310104993,跨区街道,street,310101\n"  # code not under its parent
        + "31010199,短代码,street,310101\n"
        + "310101994,未知层级,district,310101\n"
        + "310101995001,先于街道的网格,grid,310101995\n"  # its street comes later
        + "310101995,迟到的街道,street,310101\n"
    )
    result = run(content)
    by_row = {r.row: (r.column, r.reason) for r in result.rejects}
    assert by_row[2] == ("上级区划代码", "未知的上级区划代码（上级须已在库中，或在本文件靠前的行中）")
    assert by_row[3] == ("上级区划代码", "网格的上级应为街道乡镇")
    assert by_row[4] == ("区划代码", "街道乡镇代码应为上级代码 310101 加3位数字")
    assert by_row[5][0] == "区划代码" and "应为9位（街道乡镇）或12至15位（网格）数字" in by_row[5][1]
    assert by_row[6][0] == "层级" and "不是可接受的取值" in by_row[6][1]
    assert by_row[7][0] == "上级区划代码" and "靠前的行" in by_row[7][1]
    assert result.created == 1 and Region.objects.filter(code="310101995").exists()


def test_a_district_manager_imports_only_below_their_district(make_user: Any) -> None:
    manager = Scope(role=Role.DISTRICT_MANAGER, region_prefix="310101", department_code="health", institution_id=None)
    result = run(HEADER + "310101996,本区街道,street,310101\n310104996,他区街道,street,310104\n", scope=manager)
    assert result.created == 1 and [(r.row, r.column) for r in result.rejects] == [(3, "上级区划代码")]
    assert "数据权限" in result.rejects[0].reason
    shanghai = Scope(role=Role.CITY_ADMIN, region_prefix="31", department_code="health", institution_id=None)
    result = run(HEADER + "310104996,他区街道,street,310104\n320281996,江阴街道,street,320281\n", scope=shanghai)
    assert result.created == 1 and result.rejects[0].row == 3 and "数据权限" in result.rejects[0].reason
    everywhere = run(HEADER + "320281996,江阴街道,street,320281\n")
    assert everywhere.ok and Region.objects.get(code="320281996").parent.name == "江阴市"
