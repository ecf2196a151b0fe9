"""The responsibility list (责任清单, ``rules/data/responsibilities.yaml``): departments, their duties, the
执法领域, the check items a duty covers and the complaint categories it handles. Django-free.

The check-item catalog, complaint routing and alert routing all read it; ``core.Department`` and
``core.DepartmentDuty`` are filled from :func:`departments` by :func:`weijian.core.reference.sync_departments`.
The whole file is checked when first read (and whenever it changes): an unknown 执法领域 or complaint category,
a duty code used twice, or a complaint category handled by no duty or by two is refused, naming the file and
the place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from weijian.i18n import gettext as _
from weijian.rules import loader

RESPONSIBILITY_FILE = "responsibilities"
_WHERE = f"{RESPONSIBILITY_FILE}.yaml"
DEPARTMENT_KEYS = frozenset({"name", "lead", "basis", "duties"})
DUTY_KEYS = frozenset({"text", "fields", "items", "complaints"})


class ResponsibilityError(loader.RulesError):
    """The responsibility list is malformed, or a lookup names nothing in force."""


@dataclass(frozen=True)
class Duty:
    code: str  # "health.medical"
    department: str  # department code
    text: str
    fields: tuple[str, ...]  # 执法领域 codes
    items: tuple[str, ...]  # check-item codes (check_items.yaml)
    complaints: tuple[str, ...]  # complaint-category codes


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    lead: bool
    basis: str
    duties: tuple[Duty, ...]


@dataclass(frozen=True)
class ComplaintCategory:
    code: str
    name: str
    wording: str  # how a 12345 ticket words it
    duty: str  # the duty that handles it
    department: str


def fields() -> dict[str, str]:
    """执法领域 code → Chinese name, in the list's order."""
    return dict(_fields(loader.file_hash(RESPONSIBILITY_FILE)))


def departments(as_of: date) -> dict[str, Department]:
    """The departments (with their duties) in force on ``as_of``, by code, in the list's order."""
    return _departments(loader.file_hash(RESPONSIBILITY_FILE), as_of)


def duty(code: str, as_of: date) -> Duty:
    for department in departments(as_of).values():
        for found in department.duties:
            if found.code == code:
                return found
    raise ResponsibilityError(_("%(file)s: 职责 %(code)s 在 %(date)s 不在责任清单中") % {
        "file": _WHERE, "code": code, "date": as_of.isoformat(),
    })  # fmt: skip


def duties_for_item(item_code: str, as_of: date) -> list[Duty]:
    """The duties whose scope covers check item ``item_code`` on ``as_of`` (empty when none does)."""
    return [d for department in departments(as_of).values() for d in department.duties if item_code in d.items]


def complaint_categories(as_of: date) -> dict[str, ComplaintCategory]:
    """Complaint categories in force on ``as_of``, each with the duty and department that handle it."""
    return _categories(loader.file_hash(RESPONSIBILITY_FILE), as_of)


def department_codes() -> list[str]:
    """Every department code in any version of the list (what a rules file may name)."""
    root = _root()
    codes: dict[str, None] = {}
    for _since, entry in loader.dated_entries(root["departments"], f"{_WHERE}: departments"):
        codes.update(dict.fromkeys(str(k) for k in entry if k not in loader.META_KEYS))
    return list(codes)


def duty_codes() -> list[str]:
    """Every duty code in any version of the list."""
    codes: dict[str, None] = {}
    for since, _entry in loader.dated_entries(_root()["departments"], f"{_WHERE}: departments"):
        for department in departments(since).values():
            codes.update(dict.fromkeys(d.code for d in department.duties))
    return list(codes)


def _root() -> dict[str, Any]:
    root = loader.load(RESPONSIBILITY_FILE)
    if not isinstance(root, dict) or set(root) != {"fields", "departments", "complaint_categories"}:
        found = sorted(root) if isinstance(root, dict) else type(root).__name__
        raise ResponsibilityError(_("%(file)s: 顶层应恰有 fields、departments、complaint_categories，实为 %(found)s") % {
            "file": _WHERE, "found": found,
        })  # fmt: skip
    return root


@cache
def _fields(_sha256: str) -> tuple[tuple[str, str], ...]:
    table = _root()["fields"]
    if not isinstance(table, dict) or not table or loader.is_dated(table):
        raise ResponsibilityError(_("%(file)s: fields 应为 执法领域代码 → 名称 的映射") % {"file": _WHERE})
    return tuple((str(code), str(name)) for code, name in table.items())


