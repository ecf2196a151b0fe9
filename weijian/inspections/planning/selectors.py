"""Reads of random-check planning: plans and draws in the user's scope, a plan's population with its grades,
and the inputs of the inspector assignment.

Plans and draws are read through ``scoped``. The population is the plan's region's institutions the user may
see. The assignment's inputs (inspectors of the plan's departments in the plan's region, their declared
conflicts, the previous round, registrations) are a planning read over the plan's jurisdiction: a joint plan
draws officers of partner departments whom the lead department's manager does not list otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from weijian.core.models import Region
from weijian.core.scope import scoped
from weijian.inspections import catalog
from weijian.inspections.models import Draw, DrawTarget, Plan
from weijian.inspections.planning import assign, draw, rules
from weijian.registry.models import Inspector, InspectorConflict, Institution, InstitutionStatus, Registration

POPULATION_FILTERS = ("kinds", "districts", "ownership", "sectors")


def plan_list(user: Any) -> QuerySet[Plan]:
    return scoped(user, Plan.objects.select_related("region", "lead_department")).prefetch_related("joint_departments")


def plan_get(user: Any, pk: Any) -> Plan | None:
    try:
        return plan_list(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def draw_list(user: Any, plan: Plan | None = None) -> QuerySet[Draw]:
    draws = scoped(user, Draw.objects.select_related("plan", "plan__region", "plan__lead_department"))
    return draws.filter(plan=plan) if plan is not None else draws


def draw_get(user: Any, pk: Any) -> Draw | None:
    try:
        return draw_list(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def current_draw(plan: Plan) -> Draw | None:
    """The plan's latest draw that is not superseded (committed or drawn)."""
    return plan.draws.exclude(status="superseded").order_by("-sequence").first()


def draw_targets(user: Any, drawn: Draw) -> QuerySet[DrawTarget]:
    return scoped(user, drawn.targets.select_related("institution", "institution__district")).prefetch_related(
        "assignments__inspector"
    )


def plan_departments(plan: Plan) -> list[str]:
    """Lead first, then the joint departments by code."""
    joint = sorted(d.code for d in plan.joint_departments.all() if d.code != plan.lead_department.code)
    return [plan.lead_department.code, *joint]


def plan_items(plan: Plan) -> list[catalog.CheckItem]:
    return [catalog.item(code, plan.period_start) for code in plan.item_codes]


# --------------------------------------------------------------------------- population


@dataclass
class Member:
    institution: Institution
    grade: str  # the grade the draw uses (after an override)
    platform_grade: str | None  # what the platform says (None: not graded yet)
    stratum: str  # A–D, key, excluded
    override_reason: str = ""
    last_closed: dt.date | None = None


@dataclass
class Population:
    members: list[Member]
    as_of: dt.date
    since: dt.date | None  # start of the exclusion window
    previous_round: dict[int, frozenset[int]] = field(default_factory=dict)  # institution → inspectors

    def candidates(self) -> list[draw.Candidate]:
        return [draw.Candidate(m.institution.pk, m.stratum) for m in self.members]

    def counts(self) -> dict[str, int]:
        return draw.stratum_counts(self.candidates())

    def by_id(self) -> dict[int, Member]:
        return {m.institution.pk: m for m in self.members}


def eligible_institutions(user: Any, plan: Plan) -> QuerySet[Institution]:
    """The plan's target population in the registry: its region, its filters, the kinds its items apply to, in
    practice (active) — as the user may see it."""
    kinds: set[str] = set()
    for checked in plan_items(plan):
        kinds |= set(checked.target_kinds)
    filters = plan.population or {}
    wanted = [k for k in filters.get("kinds") or [] if k]
    if wanted:
        kinds &= set(wanted)
    if filters.get("sectors"):
        from weijian.registry import kinds as kind_table

        kinds &= {k for s in filters["sectors"] for k in kind_table.kinds_of(s)}
    qs = Institution.objects.filter(
        district__code__startswith=plan.region.prefix, kind__in=sorted(kinds), status=InstitutionStatus.ACTIVE
    )
    if filters.get("districts"):
        qs = qs.filter(district__code__in=list(filters["districts"]))
    if filters.get("ownership"):
        qs = qs.filter(ownership__in=list(filters["ownership"]))
    return scoped(user, qs.select_related("district"))


