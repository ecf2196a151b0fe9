"""The 随机抽查事项清单 (check-item catalog) and each item's 检查表, read from ``rules/data/check_items.yaml``.

Django-free. The file is checked as a whole when first read (and again whenever it changes): an item without a
checklist, or naming an unknown department, 执法领域, kind of supervised unit or mode, is refused with the file and
the item named. Lookups are as of a date: the version of each item in force that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from weijian.core import responsibility
from weijian.i18n import gettext as _
from weijian.registry import kinds
from weijian.rules import loader

CATALOG_FILE = "check_items"
MODES = ("random", "key", "targeted")
ITEM_KEYS = frozenset({"name", "department", "fields", "target_kinds", "mode", "checklist"})
LINE_KEYS = frozenset({"no", "requirement", "basis", "findings"})


class CatalogError(loader.RulesError):
    """The check-item file is malformed (the message names the file and the item)."""


class UnknownItem(LookupError):
    """No check item of that code is in force on that date."""

    def __init__(self, code: str, as_of: dt.date) -> None:
        super().__init__(_("抽查事项 %(code)s 在 %(date)s 不在随机抽查事项清单中（%(file)s）") % {
            "code": code, "date": as_of.isoformat(), "file": f"{CATALOG_FILE}.yaml",
        })  # fmt: skip
        self.code, self.as_of = code, as_of


@dataclass(frozen=True)
class ChecklistLine:
    no: str  # "1", "2.3" …
    requirement: str  # 检查内容
    basis: str  # legal basis, "[unverified]" marked where no source
    findings: tuple[str, ...]  # possible findings (常见问题) to pick from


@dataclass(frozen=True)
class CheckItem:
    code: str  # "CC00227"
    name: str
    department: str  # department code (responsibility list)
    fields: tuple[str, ...]  # 执法领域 codes an inspector needs for it
    target_kinds: tuple[str, ...]  # InstitutionKind values it applies to
    mode: str  # "random" | "key" | "targeted"
    checklist: tuple[ChecklistLine, ...]
    basis: str


def items(as_of: date) -> dict[str, CheckItem]:
    """Every check item in force on ``as_of``, by code, in the file's order."""
    found: dict[str, CheckItem] = {}
    for code, versions in _catalog(loader.file_hash(CATALOG_FILE)).items():
        current = None
        for since, version in versions:
            if since <= as_of:
                current = version
        if current is not None:
            found[code] = current
    return found


def item(code: str, as_of: date) -> CheckItem:
    """The check item ``code`` as in force on ``as_of``; :class:`UnknownItem` when there is none."""
    found = items(as_of).get(code)
    if found is None:
        raise UnknownItem(code, as_of)
    return found



@cache
def _catalog(_sha256: str) -> dict[str, list[tuple[dt.date, CheckItem | None]]]:
    """Code → its versions (effective date, item or None when withdrawn), oldest first, all checked."""
    where = f"{CATALOG_FILE}.yaml"
    root = loader.load(CATALOG_FILE)
    if not isinstance(root, dict) or set(root) != {"items"} or not isinstance(root["items"], dict):
        raise CatalogError(_("%(file)s: 顶层应只有 items（抽查事项代码 → 按生效日期的条目）") % {"file": where})
    known = _known()
    out: dict[str, list[tuple[dt.date, CheckItem | None]]] = {}
    for code, table in root["items"].items():
        here = _("%(file)s: 事项 %(code)s") % {"file": where, "code": code}
        if not loader.is_dated(table):
            raise CatalogError(_("%(where)s: 应为按生效日期（YYYY-MM-DD）排列的条目") % {"where": here})
        versions: list[tuple[dt.date, CheckItem | None]] = []
        for since, entry in loader.dated_entries(table, here):
            versions.append((since, _version(str(code), entry, f"{here} [{since.isoformat()}]", known)))
        out[str(code)] = versions
    return out


def _known() -> dict[str, set[str]]:
    return {
        "department": set(responsibility.department_codes()),
        "fields": set(responsibility.fields()),
        "target_kinds": set(kinds.all_kinds()),
    }