def _entry(key: str, as_of: dt.date) -> dict[str, Any]:
    table = _root()[key]
    if not loader.is_dated(table):
        raise ResponsibilityError(_("%(file)s: %(key)s 应为按生效日期（YYYY-MM-DD）排列的条目") % {"file": _WHERE, "key": key})
    try:
        entry = loader.as_of(table, as_of, f"{_WHERE}: {key}")
    except loader.RulesError as exc:
        raise ResponsibilityError(str(exc)) from exc
    if not isinstance(entry, dict) or not entry.get("basis"):
        raise ResponsibilityError(_("%(file)s: %(key)s 的条目须含 basis（依据）") % {"file": _WHERE, "key": key})
    return {k: v for k, v in entry.items() if k not in loader.META_KEYS}


def _codes(value: Any, here: str, allowed: set[str] | None = None) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ResponsibilityError(_("%(where)s: 应为代码列表") % {"where": here})
    if allowed is not None:
        bad = [v for v in value if v not in allowed]
        if bad:
            raise ResponsibilityError(_("%(where)s: 未知的代码 %(codes)s") % {"where": here, "codes": bad})
    return tuple(value)


@cache
def _departments(_sha256: str, as_of: dt.date) -> dict[str, Department]:
    known_fields = set(fields())
    known_categories = set(_entry("complaint_categories", as_of))
    out: dict[str, Department] = {}
    seen: set[str] = set()
    for code, body in _entry("departments", as_of).items():
        here = f"{_WHERE}: departments.{code}"
        if not isinstance(body, dict) or not {"name", "duties"} <= set(body) or set(body) - DEPARTMENT_KEYS:
            raise ResponsibilityError(_("%(where)s: 应含 name、duties（可含 lead、basis），不能有其他键") % {"where": here})
        duties = []
        for duty_code, spec in (body["duties"] or {}).items():
            where = f"{here}.duties.{duty_code}"
            if not isinstance(spec, dict) or "text" not in spec or set(spec) - DUTY_KEYS:
                raise ResponsibilityError(
                    _("%(where)s: 应含 text（可含 fields、items、complaints），不能有其他键") % {"where": where}
                )
            if duty_code in seen:
                raise ResponsibilityError(_("%(where)s: 职责代码重复") % {"where": where})
            seen.add(duty_code)
            duties.append(Duty(
                code=str(duty_code), department=str(code), text=str(spec["text"]),
                fields=_codes(spec.get("fields"), f"{where}.fields", known_fields),
                items=_codes(spec.get("items"), f"{where}.items"),
                complaints=_codes(spec.get("complaints"), f"{where}.complaints", known_categories),
            ))  # fmt: skip
        out[str(code)] = Department(code=str(code), name=str(body["name"]), lead=bool(body.get("lead")),
                                    basis=str(body.get("basis") or ""), duties=tuple(duties))  # fmt: skip
    return out


@cache
def _categories(_sha256: str, as_of: dt.date) -> dict[str, ComplaintCategory]:
    handlers: dict[str, list[Duty]] = {}
    for department in departments(as_of).values():
        for d in department.duties:
            for category in d.complaints:
                handlers.setdefault(category, []).append(d)
    out: dict[str, ComplaintCategory] = {}
    for code, spec in _entry("complaint_categories", as_of).items():
        here = f"{_WHERE}: complaint_categories.{code}"
        if not isinstance(spec, dict) or set(spec) != {"name", "wording"}:
            raise ResponsibilityError(_("%(where)s: 应恰有 name、wording") % {"where": here})
        found = handlers.get(str(code), [])
        if len(found) != 1:
            who = _("、").join(d.code for d in found) or _("没有职责")
            raise ResponsibilityError(_("%(where)s: 应恰由一项职责受理（实为：%(duties)s）") % {"where": here, "duties": who})
        out[str(code)] = ComplaintCategory(code=str(code), name=str(spec["name"]), wording=str(spec["wording"]),
                                           duty=found[0].code, department=found[0].department)  # fmt: skip
    return out


def department_for_duty(code: str, on: dt.date) -> str:
    """The department of duty ``code`` on ``on`` (for the rules' YAML cases and routing)."""
    return duty(code, on).department


def category_department(code: str, on: dt.date) -> str:
    """The department a complaint of category ``code`` is routed to on ``on`` (for the rules' YAML cases)."""
    found = complaint_categories(on).get(code)
    if found is None:
        raise ResponsibilityError(_("%(file)s: 投诉类别 %(code)s 在 %(date)s 不在责任清单中") % {
            "file": _WHERE, "code": code, "date": on.isoformat(),
        })  # fmt: skip
    return found.department
