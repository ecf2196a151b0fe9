"""The inspection rules an office sets as data: publication deadline (一公开), team size, signatures, what the
portal shows of the inspectors. Every figure comes from ``rules/data`` (``random_checks.yaml``,
``inspection_field.yaml``), looked up as of the day of the fact."""

from __future__ import annotations

import datetime as dt
from typing import Any

from weijian.core.workdays import CalendarYearUnknown, add_working_days
from weijian.i18n import gettext as _
from weijian.rules import loader

RANDOM_CHECKS = "random_checks"
FIELD_RULES = "inspection_field"
PORTAL_CHOICES = ("none", "badge_masked", "name_badge")


def publication_days(on: dt.date) -> loader.Resolved:
    return loader.resolve(RANDOM_CHECKS, "publication_working_days", on)


def publish_due_for(closed_on: dt.date, on: dt.date | None = None) -> dt.date:
    """The last day to publish the result of an inspection closed on ``closed_on`` (working days, rules data).

    Raises :class:`CalendarYearUnknown` when the deadline falls in a year whose holidays nobody has published.
    """
    days = int(publication_days(on or closed_on).value)
    return add_working_days(closed_on, days)


def publish_due_record(closed_on: dt.date) -> tuple[dt.date | None, dict[str, Any]]:
    """The deadline (None when the calendar does not know the year yet) and what the audit event records."""
    resolved = publication_days(closed_on)
    record = {**resolved.record(), "closed_on": closed_on.isoformat()}
    try:
        return add_working_days(closed_on, int(resolved.value)), record
    except CalendarYearUnknown as exc:
        return None, {**record, "note": str(exc)[:200]}


def minimum_inspectors(on: dt.date) -> int:
    return int(loader.value(RANDOM_CHECKS, "min_inspectors", on))


def signature_required(on: dt.date) -> bool:
    return bool(loader.value(FIELD_RULES, "signature_required", on))


def portal_inspectors(on: dt.date) -> str:
    choice = str(loader.value(FIELD_RULES, "portal_inspectors", on))
    if choice not in PORTAL_CHOICES:
        raise loader.RulesError(
            _("%(field_rules)s.yaml: portal_inspectors 应为 %(items)s，而不是 %(choice)s")
            % {"field_rules": FIELD_RULES, "items": "/".join(PORTAL_CHOICES), "choice": f"{choice!r}"}
        )
    return choice
