"""What the public portal reads: only what is published, for anyone, without login.

Plans once their commitment is public (never a draft), each draw's commitment and — only once the draw is made —
its public value and seed (the secret never), the drawn targets, and the results of inspections whose
publication a manager has made (``published_at`` set). Nothing personal: the inspectors appear as the office's
rules say (``inspection_field.yaml``: none, masked 执法证号, or name and 执法证号); notes and findings' text stay in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.inspections import catalog, publication
from weijian.inspections.models import (
    Draw,
    FindingOutcome,
    Inspection,
    InspectionStatus,
    Plan,
    PlanStatus,
)
from weijian.rules.loader import RulesError


def mask_badge(badge_no: str) -> str:
    """A 执法证号 with all but its first four and last two characters masked."""
    text = str(badge_no or "")
    if len(text) <= 6:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 6) + text[-2:]


def public_plans() -> QuerySet[Plan]:
    return (
        Plan.objects.exclude(status=PlanStatus.DRAFT)
        .select_related("region", "lead_department")
        .order_by("-year", "-period_start", "-pk")
    )


def public_plan(pk: int) -> Plan:
    found = public_plans().filter(pk=pk).first()
    if found is None:
        raise Http404(_("计划不存在或尚未公布"))
    return found


def item_names(codes: list[str], on: dt.date) -> list[tuple[str, str]]:
    """(code, name) of check items as in force on ``on``; a code the catalog no longer holds shows alone."""
    out = []
    for code in codes or []:
        try:
            out.append((code, catalog.item(code, on).name))
        except (catalog.UnknownItem, RulesError):
            out.append((code, ""))
    return out


@dataclass(frozen=True)
class PublicDraw:
    draw: Draw
    drawn: bool
    targets: list[dict[str, Any]]


def _published() -> Q:
    return Q(inspection__published_at__isnull=False, inspection__status=InspectionStatus.CLOSED)


def plan_draws(plan: Plan) -> list[PublicDraw]:
    """Each draw of a plan: its commitment; once made, its public value, seed and targets (with published results)."""
    out = []
    for draw in plan.draws.order_by("sequence"):
        drawn = draw.drawn_at is not None
        targets: list[dict[str, Any]] = []
        if drawn:
            for target in draw.targets.select_related("institution").order_by("stratum", "rank"):
                inspection = getattr(target, "inspection", None)
                shown = inspection if inspection is not None and inspection.published_at else None
                targets.append({"institution": target.institution.name, "stratum": target.stratum,
                                "rank": target.rank, "mode": target.mode, "mode_label": target.get_mode_display(),
                                "result": shown})  # fmt: skip
        out.append(PublicDraw(draw, drawn, targets))
    return out


def public_results() -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(published_at__isnull=False, status=InspectionStatus.CLOSED)
        .select_related("institution", "institution__district", "department", "plan")
        .order_by("-published_at", "-pk")
    )


def public_result(pk: int) -> Inspection:
    found = public_results().filter(pk=pk).first()
    if found is None:
        raise Http404(_("检查结果不存在或尚未公示"))
    return found


def result_counts(inspection: Inspection) -> dict[str, int]:
    counts = dict(inspection.findings.values_list("outcome").annotate(n=Count("pk")))
    return {o: counts.get(o, 0) for o in FindingOutcome.values}


def public_inspectors(inspection: Inspection) -> list[str]:
    """The team as the office's rules let the public see it."""
    on = timezone.localtime(inspection.published_at or timezone.now()).date()
    choice = publication.portal_inspectors(on)
    if choice == "none":
        return []
    members = inspection.members.select_related("inspector").order_by("pk")
    if choice == "name_badge":
        return [
            _("%(name)s（%(badge_no)s）") % {"name": m.inspector.name, "badge_no": m.inspector.badge_no}
            for m in members
        ]
    return [mask_badge(m.inspector.badge_no) for m in members]
