"""How the lines of an analytics run become work items, and what each line contributes (Django-free).

A work item is one rule's hits on one institution in one analysed period: the group key is the
institution code the alert names (whether or not the registry knows it), or ``subject:<id>`` when the
alert names no institution. Each line gives its date (the date of the fact: a visit's start, a
charge's date, a bag's sealing, a month's first day …) and, when the evidence carries one, its amount
in yuan.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

PRACTITIONER_SUBJECTS = {"practitioner_drug_month", "registration"}

# subject type → the evidence keys that hold the date of the fact, in order of preference
FACT_DATE_KEYS: dict[str, tuple[str, ...]] = {
    "visit": ("start_date",),
    "charge": ("date",),
    "bag": ("sealed_at",),
    "manifest": ("handed_over_at",),
    "institution_month": ("month",),
    "practitioner_drug_month": ("month",),
    "sensor_day": ("day",),
    "registration": (),
}
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?")


def group_key(row: dict[str, Any]) -> str:
    code = (row.get("institution_id") or "").strip()
    return code if code else f"subject:{row['subject_id']}"[:130]


def parse_day(value: Any) -> dt.date | None:
    """``2025-03-02``, ``2025-03-02T10:00:00`` or ``2025-03`` (→ the 1st) as a date; anything else → None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.match(str(value or ""))
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3] or 1))
    except ValueError:
        return None


def fact_date(subject_type: str, subject_id: str, evidence: dict[str, Any]) -> dt.date | None:
    """The date of the fact a line is about; from the subject id's last part (``…|2025-08-07``) otherwise."""
    for key in FACT_DATE_KEYS.get(subject_type, ("start_date", "date", "day", "month")):
        day = parse_day(evidence.get(key))
        if day is not None:
            return day
    tail = subject_id.rsplit("|", 1)[-1] if "|" in subject_id else ""
    return parse_day(tail)


def amount(evidence: dict[str, Any]) -> Decimal | None:
    """The line's amount in yuan (evidence key ``amount``), when present and a number."""
    raw = evidence.get("amount")
    if raw is None or isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def practitioner_code(subject_type: str, subject_id: str, evidence: dict[str, Any]) -> str | None:
    if subject_type in PRACTITIONER_SUBJECTS:
        return subject_id.split("|", 1)[0]
    value = evidence.get("practitioner_id")
    return str(value) if value else None
