"""The publication windows of ``rules/data/publication_windows.yaml``, as of the decision date (pure Python).

- publish due: ``publish_working_days`` working days after the decision (the decision day does not count;
  :func:`weijian.core.workdays.add_working_days`), domain rules §13.5;
- withdraw due: ``withdraw_working_days`` working days after the decision was changed, revoked or voided
  (行政处罚法 第四十八条, 第八十五条);
- ``min_until`` / ``max_until``: the decision date plus the severity's ``min_months`` / ``max_months``, counted as
  the Civil Code counts periods of months (民法典 第二百零一条至第二百零三条: the start day does not count; the
  period ends on the same day number of the last month, or on that month's last day when it has none). The record
  is shown through ``max_until`` (inclusive) and may be removed early (信用修复, the credit capability's) only on a
  day after ``min_until``;
- whether a decision is published at all: its severity's ``publish`` flag, and ``unpublished_only_kinds``
  (a decision of a warning only is not published from 2021-09-01, after SAMR 令45, as the file explains).

- the rule set: a record decided by 市场监管 or 药监 (``issuer_rule_sets``) keeps SAMR 令45's periods
  (``samr_periods``: by penalty kind — 3 months for 通报批评 or a 较低数额罚款 only, 3 years otherwise — and 20
  working days to publish); every other record follows the NDRC rule set of its decision date, by severity.

A date in a year the working-day calendar does not know raises :class:`CalendarYearUnknown` (never a guess).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from weijian.core.workdays import add_working_days
from weijian.i18n import gettext as _
from weijian.i18n import localized
from weijian.rules import loader

FILE = "publication_windows"
SEVERITIES = ("minor", "general", "serious", "specially_serious")  # 轻微 / 一般 / 严重 / 特定严重
PERIOD_KEYS = ("publish", "min_months", "max_months", "early_removal")
SAMR_KEYS = ("short_months", "long_months", "min_months", "short_kinds", "low_fine_wan", "publish_working_days")
NDRC, SAMR = "ndrc", "samr"  # the rule sets: the NDRC one of the decision date, or SAMR 令45 (市场监管 / 药监)
KEYS = (
    "publish_working_days", "withdraw_working_days", *(f"periods.{s}.{k}" for s in SEVERITIES for k in PERIOD_KEYS),
    "unpublished_only_kinds", "no_early_removal_kinds", "party_types", "penalty_kinds", "fields",
    "issuer_rule_sets", *(f"samr_periods.{k}" for k in SAMR_KEYS),
)  # fmt: skip
FIELD_KEYS = frozenset({"key", "label", "label_en", "required", "when_party", "when_kinds", "format", "masked",
                        "computed"})  # fmt: skip
FORMATS = frozenset({"text", "uscc", "id_number", "amount_wan", "date", "party_type", "kinds"})


@dataclass(frozen=True)
class Period:
    """How long a decision of one severity, decided on ``decided_on``, stays on the portal."""

    severity: str
    decided_on: dt.date
    publish: bool
    min_months: int
    max_months: int
    early_removal: bool
    min_until: dt.date
    max_until: dt.date
    record: dict[str, Any]  # the rules entry used (file, effective date, basis, SHA-256): replayable
    rule_set: str = NDRC


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    label_en: str
    required: bool
    when_party: tuple[str, ...] = ()
    when_kinds: tuple[str, ...] = ()
    format: str = "text"
    masked: bool = False
    computed: bool = False

    @property
    def shown_label(self) -> str:
        return localized({"label": self.label, "label_en": self.label_en}, "label")

    def required_for(self, party_type: str, kinds: Iterable[str]) -> bool:
        if self.computed:
            return False
        if self.when_party:
            return party_type in self.when_party
        if self.when_kinds:
            return bool(set(self.when_kinds) & set(kinds))
        return self.required


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` months, ending on the same day number or that month's last day (民法典 第二百零三条)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_severity(severity: str) -> None:
    if severity not in SEVERITIES:
        raise loader.RulesError(
            _("严重程度：%(severity)s 不是已知的程度（应为 %(items)s）") % {"severity": repr(severity), "items": "/".join(SEVERITIES)}
        )


def rule_set(issuer: str | None, on: dt.date) -> str:
    """The rule set a record decided by department ``issuer`` (its code) on ``on`` follows: ``samr`` for the
    departments ``issuer_rule_sets`` names (市场监管, 药监), ``ndrc`` for every other one (health included)."""
    chosen = loader.value(FILE, "issuer_rule_sets", on) if issuer else None
    return str((chosen or {}).get(issuer, NDRC)) if issuer else NDRC


def publish_due(decided_on: dt.date, issuer: str | None = None) -> dt.date:
    """The last day to publish a decision made on ``decided_on`` (by department ``issuer``)."""
    if rule_set(issuer, decided_on) == SAMR:
        days = int(loader.value(FILE, "samr_periods.publish_working_days", decided_on))
    else:
        days = int(loader.value(FILE, "publish_working_days", decided_on))
    return add_working_days(decided_on, days)


def withdraw_due(overturned_on: dt.date) -> dt.date:
    """The last day to take down a decision changed, revoked or voided on ``overturned_on``."""
    days = int(loader.value(FILE, "withdraw_working_days", overturned_on))
    return add_working_days(overturned_on, days)


def working_days(on: dt.date) -> tuple[int, int]:
    """(publish, withdraw) deadlines in working days in force on ``on``, for the pages to say."""
    return int(loader.value(FILE, "publish_working_days", on)), int(loader.value(FILE, "withdraw_working_days", on))


def _samr_short(kinds: Iterable[str], fine_wan: Decimal | None, entry: dict[str, Any]) -> bool:
    """SAMR 令45: only 通报批评 or a 较低数额罚款 (with or without a warning) → the short period."""
    chosen = set(kinds) - {"warning"}
    short = set(entry.get("short_kinds") or [])
    if not chosen:
        return True
    if chosen <= short:
        return True
    low = entry.get("low_fine_wan")
    if low is None or fine_wan is None or not chosen <= short | {"fine"}:
        return False
    return Decimal(str(fine_wan)) <= Decimal(str(low))


def _samr_period(severity: str, decided_on: dt.date, kinds: Iterable[str], fine_wan: Decimal | None) -> Period:
    resolved = loader.resolve(FILE, "samr_periods", decided_on)
    entry = resolved.value
    max_months = int(entry["short_months"] if _samr_short(kinds, fine_wan, entry) else entry["long_months"])
    min_months = min(int(entry["min_months"]), max_months)
    return Period(
        severity=severity, decided_on=decided_on, publish=True, min_months=min_months, max_months=max_months,
        early_removal=True, min_until=add_months(decided_on, min_months), max_until=add_months(decided_on, max_months),
        record=resolved.record(), rule_set=SAMR,
    )  # fmt: skip


def period(
    severity: str, decided_on: dt.date, *, issuer: str | None = None, kinds: Iterable[str] = (),
    fine_wan: Decimal | None = None,
) -> Period:
    """The period of ``severity`` in the rule set in force on ``decided_on`` (2019 / 2023 / 2026-04-01 …), or — for
    a record of 市场监管 / 药监 (``issuer``) — SAMR 令45's, which goes by the penalty ``kinds`` and fine instead."""
    _check_severity(severity)
    if rule_set(issuer, decided_on) == SAMR:
        return _samr_period(severity, decided_on, kinds, fine_wan)
    resolved = loader.resolve(FILE, f"periods.{severity}", decided_on)
    entry = resolved.value
    min_months, max_months = int(entry["min_months"]), int(entry["max_months"])
    return Period(
        severity=severity, decided_on=decided_on, publish=bool(entry["publish"]), min_months=min_months,
        max_months=max_months, early_removal=bool(entry["early_removal"]),
        min_until=add_months(decided_on, min_months), max_until=add_months(decided_on, max_months),
        record=resolved.record(),
    )  # fmt: skip


