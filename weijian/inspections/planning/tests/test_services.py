"""Plans, the commitment, the draw and its record, through the services (both databases)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from weijian.core.models import AuditEvent
from weijian.inspections.models import (
    Assignment,
    Draw,
    DrawStatus,
    DrawTarget,
    GradeOverride,
    Plan,
    PlanStatus,
)
from weijian.inspections.planning import draw, services, verify
from weijian.inspections.planning.tests.conftest import PERIOD, City
from weijian.registry.models import InspectorConflict


def make_plan(city: City, actor: Any = None, **extra: Any) -> Plan:
    values: dict[str, Any] = {
        "actor": actor or city.manager, "name": "2026年医疗机构依法执业随机抽查", "period_start": PERIOD[0],
        "period_end": PERIOD[1], "region": city.region, "lead_department": city.health, "item_codes": ["CC00227"],
        "ratios": {"A": "5", "B": "20", "C": "50", "D": "100"},
    }  # fmt: skip
    values.update(extra)
    return services.plan_create(**values)


def drawn(city: City, plan: Plan, value: str = "20260115-0371") -> Draw:
    made = services.draw_commit(actor=city.manager, plan_id=plan.pk)
    return services.draw_run(actor=city.manager, draw_id=made.pk, public_value=value, witnesses="张三、李四")


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"ratios": {"A": "120"}}, "ratio_A", "0–100"),
        ({"ratios": {"B": "-1"}}, "ratio_B", "0–100"),
        ({"ratios": {"C": "abc"}}, "ratio_C", "不是数字"),
        ({"item_codes": ["CC99999"]}, "item_codes", "CC99999"),
        ({"item_codes": ["WJ-SC002"]}, "joint_departments", "market"),
        ({"population": {"kinds": ["hospital"]}}, "population", "没有符合条件"),
    ],
)
def test_bad_plan_input_names_the_field_and_saves_nothing(city: City, change: dict, field: str, text: str) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(services.PlanningError) as caught:
        make_plan(city, **change)
    assert caught.value.field == field and text in str(caught.value)
    assert Plan.objects.count() == 0 and AuditEvent.objects.count() == events


def test_commit_publishes_a_commitment_and_hides_the_secret(city: City) -> None:
    plan = make_plan(city)
    made = services.draw_commit(actor=city.manager, plan_id=plan.pk)
    record = made.record
    assert record["secret"] is None and record["seed"] is None and made.secret
    assert record["commitment"] == draw.commitment(made.population_hash, record["parameters_hash"], made.secret)
    counts = draw.stratum_counts(draw.Candidate(c["id"], c["stratum"]) for c in record["population"])
    # district A holds institutions 0–23: grades cycle A, B, C, D
    assert counts == {"key": 0, "A": 6, "B": 6, "C": 6, "D": 6, "excluded": 0}
    with pytest.raises(services.PlanningError, match="已公布承诺"):
        services.draw_commit(actor=city.manager, plan_id=plan.pk)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.COMMITTED


def test_draw_selects_by_grade_assigns_two_valid_inspectors_and_verifies(city: City) -> None:
    plan = make_plan(city)
    made = drawn(city, plan)
    record = made.record
    strata = [t["stratum"] for t in record["targets"]]
    # ceil(6 × 5 %) = 1, ceil(6 × 20 %) = 2, ceil(6 × 50 %) = 3, 6
    assert [strata.count(g) for g in "ABCD"] == [1, 2, 3, 6]
    assert DrawTarget.objects.filter(draw=made).count() == 12
    expired = city.expired.pk
    for target in DrawTarget.objects.filter(draw=made):
        team = list(Assignment.objects.filter(target=target).values_list("inspector_id", flat=True))
        assert len(team) >= 2 and expired not in team
    assert {"id": expired, "reason": "执法证 2026-03-31 到期，早于计划期结束（2026-12-31）"} in record["excluded_inspectors"]
    assert record["secret"] == made.secret and record["solver"]["version"]
    verdict = verify.verify(copy.deepcopy(record))
    assert verdict.ok, verdict.problems
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAWN


def test_override_changes_the_stratum_and_stays_on_the_record(city: City) -> None:
    plan = make_plan(city)
    target = city.institutions[0]  # grade A
    services.grade_override_set(actor=city.manager, plan_id=plan.pk, institution_id=target.pk, grade="D",
                                reason="近期投诉集中，提高抽查频次")  # fmt: skip
    assert GradeOverride.objects.get(plan=plan).grade == "D"
    made = drawn(city, plan)
    assert {"id": target.pk, "grade": "D", "platform_grade": "A", "reason": "近期投诉集中，提高抽查频次"} in made.parameters["overrides"]
    assert target.pk in {t["id"] for t in made.record["targets"] if t["stratum"] == "D"}


def test_conflict_is_never_assigned_and_an_unstaffable_target_says_why(city: City) -> None:
    plan = make_plan(city, key_target_ids=[city.institutions[1].pk])
    key = city.institutions[1]
    # every district-A and district-B inspector but one declares a conflict with the key target
    for inspector in city.inspectors[1:]:
        InspectorConflict.objects.create(inspector=inspector, institution=key, reason="近亲属任职",
                                         declared_on=PERIOD[0])  # fmt: skip
    made = drawn(city, plan)
    blocked = {b["id"]: b for b in made.record["unstaffed"]}
    assert blocked[key.pk]["constraint"] == "conflict"
    assert not Assignment.objects.filter(target__institution=key).exists()
    assert verify.verify(made.record).ok


def test_repeat_needs_a_reason_and_keeps_both_draws(city: City) -> None:
    plan = make_plan(city)
    first = drawn(city, plan)
    with pytest.raises(services.PlanningError) as caught:
        services.draw_commit(actor=city.manager, plan_id=plan.pk)
    assert caught.value.field == "repeat_reason"
    again = services.draw_commit(actor=city.manager, plan_id=plan.pk, repeat_reason="见证人未到场，依规重新抽取")
    second = services.draw_run(actor=city.manager, draw_id=again.pk, public_value="889911")
    assert Draw.objects.get(pk=first.pk).status == DrawStatus.SUPERSEDED
    assert second.status == DrawStatus.DRAWN and second.sequence == 2 and second.record["repeat_reason"]


def test_public_value_is_mandatory(city: City) -> None:
    plan = make_plan(city)
    made = services.draw_commit(actor=city.manager, plan_id=plan.pk)
    with pytest.raises(services.PlanningError) as caught:
        services.draw_run(actor=city.manager, draw_id=made.pk, public_value="  ")
    assert caught.value.field == "public_value"
    assert Draw.objects.get(pk=made.pk).status == DrawStatus.COMMITTED and not DrawTarget.objects.exists()


def test_inspector_cannot_plan(city: City, make_user: Any) -> None:
    inspector = make_user("insp", region="310101")
    with pytest.raises(services.PlanningError, match="角色"):
        make_plan(city, actor=inspector)


def test_dispatch_makes_one_inspection_per_staffed_target_with_its_team_and_checklist(city: City) -> None:
    from weijian.inspections.catalog import item
    from weijian.inspections.models import Inspection, InspectionStatus

    plan = make_plan(city)
    made = drawn(city, plan)
    staffed = [t for t in DrawTarget.objects.filter(draw=made) if t.assignments.exists()]
    assert services.plan_dispatch(actor=city.manager, draw=made) == len(staffed) > 0
    lines = len(item("CC00227", PERIOD[0]).checklist)
    for target in staffed:
        inspection = Inspection.objects.get(target=target)
        assert inspection.status == InspectionStatus.ASSIGNED and inspection.due_date == plan.period_end
        assert set(inspection.members.values_list("inspector_id", flat=True)) == set(
            target.assignments.values_list("inspector_id", flat=True)
        )
        assert inspection.findings.count() == lines
    assert services.plan_dispatch(actor=city.manager, draw=made) == 0  # a second dispatch adds nothing
    assert AuditEvent.objects.filter(action="inspections.plan.dispatch").count() == 2


def test_the_lead_department_is_the_planners_own_or_the_responsibility_lists_lead(city: City, make_user: Any) -> None:
    plan = make_plan(city, lead_department=None)
    assert plan.lead_department == city.manager.profile.department
    city_official = make_user("city_no_dept", role="city_admin", region="310000", department=None)
    assert services.planner_department(city_official, PERIOD[0]).code == "health"  # lead: true in the list
    market_manager = make_user("market_planner", role="district_manager", region=city.region.code,
                               department="market")  # fmt: skip
    assert services.planner_department(market_manager, PERIOD[0]).code == "market"
