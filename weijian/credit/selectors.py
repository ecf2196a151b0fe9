"""Reads of the credit app — always through the data scope — and the credit source of the platform grade.

:func:`credit_signals` is what ``weijian.risk.sources`` reads: the current credit grade of each institution as
0–100 points (``credit_grade.yaml`` ``signal_points``). Credit never reads the platform grade back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core import deadlines
from weijian.core.scope import scoped
from weijian.credit import grading, insurance
from weijian.credit.models import (
    CreditGrade,
    CreditRecord,
    InsurancePointEvent,
    LicenceCheck,
    Objection,
    PointEvent,
    PointNotice,
    PointStatus,
)
from weijian.credit.points import rulesets, scoring
from weijian.credit.recompute import latest_grades, standings_as_of
from weijian.registry.models import Institution, Practitioner
from weijian.risk.sources import Reason, Signal


def credit_signals(institution_ids: Sequence[int]) -> dict[int, Signal]:
    """The credit source of the platform grade: each graded institution's current grade as points (ids already
    scope-checked by the caller)."""
    found: dict[int, Signal] = {}
    rows = latest_grades(list(institution_ids))
    for pk, row in rows.items():
        points = grading.scale(row.computed_on).signal_points[row.grade]
        reason = Reason(label=f"信用等级 {row.grade}", label_en=f"Credit grade {row.grade}", points=points,
                        detail=f"信用分 {row.score:g}", detail_en=f"credit score {row.score:g}")
        found[pk] = Signal(points=points, as_of=row.computed_on, reasons=(reason,))
    return found


def institution_get(user: Any, pk: int) -> Institution:
    found = scoped(user, Institution.objects.select_related("district")).filter(pk=pk).first()
    if found is None:
        raise Http404(_("机构不存在或不在您的数据权限范围内"))
    return found


def practitioner_get(user: Any, pk: int) -> Practitioner:
    found = scoped(user, Practitioner.objects.all()).filter(pk=pk).first()
    if found is None:
        raise Http404(_("执业人员不存在或不在您的数据权限范围内"))
    return found


@dataclass
class NoticeView:
    notice: PointNotice
    objection: Objection | None
    objection_due: dt.date | None
    notice_state: str
    objection_state: str


@dataclass
class Archive:
    institution: Institution
    records: list[CreditRecord]
    rule_set: rulesets.RuleSet | None
    standing: scoring.Standing | None
    events: list[PointEvent]
    notices: list[NoticeView]
    checks: list[LicenceCheck]
    grade: CreditGrade | None
    history: list[CreditGrade]
    problems: list[str] = field(default_factory=list)


def _state(code: str, start: dt.date | None, done: bool) -> str:
    if done or start is None:
        return ""
    return str(deadlines.state_of(code, start))  # unknown (never a 500) when the calendar cannot tell


def notice_views(notices: Sequence[PointNotice]) -> list[NoticeView]:
    from weijian.credit.services import objection_due

    views = []
    for notice in notices:
        objection = getattr(notice, "objection", None) if hasattr(notice, "objection") else None
        views.append(NoticeView(
            notice, objection, objection_due(notice),
            notice_state=_state("credit.points_notice", notice.event.confirmed_on, notice.sent_on is not None),
            objection_state=_state("credit.objection_decide", objection.filed_on if objection else None,
                                   bool(objection and objection.decision)),
        ))  # fmt: skip
    return views


def institution_archive(user: Any, institution: Institution, on: dt.date | None = None) -> Archive:
    """Everything the 一户一档 page shows (the institution already scope-checked)."""
    from weijian.credit.services import configured_rule_set

    on = on or timezone.localdate()
    records = list(scoped(user, CreditRecord.objects.filter(institution=institution))
                   .select_related("disclosure", "department", "corrects").order_by("-occurred_on", "-pk"))  # fmt: skip
    problems: list[str] = []
    chosen = standing = None
    try:
        chosen = rulesets.rule_set(configured_rule_set(), on)
        standing = standings_as_of(on, [institution.pk], chosen.code)[institution.pk]
    except rulesets.RuleSetError as exc:
        problems.append(str(exc))
    events = list(scoped(user, PointEvent.objects.filter(institution=institution)).order_by("-occurred_on", "-pk"))
    notices = list(scoped(user, PointNotice.objects.filter(event__institution=institution))
                   .select_related("event", "objection").order_by("-due_on", "-pk"))  # fmt: skip
    checks = list(scoped(user, LicenceCheck.objects.filter(institution=institution)))
    history = list(scoped(user, CreditGrade.objects.filter(institution=institution)).order_by("-computed_on", "-pk"))
    return Archive(institution, records, chosen, standing, events, notice_views(notices), checks,
                   history[0] if history else None, history, problems)  # fmt: skip


def publication_window(record: CreditRecord) -> dict[str, Any] | None:
    """The publication window of a record that has a disclosure (computed on the disclosure)."""
    d = record.disclosure
    if d is None:
        return None
    return {"status": d.get_status_display(), "min_until": d.min_until, "max_until": d.max_until,
            "decided_on": d.decided_on}  # fmt: skip


@dataclass
class PractitionerArchive:
    practitioner: Practitioner
    records: list[CreditRecord]
    events: list[InsurancePointEvent]
    standing: insurance.InsuranceStanding


def practitioner_archive(user: Any, practitioner: Practitioner, on: dt.date | None = None) -> PractitionerArchive:
    """The 一医一档 page: the practitioner's records and 医保 points of the natural year, shared across every
    institution (the points are the practitioner's, whichever district recorded them)."""
    on = on or timezone.localdate()
    records = list(CreditRecord.objects.filter(practitioner=practitioner).select_related("disclosure")
                   .order_by("-occurred_on", "-pk"))  # fmt: skip
    events = list(InsurancePointEvent.objects.filter(practitioner=practitioner).select_related("institution")
                  .order_by("-occurred_on", "-pk"))  # fmt: skip
    standing = insurance.insurance_standing([(e.occurred_on, e.points) for e in events], on)
    return PractitionerArchive(practitioner, records, events, standing)


def credit_list(user: Any, *, grade: str | None = None, min_points: int | None = None) -> QuerySet[Institution]:
    """Institutions with a credit grade, filtered by their current grade and by the points of their current cycle
    (at least ``min_points``); annotated with the grade and score for the list."""
    from django.db.models import OuterRef, Subquery

    latest = CreditGrade.objects.filter(institution=OuterRef("pk")).order_by("-computed_on", "-pk")
    qs = (scoped(user, Institution.objects.select_related("district"))
          .annotate(credit_grade=Subquery(latest.values("grade")[:1]), credit_score=Subquery(latest.values("score")[:1]))
          .filter(credit_grade__isnull=False))  # fmt: skip
    if grade in grading.GRADES:
        qs = qs.filter(credit_grade=grade)
    if min_points:
        having = set(PointEvent.objects.filter(status=PointStatus.ACTIVE).values_list("institution_id", flat=True))
        candidates = list(qs.filter(pk__in=having).values_list("pk", flat=True))
        totals = point_totals(candidates)
        qs = qs.filter(pk__in=[pk for pk, n in totals.items() if n >= min_points])
    return qs.order_by("-credit_score", "pk")


def point_totals(institution_ids: Sequence[int], on: dt.date | None = None) -> dict[int, int]:
    """The current cycle's points of each institution (for the list page)."""
    from weijian.credit.services import configured_rule_set

    on = on or timezone.localdate()
    try:
        standings = standings_as_of(on, list(institution_ids), configured_rule_set())
    except rulesets.RuleSetError:
        return {}
    return {pk: s.period_points for pk, s in standings.items()}


def notices_due(user: Any) -> QuerySet[PointNotice]:
    return scoped(user, PointNotice.objects.filter(sent_on__isnull=True, event__status=PointStatus.ACTIVE))


def objections_open(user: Any) -> QuerySet[Objection]:
    return scoped(user, Objection.objects.filter(Q(decision="")))


def objection_get(user: Any, pk: int) -> Objection:
    found = scoped(user, Objection.objects.select_related("notice__event__institution")).filter(pk=pk).first()
    if found is None:
        raise Http404(_("申辩不存在或不在您的数据权限范围内"))
    return found


def notice_get(user: Any, pk: int) -> PointNotice:
    found = scoped(user, PointNotice.objects.select_related("event__institution")).filter(pk=pk).first()
    if found is None:
        raise Http404(_("记分通知不存在或不在您的数据权限范围内"))
    return found


def point_cycle(institution: Institution, on: dt.date | None = None) -> scoring.Cycle | None:
    """The point cycle ``on`` (today) falls in for the institution (None when the office's rule set is not in force)."""
    from weijian.credit.services import configured_rule_set

    on = on or timezone.localdate()
    try:
        return standings_as_of(on, [institution.pk], configured_rule_set())[institution.pk].cycle
    except rulesets.RuleSetError:
        return None


def practitioner_institutions(practitioner: Practitioner) -> list[Institution]:
    """The institutions the practitioner is registered at (where a 医保 act can have happened), primary first."""
    return [r.institution for r in practitioner.registrations.select_related("institution__district")
            .order_by("-is_primary", "institution__name_sort", "pk")]  # fmt: skip
