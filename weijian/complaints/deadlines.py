"""A complaint's deadlines, computed when read: ``complaint.accept`` from receipt, ``complaint.reply`` from acceptance.

The figures, their units and their basis are the rules file's (``deadlines.yaml``, read by
:mod:`weijian.core.deadlines`); the rules in force on the day a deadline starts apply. A deadline that cannot be
computed (a calendar year nobody has published, or no rules) reads as state ``unknown`` — a page never fails on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from weijian.complaints.models import Complaint, ComplaintStatus

ACCEPT, REPLY = "complaint.accept", "complaint.reply"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ShownDeadline:
    code: str
    label: str
    due: dt.datetime | None
    state: str  # ok | due_soon | due_today | overdue | unknown
    basis: str = ""
    met: bool = False  # the step was done (accepted, replied): shown, no longer running


def _compute(code: str, start: dt.datetime, now: dt.datetime) -> tuple[Any, str]:
    try:
        from weijian.core import deadlines
    except ImportError:
        return None, UNKNOWN
    try:
        found = deadlines.deadline(code, start)
    except Exception:  # an unpublished calendar year, a missing rule: shown as unknown, never a 500
        return None, UNKNOWN
    try:
        return found, str(found.state(now))
    except Exception:
        return found, UNKNOWN


def _shown(code: str, start: dt.datetime, done_at: dt.datetime | None, now: dt.datetime) -> ShownDeadline:
    found, state = _compute(code, start, done_at or now)
    label = getattr(found, "label", "") or code
    due = getattr(found, "due", None)
    if done_at is not None and due is not None:
        state = "overdue" if done_at > due else "ok"
    return ShownDeadline(code, str(label), due, state, str(getattr(found, "basis", "")), met=done_at is not None)


def complaint_deadlines(complaint: Complaint, *, now: dt.datetime | None = None) -> list[ShownDeadline]:
    """The acceptance deadline, and the reply deadline once accepted; states as of ``now``."""
    now = now or timezone.now()
    if complaint.status == ComplaintStatus.NOT_ACCEPTED:
        decided = complaint.closed_at or complaint.updated_at
        return [_shown(ACCEPT, complaint.received_at, decided, now)]
    shown = [_shown(ACCEPT, complaint.received_at, complaint.accepted_at, now)]
    if complaint.accepted_at is not None:
        shown.append(_shown(REPLY, complaint.accepted_at, complaint.replied_at, now))
    return shown


def running_state(complaint: Complaint, *, now: dt.datetime | None = None) -> str:
    """The state of the deadline now running (the queue's column); ``ok`` when none runs."""
    for shown in complaint_deadlines(complaint, now=now):
        if not shown.met:
            return shown.state
    return "ok"