def max_until(severity: str, decided_on: dt.date, issuer: str | None = None, kinds: Iterable[str] = (),
              fine_wan: Decimal | None = None) -> dt.date:  # fmt: skip
    return period(severity, decided_on, issuer=issuer, kinds=kinds, fine_wan=fine_wan).max_until


def min_until(severity: str, decided_on: dt.date, issuer: str | None = None, kinds: Iterable[str] = (),
              fine_wan: Decimal | None = None) -> dt.date:  # fmt: skip
    return period(severity, decided_on, issuer=issuer, kinds=kinds, fine_wan=fine_wan).min_until


def exempt_reason(severity: str, kinds: Iterable[str], decided_on: dt.date, issuer: str | None = None) -> str:
    """Why a decision is not published ("" when it is): its severity, or a penalty of only unpublished kinds."""
    chosen = set(kinds)
    if not period(severity, decided_on, issuer=issuer, kinds=chosen).publish:
        return _("按公示规则，该严重程度（%(severity)s）的处罚信息不予公示") % {"severity": severity}
    unpublished = set(loader.value(FILE, "unpublished_only_kinds", decided_on) or [])
    if chosen and chosen <= unpublished:
        return _("按公示规则，仅受到%(kinds)s处罚的不予公示") % {"kinds": _("、").join(kind_labels(sorted(chosen), decided_on))}
    return ""


