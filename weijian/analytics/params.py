"""Rule parameters, read from the rules data (``weijian/rules/data``) as of the date of each fact.

A rule declares the parameters it needs as :class:`Param` (a rules file and a dotted key, no value):
the values live only in the rules files, read by the strict loader (``weijian.rules.loader``).
For a run the engine takes every version of each parameter in force on some day of the run's window
(the first day of the start's month … the end) as a :class:`Schedule`; a rule then applies to each fact
the version in force on that fact's date: ``schedule.at(date_column)`` is a literal when one version
covers the window and otherwise a ``CASE`` over the few versions (the same SQL on DuckDB and Spark).
A fact dated before a parameter's first version gets ``NULL`` and is not judged (the report says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from weijian.i18n import gettext as _
from weijian.rules import loader
from weijian.rules.loader import Resolved, RulesError

KINDS = ("number", "integer", "flag", "atc_groups", "table")


@dataclass(frozen=True)
class Param:
    """A parameter a rule needs: where it lives (file, dotted key) and what kind of value it must be."""

    file: str
    key: str
    kind: str = "number"  # number | integer | flag (0 or 1) | atc_groups (ATC code prefixes) | table (a mapping)

    def __str__(self) -> str:
        return f"{self.file}.yaml: {self.key}"

    def check(self, value: Any, where: str) -> None:
        """Refuse a value of the wrong kind (every version is checked when the rules are validated)."""
        number = isinstance(value, int | float) and not isinstance(value, bool)
        ok = {
            "number": number,
            "integer": number and float(value).is_integer(),
            "flag": value in (0, 1) and not isinstance(value, bool),
            "atc_groups": isinstance(value, list) and bool(value) and all(
                isinstance(v, str) and v.isalnum() and v[:1].isalpha() for v in value),
            "table": isinstance(value, dict),
        }[self.kind]
        if not ok:
            want = {"number": "a number", "integer": "a whole number", "flag": "0 or 1",
                    "atc_groups": "a non-empty list of ATC code prefixes such as [J01]",
                    "table": "a mapping"}[self.kind]
            raise RulesError(_("%(param)s: %(where)s: %(value)r is not %(want)s（参数取值类型错误）")
                             % {"param": self, "where": where, "value": value, "want": want})


def window_start(start: dt.date) -> dt.date:
    """The first day a run's parameters must cover: monthly facts are judged as of the month's first day."""
    return start.replace(day=1)


@dataclass(frozen=True)
class Schedule:
    """The versions of one parameter in force over a run's window, oldest first."""

    name: str
    param: Param
    versions: tuple[Resolved, ...]
    start: dt.date  # the window's first day

    @classmethod
    def load(cls, name: str, param: Param, start: dt.date, end: dt.date) -> Schedule:
        found = loader.versions(param.file, param.key, start, end)
        for v in found:
            param.check(v.value, f"version of {v.effective_from}")
        return cls(name, param, tuple(found), start)

    @property
    def empty(self) -> bool:
        return not self.versions

    @property
    def from_start(self) -> bool:
        """One version is in force on the window's first day (so every fact of the window is judged)."""
        return bool(self.versions) and (self.versions[0].effective_from or dt.date.min) <= self.start

    @property
    def not_judged_before(self) -> dt.date | None:
        """When the first version starts inside the window: facts before this day are not judged."""
        return None if self.from_start or not self.versions else self.versions[0].effective_from

    def on(self, day: dt.date) -> Any:
        """The value in force on ``day`` (a day of the window), or None."""
        found = None
        for v in self.versions:
            if (v.effective_from or dt.date.min) <= day:
                found = v.value
        return found

    def values(self) -> list[Any]:
        return [v.value for v in self.versions]

    def _branches(self, fn: Callable[[Any], Any] | None) -> tuple[list[tuple[dt.date, Any]], Any, bool]:
        f = fn or (lambda x: x)
        vs = list(self.versions)
        if self.from_start:
            head, rest = vs[0], vs[1:]
            return [(v.effective_from or dt.date.min, f(v.value)) for v in reversed(rest)], f(head.value), True
        return [(v.effective_from or dt.date.min, f(v.value)) for v in reversed(vs)], None, False

    def at(self, d: ir.DateValue, fn: Callable[[Any], Any] | None = None, dtype: str | None = None) -> ir.Value:
        """The value in force on the date ``d`` of each row (``fn`` maps each version's value first).

        ``d`` must be a date of the run's window (a subject's anchoring date always is).
        """
        if self.empty:
            raise RulesError(_("%(param)s: no value in force in the run's period（期间内无生效值）") % {"param": self.param})
        branches, default, has_default = self._branches(fn)
        values = [v for _, v in branches] + ([default] if has_default else [])
        typ = dtype or ("int64" if all(isinstance(v, int) and not isinstance(v, bool) for v in values)
                        else "float64")
        if has_default and not branches:
            return ibis.literal(default).cast(typ)
        else_ = ibis.literal(default).cast(typ) if has_default else ibis.null().cast(typ)
        return ibis.cases(*[(d >= ibis.date(since), ibis.literal(v).cast(typ)) for since, v in branches],
                          else_=else_)

    def sql(self, date_sql: str, fn: Callable[[Any], Any] | None = None) -> str:
        """The same as :meth:`at` as DuckDB SQL over the date expression ``date_sql`` (for local post steps)."""
        if self.empty:
            raise RulesError(_("%(param)s: no value in force in the run's period（期间内无生效值）") % {"param": self.param})
        branches, default, has_default = self._branches(fn)
        tail = repr(float(default)) if has_default else "NULL"
        if not branches:
            return tail
        whens = " ".join(f"WHEN ({date_sql}) >= DATE '{since.isoformat()}' THEN {float(v)!r}" for since, v in branches)
        return f"(CASE {whens} ELSE {tail} END)"

    def min(self) -> Any:
        return min(self.values())

    def max(self) -> Any:
        return max(self.values())

    def record(self) -> list[dict[str, Any]]:
        """Every version used: value, effective_from, published, basis, file, key, file hash."""
        return [{k: v for k, v in r.record().items() if k != "as_of"} for r in self.versions]


def schedules(params: Mapping[str, Param], start: dt.date, end: dt.date) -> dict[str, Schedule]:
    """The schedules of ``params`` over the window of a run ``[start, end]``."""
    lo = window_start(start)
    return {name: Schedule.load(name, p, lo, end) for name, p in params.items()}


def records(scheds: Mapping[str, Schedule]) -> dict[str, Any]:
    """For report.json: per parameter the versions used, and from when facts are judged where it is late."""
    out: dict[str, Any] = {}
    for name, s in scheds.items():
        item: dict[str, Any] = {"versions": s.record()}
        if s.not_judged_before:
            item["not_judged_before"] = s.not_judged_before.isoformat()
        out[name] = item
    return out
