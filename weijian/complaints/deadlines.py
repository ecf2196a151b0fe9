"""A complaint's deadlines, computed when read: ``complaint.accept`` from receipt, ``complaint.reply`` from acceptance.

An approved extension (``complaint_extend``, once) moves the reply deadline: ``complaint.reply_extension`` counts the
approved days from the original due day, in that rule's unit (信访工作条例 art. 34: up to 30 日). The page, the queue
and ``weijian deadlines notify`` all read the reply deadline through :func:`reply_computed`.

The figures, their units and their basis are the rules file's (``deadlines.yaml``, read by
:mod:`weijian.core.deadlines`); the rules in force on the day a deadline starts apply. A deadline that cannot be
computed (a calendar year nobody has published, or no rules) reads as state ``unknown`` — a page never fails on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.complaints.models import Complaint, ComplaintStatus
from weijian.rules import loader

ACCEPT, REPLY, EXTENSION = "complaint.accept", "complaint.reply", "complaint.reply_extension"
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


def extension_limit(on: dt.date) -> int:
    """The most days an extension may add (``complaint.reply_extension.amount`` in force on ``on``)."""
    from weijian.core import deadlines as core

    return int(loader.value(core.FILE, f"{EXTENSION}.amount", on))


def extension_basis(on: dt.date) -> str:
    from weijian.core import deadlines as core

    return loader.resolve(core.FILE, f"{EXTENSION}.amount", on).basis or ""


def _reply(complaint: Complaint) -> Any:
    from weijian.core import deadlines as core

    assert complaint.accepted_at is not None
    base = core.deadline(REPLY, complaint.accepted_at)
    if complaint.extended_at is None or not complaint.extension_days:
        return base
    extended = core.deadline(EXTENSION, base.due, amount=complaint.extension_days)
    label = _("%(label)s（已批准延期 %(n)s 日）") % {"label": base.label, "n": complaint.extension_days}
    return replace(extended, label=label)


def reply_computed(complaint: Complaint, now: dt.datetime) -> tuple[Any, str]:
    """The reply deadline (extended when an extension was approved) and its state as of ``now``."""
    try:
        found = _reply(complaint)
    except Exception:  # an unpublished calendar year, a missing rule: shown as unknown, never a 500
        return None, UNKNOWN
    try:
        return found, str(found.state(now))
    except Exception:
        return found, UNKNOWN


def reply_deadline(complaint: Complaint, *, now: dt.datetime | None = None) -> ShownDeadline | None:
    """The reply deadline as shown (None before acceptance)."""
    if complaint.accepted_at is None:
        return None
    now = now or timezone.now()
    return _from(reply_computed(complaint, complaint.replied_at or now), REPLY, complaint.replied_at)


def _from(computed: tuple[Any, str], code: str, done_at: dt.datetime | None) -> ShownDeadline:
    found, state = computed
    label = getattr(found, "label", "") or code
    due = getattr(found, "due", None)
    if done_at is not None and due is not None:
        state = "overdue" if done_at > due else "ok"
    return ShownDeadline(code, str(label), due, state, str(getattr(found, "basis", "")), met=done_at is not None)


def _shown(code: str, start: dt.datetime, done_at: dt.datetime | None, now: dt.datetime) -> ShownDeadline:
    return _from(_compute(code, start, done_at or now), code, done_at)


def complaint_deadlines(complaint: Complaint, *, now: dt.datetime | None = None) -> list[ShownDeadline]:
    """The acceptance deadline, and the reply deadline once accepted; states as of ``now``."""
    now = now or timezone.now()
    if complaint.status == ComplaintStatus.NOT_ACCEPTED:
        decided = complaint.closed_at or complaint.updated_at
        return [_shown(ACCEPT, complaint.received_at, decided, now)]
    shown = [_shown(ACCEPT, complaint.received_at, complaint.accepted_at, now)]
    reply = reply_deadline(complaint, now=now)
    if reply is not None:
        shown.append(reply)
    return shown


def running_state(complaint: Complaint, *, now: dt.datetime | None = None) -> str:
    """The state of the deadline now running (the queue's column); ``ok`` when none runs."""
    for shown in complaint_deadlines(complaint, now=now):
        if not shown.met:
            return shown.state
    return "ok"
