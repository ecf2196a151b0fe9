"""The publication window of a record pushed by a partner department or another region, computed when read.

Such a record has no disclosure of this platform: its periods follow the issuing department's rule set
(``publication_windows.yaml`` ``issuer_rule_sets``: 市场监管 and 药监 keep SAMR 令45's; others the NDRC rule set of the
decision date). Its repair is the issuing department's (谁认定、谁修复): a correction record imported from it
(:mod:`weijian.credit.exchange.repairs`) stops the publication from its ``effective_on`` day. Nothing is stored: a
record leaves the public view at its maximum period, or on the repair day, by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.credit.models import Category, CreditRecord, SourceKind
from weijian.portal import windows
from weijian.rules import loader


@dataclass(frozen=True)
class PartnerWindow:
    status: str
    publish: bool
    min_until: dt.date | None
    max_until: dt.date | None
    stopped_on: dt.date | None  # the issuer's repair or withdrawal day
    stop_kind: str  # "" | repair | withdraw
    visible: bool  # publicly visible on the day asked
    issuer: str  # the issuing department's name: it repairs the record


def stop_of(correction: CreditRecord | None) -> tuple[dt.date | None, str]:
    """The day an issuer's repair result stops the publication, and its kind (``(None, "")`` for other corrections)."""
    detail = (correction.detail or {}) if correction is not None else {}
    if not detail.get("repair") or not detail.get("effective_on"):
        return None, ""
    return dt.date.fromisoformat(str(detail["effective_on"])), str(detail["repair"])


def corrections_by_record(records: Iterable[CreditRecord]) -> dict[int, CreditRecord]:
    """The first repair result of each record among ``records`` (an archive's rows hold the corrections too)."""
    found: dict[int, CreditRecord] = {}
    for r in sorted(records, key=lambda r: (r.occurred_on, r.pk)):
        if r.corrects_id and stop_of(r)[0] is not None:
            found.setdefault(r.corrects_id, r)
    return found


def is_partner_penalty(record: CreditRecord) -> bool:
    return record.source_kind == SourceKind.PARTNER and record.category == Category.PENALTY and not record.disclosure_id


def partner_window(record: CreditRecord, correction: CreditRecord | None = None,
                   today: dt.date | None = None) -> PartnerWindow | None:  # fmt: skip
    """The window of a partner's penalty record on ``today`` (None for any other record)."""
    if not is_partner_penalty(record):
        return None
    day = today or timezone.localdate()
    detail: dict[str, Any] = record.detail or {}
    issuer = record.department.code if record.department_id else None
    try:
        found = windows.period(record.severity, record.occurred_on, issuer=issuer,
                               kinds=[str(k) for k in detail.get("penalty_kinds") or []])  # fmt: skip
    except loader.RulesError:
        return None
    stopped_on, stop_kind = stop_of(correction)
    name = record.department.name if record.department_id else ""
    if not found.publish:
        return PartnerWindow(_("不予公示"), False, None, None, stopped_on, stop_kind, False, name)
    if stopped_on is not None and day >= stopped_on:
        status = (_("已由作出决定的部门修复，%(day)s 起停止公示") if stop_kind == "repair"
                  else _("已由作出决定的部门撤销，%(day)s 起停止公示")) % {"day": stopped_on.isoformat()}  # fmt: skip
        return PartnerWindow(status, True, found.min_until, found.max_until, stopped_on, stop_kind, False, name)
    if day > found.max_until:
        return PartnerWindow(_("公示期满"), True, found.min_until, found.max_until, stopped_on, stop_kind, False, name)
    return PartnerWindow(_("公示中"), True, found.min_until, found.max_until, stopped_on, stop_kind, True, name)
