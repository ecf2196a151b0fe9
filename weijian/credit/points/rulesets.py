"""The bad-practice rule sets of ``rules/data/bad_practice_points.yaml`` and an office's own, validated strictly.

An office adds a rule set with a file ``bad_practice_points_<name>.yaml`` (same shape: ``item_tables`` and
``rule_sets``) in the bundled rules folder or its override folder (``WEIJIAN_RULES_DIR``). Every file is read
by the same strict loader and checked by :func:`validate`: an unknown or missing key, an item without points, a
threshold without ``min``/``over`` or naming an unknown window, a rule set naming an item table nobody defines,
a code defined twice — each refused naming the file and the place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from weijian.i18n import gettext as _
from weijian.rules import loader

FILE = "bad_practice_points"
ANCHORS = ("jiaoyan", "licence_date", "calendar_year")
UNITS = ("per_event", "per_person", "per_subject")
WINDOWS = ("year", "period")
PERIODS = (1, 3, "any")
SET_KEYS = {"label", "label_en", "jurisdiction", "versions"}
VERSION_KEYS = {"basis", "anchor", "item_table", "thresholds", "note", "published"}
THRESHOLD_KEYS = {"code", "period_years", "window", "min", "over", "measure", "measure_en"}
ITEM_KEYS = {"code", "behaviour", "behaviour_en", "points", "unit"}


class RuleSetError(loader.RulesError):
    """A rule set that cannot be used, or a point item not in it; the message names it (Chinese)."""


@dataclass(frozen=True)
class Item:
    code: str
    behaviour: str
    behaviour_en: str
    points: int
    unit: str


@dataclass(frozen=True)
class Threshold:
    code: str
    period_years: int | str
    window: str  # year | period | after:<code>
    min: int | None
    over: int | None
    measure: str
    measure_en: str

    def reached_by(self, points: int) -> bool:
        return points >= self.min if self.min is not None else points > (self.over or 0)


@dataclass(frozen=True)
class JiaoyanPeriod:
    beds_threshold: int
    short_years: int
    long_years: int
    basis: str

    def years_for(self, beds: int) -> int:
        return self.short_years if beds < self.beds_threshold else self.long_years


@dataclass(frozen=True)
class RuleSet:
    """One version of one rule set: what applies to a behaviour on a day."""

    code: str
    label: str
    label_en: str
    jurisdiction: str
    effective_from: dt.date
    basis: str
    anchor: str
    items: dict[str, Item]
    thresholds: tuple[Threshold, ...]
    file: str

    def item(self, code: str) -> Item:
        found = self.items.get(code)
        if found is None:
            raise RuleSetError(_("记分项目：%(code)s 不在记分规则“%(set)s”中") % {"code": code, "set": self.label})
        return found

    def covers(self, region_code: str) -> bool:
        return region_code.startswith(self.jurisdiction)

    def record(self) -> dict[str, Any]:
        return {"rule_set": self.code, "effective_from": self.effective_from.isoformat(), "basis": self.basis,
                "file": self.file, "sha256": loader.file_hash(self.file.removesuffix(".yaml"))}  # fmt: skip


def rule_files() -> list[str]:
    """The bundled file and every office addition (``bad_practice_points_*``), by name."""
    return [name for name in loader.rules_files() if name == FILE or name.startswith(f"{FILE}_")]


def _problem(problems: list[str], where: str, text: str) -> None:
    problems.append(f"{where}: {text}")


def _validate_items(name: str, tables: Any, problems: list[str]) -> None:
    if not isinstance(tables, dict):
        _problem(problems, name, "item_tables is not a mapping")
        return
    for table, body in tables.items():
        where = f"{name}.item_tables.{table}"
        if not isinstance(body, dict) or set(body) != {"basis", "items"} or not body.get("basis"):
            _problem(problems, where, "needs exactly basis and items")
            continue
        seen: set[str] = set()
        for number, item in enumerate(body["items"] or [], start=1):
            here = f"{where}.items[{number}]"
            if not isinstance(item, dict) or set(item) != ITEM_KEYS:
                _problem(problems, here, f"needs exactly {sorted(ITEM_KEYS)}")
                continue
            if item["code"] in seen:
                _problem(problems, here, f"code {item['code']!r} twice")
            seen.add(item["code"])
            if not isinstance(item["points"], int) or isinstance(item["points"], bool) or item["points"] <= 0:
                _problem(problems, here, "points must be a positive whole number")
            if item["unit"] not in UNITS:
                _problem(problems, here, f"unit {item['unit']!r} is not one of {UNITS}")


def _validate_thresholds(where: str, thresholds: Any, problems: list[str]) -> None:
    if not isinstance(thresholds, list) or not thresholds:
        _problem(problems, where, "thresholds must be a non-empty list")
        return
    codes = [t.get("code") for t in thresholds if isinstance(t, dict)]
    for number, t in enumerate(thresholds, start=1):
        here = f"{where}.thresholds[{number}]"
        if not isinstance(t, dict) or not set(t) <= THRESHOLD_KEYS or not {"code", "period_years", "window", "measure",
                                                                          "measure_en"} <= set(t):  # fmt: skip
            _problem(problems, here, f"keys must be among {sorted(THRESHOLD_KEYS)}, with code, period_years, window, measure, measure_en")
            continue
        if ("min" in t) == ("over" in t):
            _problem(problems, here, "needs exactly one of min or over")
        elif not isinstance(t.get("min", t.get("over")), int):
            _problem(problems, here, "min/over must be a whole number")
        if t["period_years"] not in PERIODS:
            _problem(problems, here, f"period_years {t['period_years']!r} is not one of {PERIODS}")
        window = str(t["window"])
        if window.startswith("after:"):
            if window[6:] not in codes or window[6:] == t["code"]:
                _problem(problems, here, f"window {window!r} names no other threshold of this version")
        elif window not in WINDOWS:
            _problem(problems, here, f"window {window!r} is not year, period or after:<code>")
    if len(set(codes)) != len(codes):
        _problem(problems, where, "a threshold code is used twice")


def validate(name: str) -> None:
    """Refuse rules file ``name`` (the bundled file or an office's) unless every rule set in it is well formed."""
    data = loader.load(name)
    problems: list[str] = []
    allowed = {"item_tables", "rule_sets"} | ({"jiaoyan_period"} if name == FILE else set())
    if not isinstance(data, dict):
        raise RuleSetError(f"{name}.yaml: not a mapping")
    for key in sorted(set(data) - allowed):
        _problem(problems, name, f"unknown key {key!r}")
    if name == FILE:
        for since, entry in loader.dated_entries(data.get("jiaoyan_period") or {}, f"{name}.jiaoyan_period"):
            if set(entry) != {"beds_threshold", "short_years", "long_years", "basis"}:
                _problem(problems, f"{name}.jiaoyan_period[{since}]", "needs beds_threshold, short_years, long_years, basis")
    _validate_items(name, data.get("item_tables") or {}, problems)
    tables = set(all_item_tables())
    for code, body in (data.get("rule_sets") or {}).items():
        where = f"{name}.rule_sets.{code}"
        if not isinstance(body, dict) or set(body) != SET_KEYS:
            _problem(problems, where, f"needs exactly {sorted(SET_KEYS)}")
            continue
        if not loader.is_dated(body["versions"]):
            _problem(problems, where, "versions must be a table of effective dates")
            continue
        for since, version in loader.dated_entries(body["versions"], where):
            here = f"{where}.versions[{since}]"
            if not isinstance(version, dict) or not {"basis", "anchor", "item_table", "thresholds"} <= set(version) \
                    or not set(version) <= VERSION_KEYS:  # fmt: skip
                _problem(problems, here, "needs basis, anchor, item_table, thresholds")
                continue
            if version["anchor"] not in ANCHORS:
                _problem(problems, here, f"anchor {version['anchor']!r} is not one of {ANCHORS}")
            if version["item_table"] not in tables:
                _problem(problems, here, f"item_table {version['item_table']!r} is not defined")
            _validate_thresholds(here, version["thresholds"], problems)
    if problems:
        shown = "; ".join(problems[:10]) + (f"; … {len(problems) - 10} more" if len(problems) > 10 else "")
        raise RuleSetError(f"{name}.yaml: {shown}")


def all_item_tables() -> dict[str, tuple[str, Any]]:
    """Every item table of every rule file: name → (file, body). A name defined twice is refused."""
    found: dict[str, tuple[str, Any]] = {}
    for name in rule_files():
        for table, body in (loader.load(name).get("item_tables") or {}).items():
            if table in found:
                raise RuleSetError(f"{name}.yaml: item table {table!r} is also defined in {found[table][0]}.yaml")
            found[table] = (name, body)
    return found


@cache
def _checked(names: tuple[str, ...], _hash: str) -> dict[str, tuple[str, dict[str, Any]]]:
    sets: dict[str, tuple[str, dict[str, Any]]] = {}
    for name in names:
        validate(name)
        for code, body in (loader.load(name).get("rule_sets") or {}).items():
            if code in sets:
                raise RuleSetError(f"{name}.yaml: rule set {code!r} is also defined in {sets[code][0]}.yaml")
            sets[code] = (name, body)
    return sets


def rule_sets() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every rule set, validated: code → (file, body)."""
    return _checked(tuple(rule_files()), loader.rules_hash())


def rule_set(code: str, on: dt.date) -> RuleSet:
    """The version of rule set ``code`` in force on ``on``; an unknown code or a day before it is refused."""
    found = rule_sets().get(code)
    if found is None:
        raise RuleSetError(_("记分规则：%(code)s 不存在（可用：%(known)s）") % {"code": code, "known": ", ".join(sorted(rule_sets()))})
    name, body = found
    try:
        since, version = loader._entry_as_of(body["versions"], on, f"{name}.yaml: rule_sets.{code}")
    except loader.RulesError as exc:
        raise RuleSetError(_("记分规则“%(set)s”在 %(day)s 尚未施行") % {"set": body["label"], "day": on.isoformat()}) from exc
    _file, table = all_item_tables()[version["item_table"]]
    items = {i["code"]: Item(i["code"], i["behaviour"], i["behaviour_en"], int(i["points"]), i["unit"])
             for i in table["items"]}  # fmt: skip
    thresholds = tuple(
        Threshold(t["code"], t["period_years"], str(t["window"]), t.get("min"), t.get("over"), t["measure"],
                  t["measure_en"])
        for t in version["thresholds"]
    )  # fmt: skip
    return RuleSet(code, body["label"], body["label_en"], str(body["jurisdiction"]), since, str(version["basis"]),
                   version["anchor"], items, thresholds, f"{name}.yaml")  # fmt: skip


def jiaoyan_period(on: dt.date) -> JiaoyanPeriod:
    """The 校验 period rule of 医疗机构管理条例 art. 22 in force on ``on``."""
    entry = loader.as_of(loader.load(FILE)["jiaoyan_period"], on, f"{FILE}.yaml: jiaoyan_period")
    return JiaoyanPeriod(int(entry["beds_threshold"]), int(entry["short_years"]), int(entry["long_years"]),
                         str(entry["basis"]))  # fmt: skip


def jiaoyan_years(beds: int, on: dt.date) -> int:
    """Years of the 校验 period of an institution with ``beds`` beds (for the rules YAML cases)."""
    return jiaoyan_period(on).years_for(beds)


def item_points(rule_set_code: str, item: str, on: dt.date) -> int:
    """The points of one item of a rule set in force on ``on`` (for the rules YAML cases)."""
    return rule_set(rule_set_code, on).item(item).points