def _version(code: str, entry: Any, here: str, known: dict[str, set[str]]) -> CheckItem | None:
    if not isinstance(entry, dict) or not entry.get("basis"):
        raise CatalogError(_("%(where)s: 条目须为含 basis（依据）的映射") % {"where": here})
    if entry.get("withdrawn") is True:
        if set(entry) - {"withdrawn"} - loader.META_KEYS:
            raise CatalogError(_("%(where)s: 撤销条目只写 withdrawn 和 basis") % {"where": here})
        return None
    body = {k: v for k, v in entry.items() if k not in loader.META_KEYS}
    if "checklist" not in body or not body["checklist"]:
        raise CatalogError(_("%(where)s: 缺少检查表 checklist（每个抽查事项须有检查表）") % {"where": here})
    unknown, missing = set(body) - ITEM_KEYS, ITEM_KEYS - set(body)
    if unknown or missing:
        raise CatalogError(_("%(where)s: 未知的键 %(unknown)s，缺少的键 %(missing)s") % {
            "where": here, "unknown": sorted(unknown), "missing": sorted(missing),
        })  # fmt: skip
    if body["department"] not in known["department"]:
        raise CatalogError(_("%(where)s: 未知的部门 %(department)r（应为责任清单中的部门代码）") % {
            "where": here, "department": body["department"],
        })  # fmt: skip
    for key in ("fields", "target_kinds"):
        values = body[key]
        if not isinstance(values, list) or not values:
            raise CatalogError(_("%(where)s: %(key)s 应为非空列表") % {"where": here, "key": key})
        bad = [v for v in values if v not in known[key]]
        if bad:
            raise CatalogError(_("%(where)s: %(key)s 中有未知的代码 %(codes)s") % {"where": here, "key": key, "codes": bad})
    if body["mode"] not in MODES:
        raise CatalogError(_("%(where)s: mode 应为 %(modes)s，而不是 %(mode)r") % {
            "where": here, "modes": "/".join(MODES), "mode": body["mode"],
        })  # fmt: skip
    lines = tuple(_line(line, _("%(where)s 检查表第%(row)d行") % {"where": here, "row": n})
                  for n, line in enumerate(body["checklist"], start=1))  # fmt: skip
    numbers = [line.no for line in lines]
    if len(set(numbers)) != len(numbers):
        raise CatalogError(_("%(where)s: 检查表条目编号重复 %(numbers)s") % {
            "where": here, "numbers": sorted({n for n in numbers if numbers.count(n) > 1}),
        })  # fmt: skip
    return CheckItem(
        code=code, name=str(body["name"]), department=str(body["department"]), fields=tuple(body["fields"]),
        target_kinds=tuple(body["target_kinds"]), mode=str(body["mode"]), checklist=lines, basis=str(entry["basis"]),
    )  # fmt: skip


def _line(line: Any, here: str) -> ChecklistLine:
    if not isinstance(line, dict) or set(line) != LINE_KEYS:
        found = sorted(map(str, line)) if isinstance(line, dict) else type(line).__name__
        raise CatalogError(_("%(where)s: 应恰有 %(keys)s，实为 %(found)s") % {
            "where": here, "keys": sorted(LINE_KEYS), "found": found,
        })  # fmt: skip
    if not isinstance(line["no"], str) or not str(line["requirement"]).strip() or not str(line["basis"]).strip():
        raise CatalogError(_("%(where)s: no 应为字符串（加引号），requirement 与 basis 不能为空") % {"where": here})
    findings = line["findings"]
    if not isinstance(findings, list) or not findings or not all(isinstance(f, str) and f.strip() for f in findings):
        raise CatalogError(_("%(where)s: findings 应为非空的常见问题列表") % {"where": here})
    return ChecklistLine(no=line["no"], requirement=str(line["requirement"]), basis=str(line["basis"]),
                         findings=tuple(findings))  # fmt: skip


def item_record(code: str, as_of: dt.date) -> dict[str, Any]:
    """What a plan or a record stores to be replayable: the item's code, the date asked and the file's hash."""
    checked = item(code, as_of)
    return {"file": f"{CATALOG_FILE}.yaml", "code": checked.code, "as_of": as_of.isoformat(),
            "sha256": loader.file_hash(CATALOG_FILE), "basis": checked.basis}  # fmt: skip


def summary(code: str, on: dt.date) -> dict[str, Any]:
    """An item in brief (name, department, mode, number of checklist lines, first line's basis): for the YAML cases."""
    checked = item(code, on)
    return {"name": checked.name, "department": checked.department, "mode": checked.mode,
            "lines": len(checked.checklist), "first_basis": checked.checklist[0].basis}  # fmt: skip


def codes(on: dt.date) -> list[str]:
    """Codes of the items in force on ``on``, in the file's order."""
    return list(items(on))
