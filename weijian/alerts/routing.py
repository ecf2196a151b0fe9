"""Which queue a work item goes to, and by when it must be disposed of — both from rules data (Django-free).

Routing: ``rules/data/alert_routing.yaml`` maps each analytics rule to the duty of the responsibility list
(``rules/data/responsibilities.yaml``) that covers it, dated, with its basis, looked up as of the first day of
the analysed period; the department is the duty's. Nothing in force for a rule means the item goes to the city
office's triage queue — never a silent default department.

Deadline: ``rules/data/alert_disposal.yaml`` gives working days by severity, counted from the day the
item reaches its queue (after a manual routing out of triage, from that day).

Both return what the item records: the loader's ``Resolved.record()`` (file, entry date, content hash).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from weijian.core import responsibility
from weijian.core.workdays import CalendarYearUnknown, add_working_days
from weijian.rules import loader

ROUTING_FILE = "alert_routing"
DISPOSAL_FILE = "alert_disposal"


@dataclass(frozen=True)
class Route:
    department: str | None  # None: triage
    record: dict[str, Any] | None
    reason: str = ""  # why nothing matched
    duty: str | None = None  # the duty of the responsibility list the route names

    def as_json(self) -> dict[str, Any]:
        return {"source": "rules", "department": self.department, "duty": self.duty, "rule": self.record,
                "reason": self.reason}  # fmt: skip


def route(rule_id: str, on: dt.date) -> Route:
    """The department responsible for ``rule_id``'s alerts of a period starting ``on``; None → triage."""
    try:
        resolved = loader.resolve(ROUTING_FILE, f"routes.{rule_id}.duty", on)
    except loader.RulesError as exc:
        return Route(None, None, str(exc))
    try:
        duty = responsibility.duty(str(resolved.value), on)
    except responsibility.ResponsibilityError as exc:
        return Route(None, resolved.record(), str(exc), str(resolved.value))
    return Route(duty.department, resolved.record(), duty=duty.code)


def unknown_duties() -> list[str]:
    """``rule: duty`` of every route (any version) naming a duty that no version of the responsibility list has."""
    known = set(responsibility.duty_codes())
    bad = []
    for rule, table in (loader.load(ROUTING_FILE).get("routes") or {}).items():
        for since, entry in loader.dated_entries(table, f"{ROUTING_FILE}.yaml: routes.{rule}"):
            if isinstance(entry, dict) and entry.get("duty") not in known:
                bad.append(f"routes.{rule}[{since.isoformat()}]: {entry.get('duty')}")
    return bad


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