def _last_closed(institution_ids: Sequence[int], item_codes: Sequence[str], since: dt.date) -> dict[Any, Any]:
    """The latest closed inspection per (institution, item) since ``since`` (``inspections.selectors.last_closed``)."""
    from weijian.inspections.selectors import last_closed

    return dict(last_closed(institution_ids=institution_ids, item_codes=item_codes, since=since))


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def plan_population(user: Any, plan: Plan, *, as_of: dt.date | None = None) -> Population:
    """Every candidate of the plan with its stratum: key targets, then A–D by the platform grade (or the
    plan's override), ``excluded`` when inspected under one of the plan's items within the window (grade D
    never is). The grade comes from ``weijian.risk.selectors.institution_grades`` only."""
    from weijian.risk.selectors import institution_grades

    on = as_of or plan.period_start
    institutions = list(eligible_institutions(user, plan))
    ids = [i.pk for i in institutions]
    key_ids = set(plan.key_targets.values_list("pk", flat=True))
    grades = institution_grades(user, ids)
    overrides = {o.institution_id: o for o in plan.grade_overrides.all()}
    ungraded = str(rules.value("ungraded_grade", plan.period_start))
    since = _months_before(on, plan.exclusion_months) if plan.exclusion_months else None
    closed = _last_closed(ids, plan.item_codes, since) if since else {}
    latest: dict[int, tuple[dt.date, frozenset[int]]] = {}
    for (institution_id, _code), (day, team) in closed.items():
        if institution_id not in latest or day > latest[institution_id][0]:
            latest[institution_id] = (day, team)
    members = []
    for inst in sorted(institutions, key=lambda i: i.pk):
        platform = grades.get(inst.pk)
        platform_grade = platform.grade if platform is not None else None
        override = overrides.get(inst.pk)
        grade = override.grade if override else (platform_grade or ungraded)
        last = latest.get(inst.pk)
        if inst.pk in key_ids:
            stratum = draw.KEY
        elif last is not None and grade != "D":
            stratum = draw.EXCLUDED
        else:
            stratum = grade
        members.append(Member(inst, grade, platform_grade, stratum, override.reason if override else "",
                              last[0] if last else None))  # fmt: skip
    previous = {pk: team for pk, (_day, team) in latest.items()}
    return Population(members, on, since, previous)


# --------------------------------------------------------------------------- assignment inputs


def _region_and_above(region: Region) -> Q:
    """Officers of the plan's region, of any region under it, and of the regions above it (the city's)."""
    above = []
    node = region.parent
    while node is not None:
        above.append(node.pk)
        node = node.parent
    return Q(region__code__startswith=region.prefix) | Q(region_id__in=above)


def plan_inspectors(plan: Plan, departments: Sequence[str]) -> list[Inspector]:
    return list(
        Inspector.objects.filter(_region_and_above(plan.region), department__code__in=list(departments))
        .select_related("department", "region").order_by("pk")
    )  # fmt: skip


def officer_of(inspector: Inspector) -> assign.Officer:
    region = inspector.region
    district = region.code[:6] if region is not None else ""
    return assign.Officer(
        inspector.pk, inspector.department.code, district, frozenset(inspector.field_codes),
        inspector.badge_valid_from, inspector.badge_valid_to, inspector.active,
    )


def conflict_pairs(inspector_ids: Iterable[int], institution_ids: Iterable[int], start: dt.date,
                   end: dt.date) -> frozenset[tuple[int, int]]:
    """Declared conflicts in force on any day of ``[start, end]``."""
    rows = InspectorConflict.objects.filter(
        inspector_id__in=list(inspector_ids), institution_id__in=list(institution_ids), declared_on__lte=end
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    return frozenset(rows.values_list("inspector_id", "institution_id"))


def registered_pairs(inspectors: Sequence[Inspector], institution_ids: Iterable[int], start: dt.date,
                     end: dt.date) -> frozenset[tuple[int, int]]:
    """An inspector registered as a practitioner at the institution during the period. The registry does not
    link an inspector to a practitioner record (inspectors carry no identity digest), so the match is by name
    on the institution's own practitioner registrations: a namesake is excluded too, which errs on the side
    of 回避."""
    by_name: dict[str, list[int]] = {}
    for i in inspectors:
        by_name.setdefault(i.name, []).append(i.pk)
    rows = (
        Registration.objects.filter(institution_id__in=list(institution_ids), practitioner__name__in=list(by_name),
                                    valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .values_list("practitioner__name", "institution_id")
    )  # fmt: skip
    return frozenset((officer, institution) for name, institution in rows for officer in by_name.get(name, ()))


# --------------------------------------------------------------------------- pages


@dataclass
class Overview:
    plan: Plan
    items: list[catalog.CheckItem]
    population: Population
    counts: dict[str, int]
    achieved: draw.Achieved
    key_members: list[Member]
    overridden: list[Member]
    draws: list[Draw]


def plan_overview(user: Any, plan: Plan) -> Overview:
    """What the plan page shows: items with names, the population per grade, the ratios and what they achieve
    against the overall target (with the warning), the key targets apart, the grade overrides and the draws."""
    population = plan_population(user, plan)
    counts = population.counts()
    on = plan.period_start
    target = plan.overall_target if plan.overall_target is not None else rules.value("overall_target", on)
    achieved = draw.achieved(counts, plan.ratios, target, rules.value("warning_gap_points", on))
    return Overview(
        plan=plan, items=plan_items(plan), population=population, counts=counts, achieved=achieved,
        key_members=[m for m in population.members if m.stratum == draw.KEY],
        overridden=[m for m in population.members if m.override_reason],
        draws=list(draw_list(user, plan).order_by("-sequence")),
    )  # fmt: skip