def is_published(severity: str, kinds: list[str], decided_on: dt.date, issuer: str | None = None) -> bool:
    return not exempt_reason(severity, kinds, decided_on, issuer)


def early_removal_possible(severity: str, kinds: Iterable[str], decided_on: dt.date, issuer: str | None = None) -> bool:
    """May a record be removed before ``max_until`` at all (信用修复)? Not for 特定严重, nor for the listed kinds."""
    kinds = list(kinds)
    if not period(severity, decided_on, issuer=issuer, kinds=kinds).early_removal:
        return False
    blocked = set(loader.value(FILE, "no_early_removal_kinds", decided_on) or [])
    return not (set(kinds) & blocked)


def party_types(on: dt.date) -> dict[str, str]:
    return {code: localized(entry, "label") for code, entry in (loader.value(FILE, "party_types", on) or {}).items()}


def kind_labels(kinds: Iterable[str], on: dt.date) -> list[str]:
    known = loader.value(FILE, "penalty_kinds", on) or {}
    return [localized(known[k], "label") if k in known else k for k in kinds]


def penalty_kind_codes(on: dt.date) -> list[str]:
    return list(loader.value(FILE, "penalty_kinds", on) or {})


def field_specs(on: dt.date) -> list[FieldSpec]:
    """The 双公示 fields in force on ``on``, in display order."""
    out = []
    for raw in loader.value(FILE, "fields", on) or []:
        out.append(FieldSpec(
            key=str(raw["key"]), label=str(raw["label"]), label_en=str(raw.get("label_en") or ""),
            required=bool(raw.get("required")), when_party=tuple(raw.get("when_party") or ()),
            when_kinds=tuple(raw.get("when_kinds") or ()), format=str(raw.get("format") or "text"),
            masked=bool(raw.get("masked")), computed=bool(raw.get("computed")),
        ))  # fmt: skip
    return out


def field_keys(on: dt.date) -> list[str]:
    return [spec.key for spec in field_specs(on)]


def check() -> None:
    """Refuse the file (bundled or an office's) unless its keys are the declared ones and every field is well formed."""
    loader.check_keys(FILE, KEYS)
    problems: list[str] = []
    for version in loader.versions(FILE, "fields"):
        seen: set[str] = set()
        for raw in version.value or []:
            where = f"fields[{version.effective_from}]"
            if not isinstance(raw, dict) or "key" not in raw or "label" not in raw:
                problems.append(f"{where}: {raw!r} needs key and label")
                continue
            extra = set(raw) - FIELD_KEYS
            if extra:
                problems.append(f"{where}.{raw['key']}: unknown {sorted(extra)}")
            if raw.get("format", "text") not in FORMATS:
                problems.append(f"{where}.{raw['key']}: format {raw.get('format')!r}")
            if raw["key"] in seen:
                problems.append(f"{where}: duplicate key {raw['key']!r}")
            seen.add(raw["key"])
    if problems:
        raise loader.RulesError(f"{FILE}.yaml: " + "; ".join(problems[:10]))
