"""Excel out: any registry list, an import's rejected rows, and the blank import templates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from weijian.core.audit import audit_record
from weijian.core.xlsx import SheetData, workbook_bytes, workbook_of
from weijian.registry.imports.specs import SPECS
from weijian.registry.models import Inspector, Institution, Practitioner

Row = Callable[[Any], list[Any]]

INSTITUTION_COLUMNS: list[tuple[str, Row]] = [
    ("统一社会信用代码", lambda i: [i.uscc]),
    ("机构名称", lambda i: [i.name]),
    ("机构类别", lambda i: [i.get_kind_display()]),
    ("级别", lambda i: [i.get_level_display()]),
    ("举办性质", lambda i: [i.get_ownership_display()]),
    ("所在区", lambda i: [i.district.name]),
    ("地址", lambda i: [i.address]),
    ("核定床位", lambda i: [i.beds]),
    ("执业许可证登记号", lambda i: [i.licence_no]),
    ("许可证有效期止", lambda i: [i.licence_valid_to]),
    ("状态", lambda i: [i.get_status_display()]),
]
PRACTITIONER_COLUMNS: list[tuple[str, Row]] = [
    ("执业证书编码", lambda p: [p.cert_no]),
    ("姓名", lambda p: [p.name]),
    ("身份证号（脱敏）", lambda p: [p.id_masked]),
    ("类别", lambda p: [p.get_kind_display()]),
    ("状态", lambda p: [p.get_status_display()]),
    ("执业证有效期止", lambda p: [p.licence_valid_to]),
]
INSPECTOR_COLUMNS: list[tuple[str, Row]] = [
    ("执法证号", lambda i: [i.badge_no]),
    ("姓名", lambda i: [i.name]),
    ("部门", lambda i: [i.department.name]),
    ("所属区域", lambda i: [i.region.name]),
    ("执法领域", lambda i: [i.fields]),
    ("在岗", lambda i: ["是" if i.active else "否"]),
]
COLUMNS: dict[type, list[tuple[str, Row]]] = {
    Institution: INSTITUTION_COLUMNS,
    Practitioner: PRACTITIONER_COLUMNS,
    Inspector: INSPECTOR_COLUMNS,
}


def export_list(model: type, objects: Iterable[Any], title: str) -> bytes:
    columns = COLUMNS[model]
    rows = ([value for _, get in columns for value in get(obj)] for obj in objects)
    return workbook_bytes(title, [header for header, _ in columns], rows)


def list_export(*, actor: Any, model: type, queryset: Any, title: str, query: dict[str, str]) -> bytes:
    """A scoped list as a workbook; who exported what (the filters) goes into the audit chain."""
    audit_record(actor=actor, action="registry.export", object_type=model.__name__, data={"query": query})
    return export_list(model, queryset.iterator(chunk_size=2000), title)


def rejects_workbook(rejects: Iterable[Any]) -> bytes:
    """An import's rejected rows (``ImportReject`` rows, streamed) as a workbook to fix and import again."""
    rows = ([r.row, r.column, r.value, r.reason] for r in rejects)
    return workbook_bytes("未导入的行", ["行号", "列", "值", "原因"], rows)


def import_template(kind: str) -> bytes:
    """A blank workbook with the Chinese headers (required ones in bold) and a notes sheet."""
    spec = SPECS[kind]
    columns = spec.columns
    return workbook_of([
        SheetData(spec.title, [c.header for c in columns], [], bold=[c.required for c in columns],
                  widths=[max(12, len(c.header) * 2 + 4) for c in columns]),
        SheetData("填写说明", ["列名", "对应字段", "必填", "说明"],
                  [[c.header, c.key, "是" if c.required else "否", c.hint] for c in columns]),
    ])  # fmt: skip
