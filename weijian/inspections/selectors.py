"""Reads of inspections — always through the data scope — and the one planning read the draws use
(:func:`last_closed`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core.scope import scoped
from weijian.inspections import catalog
from weijian.inspections.models import (
    Attachment,
    AttachmentKind,
    Finding,
    Inspection,
    InspectionMember,
    InspectionStatus,
)

TASK_VIEWS = ("assigned", "in_progress", "confirm", "overdue", "closed")
PUBLICATION_VIEWS = ("due", "overdue", "published")
OPEN = (InspectionStatus.ASSIGNED, InspectionStatus.IN_PROGRESS, InspectionStatus.SUBMITTED)


def _base(user: Any) -> QuerySet[Inspection]:
    return scoped(user, Inspection.objects.select_related("institution", "institution__district", "department"))


def inspection_get(user: Any, pk: int) -> Inspection:
    found = _base(user).select_related("plan", "created_by").filter(pk=pk).first()
    if found is None:
        raise Http404(_("检查不存在或不在您的数据权限范围内"))
    return found


def _task_filters(today: dt.date) -> dict[str, Q]:
    return {
        "assigned": Q(status=InspectionStatus.ASSIGNED),
        "in_progress": Q(status=InspectionStatus.IN_PROGRESS),
        "overdue": Q(status__in=OPEN, due_date__lt=today),
        "closed": Q(status=InspectionStatus.CLOSED),
    }


def my_tasks(user: Any, view: str = "assigned") -> QuerySet[Inspection]:
    """The inspections whose team holds the user's 执法人员 record, by tab (:data:`TASK_VIEWS`).

    Team membership is a subquery on the members' table (no join, so no DISTINCT over a year of inspections)."""
    uid = getattr(user, "pk", None)
    mine = InspectionMember.objects.filter(inspector__user_id=uid)
    if view == "confirm":
        qs = _base(user).filter(status=InspectionStatus.SUBMITTED,
                                pk__in=mine.filter(confirmed_at__isnull=True).values("inspection_id"))  # fmt: skip
    else:
        qs = _base(user).filter(pk__in=mine.values("inspection_id"))
        condition = _task_filters(timezone.localdate()).get(view)
        if condition is not None:
            qs = qs.filter(condition)
    return qs.order_by("due_date", "pk")


def my_task_counts(user: Any) -> dict[str, int]:
    """The tab counts (all but 已办结) in one query."""
    uid = getattr(user, "pk", None)
    mine = InspectionMember.objects.filter(inspector__user_id=uid)
    filters = _task_filters(timezone.localdate())
    unconfirmed = mine.filter(confirmed_at__isnull=True).values("inspection_id")
    counts = scoped(user, Inspection.objects.filter(pk__in=mine.values("inspection_id"))).aggregate(
        assigned=Count("pk", filter=filters["assigned"]), in_progress=Count("pk", filter=filters["in_progress"]),
        confirm=Count("pk", filter=Q(status=InspectionStatus.SUBMITTED, pk__in=unconfirmed)),
        overdue=Count("pk", filter=filters["overdue"]),
    )  # fmt: skip
    return {view: int(counts[view] or 0) for view in TASK_VIEWS if view != "closed"}


def inspection_list(user: Any, *, status: str | None = None, mode: str | None = None) -> QuerySet[Inspection]:
    qs = _base(user)
    if status in InspectionStatus.values:
        qs = qs.filter(status=status)
    if mode:
        qs = qs.filter(mode=mode)
    return qs.order_by("-created_at", "-pk")


@dataclass
class LineView:
    """One checklist line of an inspection as the page shows it: the catalog's text and the finding."""

    item_code: str
    item_name: str
    line: catalog.ChecklistLine
    finding: Finding
    photos: list[Attachment] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.item_code}:{self.line.no}"


def inspection_lines(user: Any, inspection: Inspection) -> list[LineView]:
    """Every checklist line of an (already scope-checked) inspection with its finding and photos, in catalog order."""
    from weijian.inspections.services import checklist_items

    findings = {(f.item_code, f.line_no): f for f in scoped(user, Finding.objects.filter(inspection=inspection))}
    photos: dict[int, list[Attachment]] = {}
    for attachment in scoped(user, Attachment.objects.filter(inspection=inspection, finding__isnull=False)):
        photos.setdefault(attachment.finding_id or 0, []).append(attachment)
    rows = []
    for item in checklist_items(inspection):
        for line in item.checklist:
            finding = findings.get((item.code, line.no))
            if finding is not None:
                rows.append(LineView(item.code, item.name, line, finding, photos.get(finding.pk, [])))
    return rows


def inspection_members(user: Any, inspection: Inspection) -> list[InspectionMember]:
    return list(scoped(user, InspectionMember.objects.filter(inspection=inspection).select_related("inspector")))


def inspection_signatures(user: Any, inspection: Inspection) -> list[Attachment]:
    return list(scoped(user, Attachment.objects.filter(inspection=inspection, kind=AttachmentKind.SIGNATURE)))


