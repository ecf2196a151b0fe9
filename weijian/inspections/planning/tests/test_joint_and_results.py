"""A joint plan (进一次门、查多项事) staffs every team from both departments; a drawn plan's real results give the
managers' figures (hit rate, lift over uniform sampling, first-half share, ratio achieved, inspections per inspector)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from weijian.inspections.models import Assignment, DrawTarget, Inspection
from weijian.inspections.planning import figures, verify
from weijian.inspections.planning.tests.conftest import City
from weijian.inspections.planning.tests.test_services import drawn, make_plan


def test_joint_plan_teams_have_an_officer_of_each_department(city: City) -> None:
    plan = make_plan(city, item_codes=["CC00227", "WJ-SC002"], joint_departments=[city.market_dept])
    made = drawn(city, plan)
    market = {o.pk for o in city.market}
    teams = 0
    for target in DrawTarget.objects.filter(draw=made):
        team = set(Assignment.objects.filter(target=target).values_list("inspector_id", flat=True))
        if team:
            teams += 1
            assert team & market and team - market
    assert teams and verify.verify(made.record).ok
    assert made.parameters["departments"] == ["health", "market"]


def test_figures_from_real_results(city: City) -> None:
    plan = make_plan(city)
    made = drawn(city, plan)
    closed_at = timezone.make_aware(dt.datetime(2026, 3, 1, 10))
    for n, target in enumerate(DrawTarget.objects.filter(draw=made).order_by("stratum", "rank")):
        Inspection.objects.create(
            institution=target.institution, department=city.health, mode="random", item_codes=["CC00227"], plan=plan,
            target=target, source_kind="draw", source_id=made.pk, status="closed",
            closed_at=closed_at + dt.timedelta(days=n), result="rectify" if target.stratum == "D" else "pass",
        )  # fmt: skip
    result = figures.measured(city.manager, made)
    assert result.closed == 12 and result.hits == 6  # the six grade-D targets
    # uniform sampling would have hit D (¼ of the population) at rate 1 and the others at 0: 0.25; the plan 0.5
    assert result.uniform_estimate == 0.25 and result.lift == 2.0
    rows = {r.stratum: (r.candidates, r.drawn) for r in figures.ratio_achieved(made)}
    assert rows["A"] == (6, 1) and rows["D"] == (6, 6)
    per_inspector = figures.inspections_per_inspector(made)
    assert sum(n for _, n in per_inspector) == 24
    coverage = figures.catalog_coverage(city.manager, 2026)
    assert coverage["covered"] == 1 and 0 < coverage["share"] < 1
