"""Which queue a work item goes to, and by when it must be disposed of — both from rules data (Django-free).

Routing: ``rules/data/alert_routing.yaml`` maps each analytics rule to the responsible department,
dated, with its basis, looked up as of the first day of the analysed period. Nothing in force for a
rule means the item goes to the city office's triage queue — never a silent default department.

Deadline: ``rules/data/alert_disposal.yaml`` gives working days by severity, counted from the day the
item reaches its queue (after a manual routing out of triage, from that day).

Both return what the item records: the loader's ``Resolved.record()`` (file, entry date, content hash).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from weijian.core.workdays import CalendarYearUnknown, add_working_days
from weijian.rules import loader

ROUTING_FILE = "alert_routing"
DISPOSAL_FILE = "alert_disposal"


@dataclass(frozen=True)
class Route:
    department: str | None  # None: triage
    record: dict[str, Any] | None
    reason: str = ""  # why nothing matched

    def as_json(self) -> dict[str, Any]:
        return {"source": "rules", "department": self.department, "rule": self.record, "reason": self.reason}


def route(rule_id: str, on: dt.date) -> Route:
    """The department responsible for ``rule_id``'s alerts of a period starting ``on``; None → triage."""
    try:
        resolved = loader.resolve(ROUTING_FILE, f"routes.{rule_id}.department", on)
    except loader.RulesError as exc:
        return Route(None, None, str(exc))
    return Route(str(resolved.value), resolved.record())


def department_for(rule_id: str, on: dt.date) -> str | None:
    """The department code, or None when the item must be routed by hand (used by the rules' YAML cases)."""
    return route(rule_id, on).department


@dataclass(frozen=True)
class Deadline:
    due: dt.date | None
    note: str  # why there is no date (a calendar year nobody has published yet)
    record: dict[str, Any]


def deadline(severity: str, start: dt.date) -> Deadline:
    """The disposal deadline of an item of ``severity`` that reached its queue on ``start``."""
    resolved = loader.resolve(DISPOSAL_FILE, f"deadline_working_days.{severity}", start)
    days = int(resolved.value)
    record = {**resolved.record(), "working_days": days, "start": start.isoformat()}
    try:
        return Deadline(add_working_days(start, days), "", record)
    except CalendarYearUnknown as exc:
        return Deadline(None, str(exc)[:200], record)