def attachment_get(user: Any, pk: int) -> Attachment:
    found = scoped(user, Attachment.objects.all()).filter(pk=pk).first()
    if found is None:
        raise Http404(_("附件不存在或不在您的数据权限范围内"))
    return found


def inspections_of_source(user: Any, *, source_kind: str, source_id: int) -> list[Inspection]:
    return list(_base(user).filter(source_kind=source_kind, source_id=source_id).order_by("pk"))


# --------------------------------------------------------------------------- publication (一公开)


def publication_queue(user: Any, view: str = "due") -> QuerySet[Inspection]:
    """Closed inspections by publication state: ``due`` (not yet published, deadline not passed or unknown),
    ``overdue`` (not published, deadline passed), ``published``."""
    today = timezone.localdate()
    qs = _base(user).filter(status=InspectionStatus.CLOSED)
    if view == "overdue":
        return qs.filter(published_at__isnull=True, publish_due__lt=today).order_by("publish_due", "pk")
    if view == "published":
        return qs.filter(published_at__isnull=False).order_by("-published_at", "-pk")
    return qs.filter(Q(publish_due__gte=today) | Q(publish_due__isnull=True), published_at__isnull=True).order_by(
        "publish_due", "pk"
    )


@dataclass(frozen=True)
class PublicationFigures:
    """On-time publication rate: of the results whose deadline has come (or that were published), the share
    published on or before their deadline."""

    on_time: int
    late: int
    overdue: int  # not published, deadline passed
    due: int  # not published, deadline still ahead

    @property
    def counted(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def rate(self) -> float | None:
        return self.on_time / self.counted if self.counted else None

    @property
    def percent(self) -> float | None:
        return round(100 * self.on_time / self.counted, 1) if self.counted else None


def publication_figures(user: Any, *, since: dt.date | None = None) -> PublicationFigures:
    """The figures over closed inspections in the user's scope (closed on or after ``since`` when given)."""
    qs = _base(user).filter(status=InspectionStatus.CLOSED)
    if since is not None:
        qs = qs.filter(closed_at__date__gte=since)
    today = timezone.localdate()
    on_time = late = overdue = due = 0
    for published_at, publish_due in qs.values_list("published_at", "publish_due"):
        if published_at is not None:
            day = timezone.localtime(published_at).date()
            if publish_due is None or day <= publish_due:
                on_time += 1
            else:
                late += 1
        elif publish_due is not None and publish_due < today:
            overdue += 1
        else:
            due += 1
    return PublicationFigures(on_time, late, overdue, due)


# --------------------------------------------------------------------------- planning reads


def last_closed(
    *, institution_ids: Iterable[int], item_codes: Iterable[str], since: dt.date
) -> dict[tuple[int, str], tuple[dt.date, frozenset[int]]]:
    """(institution id, item code) → (closed date, inspector ids) of the latest closed inspection since ``since``.

    A planning read over the whole jurisdiction's history (the draw's exclusion window and the "previous round"
    回避), called by the planning services on the population they already scoped; it shows nothing to a page.
    """
    ids, codes = set(institution_ids), set(item_codes)
    if not ids or not codes:
        return {}
    found: dict[tuple[int, str], tuple[dt.date, frozenset[int]]] = {}
    rows = (
        Inspection.objects.filter(status=InspectionStatus.CLOSED, institution_id__in=ids, closed_at__isnull=False)
        .filter(closed_at__date__gte=since)
        .order_by("closed_at", "pk")
        .prefetch_related("members")
    )
    for inspection in rows:
        closed = timezone.localtime(inspection.closed_at).date()
        team = frozenset(m.inspector_id for m in inspection.members.all())
        for code in inspection.item_codes:
            if code in codes:
                found[(inspection.institution_id, code)] = (closed, team)
    return found


# The credit severity of an inspection's result (weijian.credit reads them through credit_facts).
RESULT_SEVERITY = {"pass": "minor", "rectify": "general", "case": "serious"}


def credit_facts(since: dt.date) -> list[Any]:
    """What credit records of inspections: the result of every inspection closed on or after ``since``. A system
    read (the credit sync), not a user's page."""
    from weijian.credit.facts import CreditFact

    start = dt.datetime.combine(since, dt.time.min, tzinfo=timezone.get_current_timezone())
    rows = (Inspection.objects.filter(status=InspectionStatus.CLOSED, closed_at__gte=start)
            .exclude(result="").select_related("institution__district", "department").order_by("pk"))  # fmt: skip
    facts = []
    for inspection in rows:
        assert inspection.closed_at is not None
        facts.append(CreditFact(
            source_kind="inspection", source_key=f"inspection-{inspection.pk}",
            occurred_on=timezone.localdate(inspection.closed_at), severity=RESULT_SEVERITY[inspection.result],
            category="inspection_result", title=str(inspection.get_result_display()),
            region_code=inspection.institution.district.code, department_code=inspection.department.code,
            institution_id=inspection.institution_id,
            detail={"result": inspection.result, "items": list(inspection.item_codes or []), "mode": inspection.mode},
        ))  # fmt: skip
    return facts
