"""The call sites of the other parts of case handling, in one place (each behind a guarded import).

- deadlines: ``weijian.core.deadlines`` (``deadline``, ``deadline_before``, ``CalendarYearUnknown``);
- discretion: ``weijian.cases.discretion`` (``suggest``, ``check_decision``), the surcharge
  ``weijian.cases.surcharge.late_surcharge``;
- documents: ``weijian.documents.services.document_issue``;
- publication: ``weijian.portal.disclosure.disclosure_publish`` and ``disclosure_withdraw``.

A part that is not installed answers "unknown" (a deadline) or is skipped (a document, a publication) and says
so in the case's audit data; it never breaks a page. Tests replace these functions with fakes to test the
case logic on its own.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

log = logging.getLogger(__name__)


def _import(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


_module = _import  # the tests swap in fakes here


@dataclass(frozen=True)
class DeadlineView:
    """One deadline as a page shows it: label, due day and state (computed now); ``due`` None when unknown."""

    code: str
    label: str
    basis: str
    due: dt.date | None
    state: str  # weijian.core.deadlines.DeadlineState values: ok, due_soon, due_today, overdue, unknown
    deadline: Any = None


def deadline_view(code: str, start: dt.datetime | dt.date, *, before: bool = False, now: dt.datetime | None = None,
                  label: str = "") -> DeadlineView:  # fmt: skip
    """The deadline ``code`` counted from ``start`` (or, ``before``, ending before the event ``start``)."""
    deadlines = _module("weijian.core.deadlines")
    if deadlines is None:
        return DeadlineView(code, label or code, "", None, "unknown")
    try:
        found = deadlines.deadline_before(code, start) if before else deadlines.deadline(code, start)
    except Exception as exc:  # CalendarYearUnknown, or a rules file without the code: unknown, never a 500
        log.info("deadline %s from %s unknown: %s", code, start, exc)
        return DeadlineView(code, label or code, "", None, "unknown")
    try:
        state = str(found.state(now))
    except Exception:
        state = "unknown"
    return DeadlineView(code, label or found.label, found.basis, found.due_date(), state, found)


def discretion() -> Any | None:
    """The discretion module (violation catalog, suggest, check_decision), or None before it is installed."""
    return _module("weijian.cases.discretion")


def late_surcharge(fine: Decimal, due: dt.date, paid_on: dt.date) -> Decimal | None:
    module = _module("weijian.cases.surcharge")
    return None if module is None else module.late_surcharge(fine, due, paid_on)


def document_issue(*, actor: Any, kind: str, subject: models.Model, context: dict[str, Any], region: Any,
                   department: Any) -> dict[str, Any] | None:  # fmt: skip
    """Issue an enforcement document (执法文书); its number and SHA-256 for the audit data, None when skipped."""
    module = _module("weijian.documents.services")
    if module is None:
        return None
    issued = module.document_issue(actor=actor, kind=kind, subject=subject, context=context, region=region,
                                   department=department)  # fmt: skip
    return {"kind": kind, "number": getattr(issued, "number", ""), "sha256": getattr(issued, "sha256", "")}


def disclosure_publish(*, actor: Any, source: models.Model, fields: dict[str, Any], decided_on: dt.date,
                       severity: str) -> int | None:  # fmt: skip
    """Publish a penalty decision on the portal (双公示); the disclosure's id, None when skipped."""
    module = _module("weijian.portal.disclosure")
    if module is None:
        return None
    made = module.disclosure_publish(actor=actor, kind="penalty", source=source, fields=fields, decided_on=decided_on,
                                     severity=severity)  # fmt: skip
    return getattr(made, "pk", None)


def disclosure_withdraw(*, actor: Any, source: models.Model, reason: str, overturned_on: dt.date) -> int | None:
    """Take the source's published decision down (its decision was revoked or changed); the disclosure's id, None
    when nothing of it is published (or the portal part is not installed)."""
    module = _module("weijian.portal.disclosure")
    if module is None:
        return None
    found = module.disclosure_for(source)
    if found is None or found.withdrawn_at is not None:
        return None
    module.disclosure_withdraw(actor=actor, disclosure=found, reason=reason, overturned_on=overturned_on)
    return int(found.pk)


def now() -> dt.datetime:
    return timezone.now()
