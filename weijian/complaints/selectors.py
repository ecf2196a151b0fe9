"""Reads of complaints: staff lists through the data scope; the public tracking page by code only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.complaints import codes
from weijian.complaints.models import OPEN_STATUSES, Complaint, ComplaintPhoto, ComplaintStatus
from weijian.core import responsibility
from weijian.core.scope import scoped

VIEWS = ("open", "triage", "done", "all")


def category_names(on: dt.date | None = None) -> dict[str, str]:
    on = on or timezone.localdate()
    return {code: c.name for code, c in responsibility.complaint_categories(on).items()}


def complaint_list(user: Any, *, view: str = "open", status: str | None = None, category: str | None = None,
                   district: str | None = None, q: str | None = None) -> QuerySet[Complaint]:  # fmt: skip
    qs = scoped(user, Complaint.objects.select_related("district", "department", "institution"))
    if view == "open":
        waiting = Q(status__in=OPEN_STATUSES) | Q(status=ComplaintStatus.TO_CLUE, replied_at__isnull=True)
        qs = qs.filter(waiting, department__isnull=False)
    elif view == "triage":
        qs = qs.filter(department__isnull=True, status__in=OPEN_STATUSES)
    elif view == "done":
        qs = qs.filter(status__in=(ComplaintStatus.NOT_ACCEPTED, ComplaintStatus.REPLIED, ComplaintStatus.CLOSED))
    if status in ComplaintStatus.values:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if district:
        qs = qs.filter(district__code=district)
    if q:
        text = q.strip()[:100]
        qs = qs.filter(Q(tracking_code=codes.normalise(text)) | Q(subject_name__contains=text)
                       | Q(institution__uscc=text) | Q(description__contains=text))  # fmt: skip
    return qs.order_by("received_at", "pk")


def complaint_get(user: Any, pk: int) -> Complaint:
    found = scoped(user, Complaint.objects.select_related(
        "district", "department", "institution", "region", "duplicate_of", "clue", "entered_by", "api_key")).filter(
        pk=pk).first()  # fmt: skip
    if found is None:
        raise Http404(_("投诉不存在或不在您的数据权限范围内"))
    return found


def complaint_related(user: Any, complaint: Complaint) -> list[Complaint]:
    """The complaints linked to this one as duplicates (either way), as far as the user's scope holds them."""
    root_id = complaint.duplicate_of_id or complaint.pk
    return list(scoped(user, Complaint.objects.filter(Q(pk=root_id) | Q(duplicate_of_id=root_id))).exclude(
        pk=complaint.pk).order_by("received_at", "pk"))  # fmt: skip


def photo_get(user: Any, pk: int) -> ComplaintPhoto:
    found = scoped(user, ComplaintPhoto.objects.select_related("complaint")).filter(pk=pk).first()
    if found is None:
        raise Http404(_("照片不存在或不在您的数据权限范围内"))
    return found


def due_count(user: Any) -> int:
    """Open complaints in the user's queues (received or accepted, not yet replied)."""
    return scoped(user, Complaint.objects.filter(status__in=OPEN_STATUSES, department__isnull=False)).count()


# --------------------------------------------------------------------------- the public tracking page


@dataclass(frozen=True)
class Tracking:
    """What the complainant sees under the tracking code: never the case file, never anyone else's data."""

    code: str
    status: str
    status_label: str
    category: str
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None
    not_accepted_reason: str
    reply: str
    outcome: str | None
    complaint: Complaint  # for the deadlines (computed when read); templates show only the fields above


def outcome_of(complaint: Complaint) -> str | None:
    """The clue's or case's outcome in words, from the cases app when it is installed, else the clue's status."""
    if complaint.clue_id is None:
        return None
    clue = complaint.clue
    try:
        from weijian.cases.selectors import outcome_for_clue
    except ImportError:
        return str(clue.get_status_display()) if clue is not None else None
    return outcome_for_clue(clue)


def tracking_get(code: str) -> Tracking:
    normal = codes.normalise(code)
    if not codes.is_valid(normal):
        raise Http404(_("查询码无效"))
    found = Complaint.objects.select_related("clue").filter(tracking_code=normal).first()
    if found is None:
        raise Http404(_("没有这个查询码的投诉"))
    names = category_names(timezone.localtime(found.received_at).date())
    return Tracking(
        code=codes.display(found.tracking_code), status=found.status, status_label=str(found.get_status_display()),
        category=names.get(found.category, _("其他")), received_at=found.received_at, accepted_at=found.accepted_at,
        replied_at=found.replied_at, closed_at=found.closed_at, not_accepted_reason=found.not_accepted_reason,
        reply=found.reply, outcome=outcome_of(found), complaint=found,
    )  # fmt: skip


def credit_facts(since: dt.date) -> list[Any]:
    """What credit records of complaints: every complaint about a registered institution found substantiated — it
    became a clue whose case ended in a penalty decided on or after ``since``. A system read (the credit sync)."""
    from weijian.credit.facts import CreditFact

    try:
        from weijian.cases.models import Case
        from weijian.cases.states import CaseOutcome
    except ImportError:  # without the cases app nothing says a complaint was substantiated
        return []
    decided = dict(
        Case.objects.filter(outcome=CaseOutcome.PENALTY, decided_on__gte=since, clue__isnull=False)
        .values_list("clue_id", "decided_on")
    )  # fmt: skip
    rows = (Complaint.objects.filter(clue_id__in=list(decided), institution__isnull=False)
            .select_related("district", "department").order_by("pk"))  # fmt: skip
    return [
        CreditFact(
            source_kind="complaint", source_key=f"complaint-{c.pk}", occurred_on=decided[c.clue_id],
            severity="general", category="complaint", title=_("投诉举报查实"),
            region_code=c.district.code, department_code=c.department.code if c.department_id else "health",
            institution_id=c.institution_id, detail={"category": c.category},
        )
        for c in rows
    ]
