"""Writes of random-check planning: plans, grade overrides, the commitment, the draw with its assignment, and
dispatching a drawn plan's inspections.

Each service checks its input first (a :class:`PlanningError` names the field and the reason, in Chinese), then
writes in one transaction with one audit event; nothing is half-saved. The draw's algorithm is ``draw.py``
(Django-free, ``docs/draw-algorithm.md``); the assignment is ``assign.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core import responsibility
from weijian.core.audit import audit_record
from weijian.core.models import Department, Region, Role
from weijian.core.scope import require_writable, scope_of
from weijian.inspections import catalog
from weijian.inspections.models import (
    GRADES,
    Assignment,
    Draw,
    DrawStatus,
    DrawTarget,
    GradeOverride,
    Plan,
    PlanStatus,
    TargetMode,
)
from weijian.inspections.planning import assign, draw, rules, selectors
from weijian.inspections.planning.record import complete_record
from weijian.registry.models import Institution

PLANNING_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER})
MIN_REASON = 4


class PlanningError(ValueError):
    """Bad input or a step the workflow does not allow; ``field`` names the form field where there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def can_plan(user: Any) -> bool:
    return scope_of(user).role in PLANNING_ROLES


def _require_planner(actor: Any) -> None:
    if not can_plan(actor):
        raise PlanningError(_("您的角色不能制定或抽取随机抽查计划"))


# --------------------------------------------------------------------------- plans


def planner_department(actor: Any, on: dt.date) -> Department:
    """The lead department of a plan the actor makes: their own department, else (a city official without one)
    the 牵头 department of the responsibility list in force."""
    own = getattr(getattr(actor, "profile", None), "department", None)
    if own is not None:
        return own
    lead = [code for code, dept in responsibility.departments(on).items() if dept.lead]
    found = Department.objects.filter(code__in=lead).order_by("code").first()
    if found is None:
        raise PlanningError(_("牵头部门：责任清单中没有牵头部门，请先配置"), field="lead_department")
    return found


def clean_ratios(ratios: Mapping[str, Any] | None, on: dt.date) -> dict[str, str]:
    given = dict(ratios or {})
    unknown = sorted(set(given) - set(GRADES))
    if unknown:
        raise PlanningError(
            _("分级抽查比例：未知的等级 %(items)s（应为 A、B、C、D）") % {"items": _("、").join(unknown)},
            "ratios",
        )
    defaults = rules.default_ratios(on)
    out = {}
    for grade in GRADES:
        try:
            out[grade] = draw.parse_ratio(given.get(grade, defaults[grade]), grade)
        except draw.DrawInputError as exc:
            raise PlanningError(str(exc), f"ratio_{grade}") from None
    return out


def clean_items(codes: Iterable[str], on: dt.date, departments: Sequence[str]) -> list[str]:
    out: list[str] = []
    for raw in codes:
        code = str(raw).strip().upper()
        if not code or code in out:
            continue
        try:
            checked = catalog.item(code, on)
        except catalog.UnknownItem as exc:
            raise PlanningError(str(exc), "item_codes") from None
        if not checked.checklist:
            raise PlanningError(_("抽查事项 %(code)s：没有检查表，不能列入计划") % {"code": code}, "item_codes")
        if checked.mode == "targeted":
            raise PlanningError(
                _("抽查事项 %(code)s（%(name)s）只用于定向检查，不能列入随机抽查计划")
                % {"code": code, "name": checked.name},
                "item_codes",
            )
        if checked.department not in departments:
            raise PlanningError(
                _("抽查事项 %(code)s（%(name)s）由部门 %(department)s 负责：请把该部门列为牵头或联合部门")
                % {"code": code, "name": checked.name, "department": checked.department},
                "joint_departments",
            )
        out.append(code)
    if not out:
        raise PlanningError(_("抽查事项：至少选择一项"), "item_codes")
    return out


def _clean_percent(value: Any, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise PlanningError(
            _("%(label)s：“%(value)s”不是数字") % {"label": label, "value": value}, field
        ) from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise PlanningError(_("%(label)s：应在 0–100%% 之间") % {"label": label}, field)
    return number


def _clean_plan(*, actor: Any, name: str, period_start: dt.date, period_end: dt.date, region: Region,
                lead_department: Department, joint_departments: Sequence[Department], item_codes: Iterable[str],
                ratios: Mapping[str, Any] | None, overall_target: Any, exclusion_months: int | None,
                inspector_capacity: int | None, population: Mapping[str, Any] | None) -> dict[str, Any]:
    name = (name or "").strip()
    if not name:
        raise PlanningError(_("计划名称：必须填写"), "name")
    if period_start is None or period_end is None:
        raise PlanningError(_("实施期：必须填写起止日期"), "period_start")
    if period_end < period_start:
        raise PlanningError(_("实施期止：不能早于实施期起"), "period_end")
    joint = [d for d in joint_departments if d.pk != lead_department.pk]
    departments = [lead_department.code, *sorted(d.code for d in joint)]
    items = clean_items(item_codes, period_start, departments)
    if exclusion_months is not None and not 0 <= int(exclusion_months) <= 60:
        raise PlanningError(_("近期已查排除期：应在 0–60 个月之间"), "exclusion_months")
    if inspector_capacity is not None and int(inspector_capacity) < 1:
        raise PlanningError(_("每名监督员任务上限：至少 1 项"), "inspector_capacity")
    filters = {k: [str(v) for v in (population or {}).get(k) or [] if str(v)] for k in selectors.POPULATION_FILTERS}
    unknown = sorted(set(population or {}) - set(selectors.POPULATION_FILTERS))
    if unknown:
        raise PlanningError(_("抽查对象范围：未知的条件 %(unknown)s") % {"unknown": unknown}, "population")
    return {
        "name": name, "year": period_start.year, "period_start": period_start, "period_end": period_end,
        "region": region, "lead_department": lead_department, "item_codes": items,
        "ratios": clean_ratios(ratios, period_start),
        "overall_target": _clean_percent(overall_target, "overall_target", _("总体抽查比例目标"))
        if overall_target not in (None, "") else Decimal(str(rules.value("overall_target", period_start))),
        "exclusion_months": int(exclusion_months) if exclusion_months is not None
        else int(rules.value("exclusion_months", period_start)),
        "inspector_capacity": int(inspector_capacity) if inspector_capacity else None,
        "population": {k: v for k, v in filters.items() if v},
        "_joint": joint,
    }  # fmt: skip


def _check_population(actor: Any, plan: Plan) -> None:
    if not selectors.eligible_institutions(actor, plan).exists():
        raise PlanningError(_("抽查对象范围：没有符合条件的抽查对象（区域、类别和抽查事项的适用对象）"), "population")


@transaction.atomic
def plan_create(*, actor: Any, name: str, period_start: dt.date, period_end: dt.date, region: Region,
                item_codes: Iterable[str], lead_department: Department | None = None,
                joint_departments: Sequence[Department] = (), ratios: Mapping[str, Any] | None = None,
                overall_target: Any = None, exclusion_months: int | None = None,
                inspector_capacity: int | None = None, population: Mapping[str, Any] | None = None,
                key_target_ids: Iterable[int] = ()) -> Plan:
    """A new plan (草拟); ratios default to the rules data's, each 0–100 %. The lead department is the
    planner's own unless given (:func:`planner_department`)."""
    _require_planner(actor)
    lead_department = lead_department or planner_department(actor, period_start)
    values = _clean_plan(actor=actor, name=name, period_start=period_start, period_end=period_end, region=region,
                         lead_department=lead_department, joint_departments=joint_departments, item_codes=item_codes,
                         ratios=ratios, overall_target=overall_target, exclusion_months=exclusion_months,
                         inspector_capacity=inspector_capacity, population=population)  # fmt: skip
    joint = values.pop("_joint")
    plan = Plan(**values, created_by=actor if getattr(actor, "pk", None) else None)
    require_writable(actor, plan)
    plan.save()
    plan.joint_departments.set(joint)
    _set_key_targets(actor, plan, key_target_ids)
    _check_population(actor, plan)
    audit_record(actor=actor, action="inspections.plan.create", object_type="plan", object_id=plan.pk,
                 data=_plan_data(plan))  # fmt: skip
    return plan


@transaction.atomic
def plan_update(*, actor: Any, plan_id: int, name: str, period_start: dt.date, period_end: dt.date,
                item_codes: Iterable[str], joint_departments: Sequence[Department] = (),
                ratios: Mapping[str, Any] | None = None, overall_target: Any = None,
                exclusion_months: int | None = None, inspector_capacity: int | None = None,
                population: Mapping[str, Any] | None = None, key_target_ids: Iterable[int] = ()) -> Plan:
    """Change a plan before its commitment is published (afterwards its parameters are frozen)."""
    _require_planner(actor)
    plan = _locked_plan(actor, plan_id)
    if plan.status != PlanStatus.DRAFT:
        raise PlanningError(
            _("计划“%(name)s”已%(status)s，参数已冻结，不能修改")
            % {"name": plan.name, "status": plan.get_status_display()}
        )
    values = _clean_plan(actor=actor, name=name, period_start=period_start, period_end=period_end, region=plan.region,
                         lead_department=plan.lead_department, joint_departments=joint_departments,
                         item_codes=item_codes, ratios=ratios, overall_target=overall_target,
                         exclusion_months=exclusion_months, inspector_capacity=inspector_capacity,
                         population=population)  # fmt: skip
    joint = values.pop("_joint")
    for key, val in values.items():
        setattr(plan, key, val)
    require_writable(actor, plan)
    plan.save()
    plan.joint_departments.set(joint)
    _set_key_targets(actor, plan, key_target_ids)
    _check_population(actor, plan)
    audit_record(actor=actor, action="inspections.plan.update", object_type="plan", object_id=plan.pk,
                 data=_plan_data(plan))  # fmt: skip
    return plan


def _set_key_targets(actor: Any, plan: Plan, ids: Iterable[int]) -> None:
    wanted = sorted({int(i) for i in ids})
    found = list(selectors.eligible_institutions(actor, plan).filter(pk__in=wanted))
    missing = sorted(set(wanted) - {i.pk for i in found})
    if missing:
        raise PlanningError(_("重点监管对象：%(missing)s 不在本计划的抽查对象范围内") % {"missing": missing}, "key_targets")
    plan.key_targets.set(found)


def _plan_data(plan: Plan) -> dict[str, Any]:
    return {"name": plan.name, "period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
            "region": plan.region.code, "departments": selectors.plan_departments(plan), "items": plan.item_codes,
            "ratios": plan.ratios, "population": plan.population, "exclusion_months": plan.exclusion_months,
            "key_targets": sorted(plan.key_targets.values_list("pk", flat=True))}  # fmt: skip


def _locked_plan(actor: Any, plan_id: Any) -> Plan:
    plan = selectors.plan_get(actor, plan_id)
    if plan is None:
        raise PlanningError(_("计划 %(plan_id)s 不存在或不在您的数据权限范围内") % {"plan_id": plan_id})
    plan = Plan.objects.select_for_update().select_related("region", "lead_department").get(pk=plan.pk)
    require_writable(actor, plan)
    return plan


@transaction.atomic
def grade_override_set(*, actor: Any, plan_id: int, institution_id: int, grade: str | None, reason: str) -> Plan:
    """Set (or, with no grade, remove) a manager's grade for one target of a draft plan, with a written reason."""
    _require_planner(actor)
    plan = _locked_plan(actor, plan_id)
    if plan.status != PlanStatus.DRAFT:
        raise PlanningError(_("等级调整：计划已公布承诺，不能再调整等级"))
    institution = selectors.eligible_institutions(actor, plan).filter(pk=institution_id).first()
    if institution is None:
        raise PlanningError(
            _("等级调整：对象 %(institution_id)s 不在本计划的抽查对象范围内")
            % {"institution_id": institution_id},
            "institution",
        )
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise PlanningError(_("调整理由：必须填写（至少%(min_reason)s个字）") % {"min_reason": MIN_REASON}, "reason")
    if grade:
        if grade not in GRADES:
            raise PlanningError(_("调整后等级：应为 A、B、C 或 D"), "grade")
        GradeOverride.objects.update_or_create(
            plan=plan, institution=institution,
            defaults={"grade": grade, "reason": reason, "actor": actor if getattr(actor, "pk", None) else None},
        )  # fmt: skip
    else:
        GradeOverride.objects.filter(plan=plan, institution=institution).delete()
    audit_record(actor=actor, action="inspections.plan.grade_override", object_type="plan", object_id=plan.pk,
                 data={"institution": institution.pk, "grade": grade or None, "reason": reason})  # fmt: skip
    return plan


# --------------------------------------------------------------------------- the commitment


def _capacity(plan: Plan) -> int:
    return int(plan.inspector_capacity or rules.value("inspector_capacity", plan.period_start))


def _parameters(plan: Plan, sequence: int, population: selectors.Population) -> dict[str, Any]:
    overrides = [{"id": m.institution.pk, "grade": m.grade, "platform_grade": m.platform_grade,
                  "reason": m.override_reason} for m in population.members if m.override_reason]  # fmt: skip
    on = plan.period_start
    return {
        "algorithm": draw.ALGORITHM,
        "plan": plan.pk,
        "sequence": sequence,
        "as_of": population.as_of.isoformat(),
        "period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
        "region": plan.region.code,
        "departments": selectors.plan_departments(plan),
        "items": list(plan.item_codes),
        "ratios": dict(plan.ratios),
        "exclusion_months": plan.exclusion_months,
        "exclusion_since": population.since.isoformat() if population.since else None,
        "overrides": overrides,
        "min_inspectors": int(rules.value("min_inspectors", on)),
        "capacity": _capacity(plan),
        "rules": {key: rules.resolved(key, on).record() for key in ("min_inspectors", "ungraded_grade")},
        "catalog": [catalog.item_record(code, on) for code in plan.item_codes],
    }


@transaction.atomic
def draw_commit(*, actor: Any, plan_id: int, repeat_reason: str = "") -> Draw:
    """Freeze the population and the parameters and publish the commitment (the secret stays hidden).

    A plan already drawn is drawn again only with a written reason, and only while none of its inspections has
    been dispatched; both draws stay on record (the earlier one is superseded when the new one is drawn)."""
    _require_planner(actor)
    plan = _locked_plan(actor, plan_id)
    if plan.status == PlanStatus.CLOSED:
        raise PlanningError(_("计划已结束，不能再抽取"))
    pending = plan.draws.filter(status=DrawStatus.COMMITTED).first()
    if pending is not None:
        raise PlanningError(_("本计划已公布承诺（第 %(sequence)s 次抽取），请先完成该次抽取") % {"sequence": pending.sequence})
    drawn = plan.draws.filter(status=DrawStatus.DRAWN).order_by("-sequence").first()
    reason = (repeat_reason or "").strip()
    if drawn is not None:
        if len(reason) < MIN_REASON:
            raise PlanningError(
                _("重新抽取理由：本计划已抽取，重新抽取必须写明理由（至少%(min_reason)s个字）")
                % {"min_reason": MIN_REASON},
                "repeat_reason",
            )
        if plan.inspections.filter(target__draw=drawn).exists():
            raise PlanningError(_("本计划的检查任务已派发，不能重新抽取"))
    population = selectors.plan_population(actor, plan, as_of=timezone.localdate())
    counts = population.counts()
    if counts[draw.KEY] + sum(counts[g] for g in GRADES) == 0:
        raise PlanningError(_("抽查对象范围：没有可抽取的对象（均不在范围内或近期已检查）"), "population")
    sequence = (plan.draws.order_by("-sequence").values_list("sequence", flat=True).first() or 0) + 1
    parameters = _parameters(plan, sequence, population)
    candidates = population.candidates()
    pop_hash = draw.population_hash(candidates)
    params_hash = draw.parameters_hash(parameters)
    secret = draw.new_secret()
    now = timezone.now()
    made = Draw.objects.create(
        plan=plan, sequence=sequence, status=DrawStatus.COMMITTED, algorithm=draw.ALGORITHM,
        population_hash=pop_hash, parameters=parameters, commitment=draw.commitment(pop_hash, params_hash, secret),
        secret=secret, committed_at=now, committed_by=actor if getattr(actor, "pk", None) else None,
        repeat_reason=reason if drawn is not None else "",
    )  # fmt: skip
    made.record = _pre_record(plan, made, population, params_hash)
    made.save(update_fields=["record"])
    plan.status = PlanStatus.COMMITTED
    plan.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="inspections.draw.commit", object_type="draw", object_id=made.pk,
                 data={"plan": plan.pk, "sequence": sequence, "commitment": made.commitment,
                       "population_hash": pop_hash, "parameters_hash": params_hash, "counts": counts,
                       "repeat_reason": made.repeat_reason})  # fmt: skip
    return made


def _pre_record(plan: Plan, made: Draw, population: selectors.Population, params_hash: str) -> dict[str, Any]:
    """The published part of the record before the draw: everything except the secret, the public value,
    the seed and the result."""
    return {
        "format": draw.RECORD_FORMAT,
        "algorithm": draw.ALGORITHM,
        "plan": {"id": plan.pk, "name": plan.name, "region": plan.region.code,
                 "lead_department": plan.lead_department.code},
        "sequence": made.sequence,
        "repeat_reason": made.repeat_reason,
        "parameters": made.parameters,
        "parameters_hash": params_hash,
        "population": [{"id": m.institution.pk, "stratum": m.stratum} for m in population.members],
        "population_hash": made.population_hash,
        "institutions": {str(m.institution.pk): {"uscc": m.institution.uscc, "name": m.institution.name,
                                                 "district": m.institution.district.code,
                                                 "grade": m.grade, "platform_grade": m.platform_grade,
                                                 "last_closed": m.last_closed.isoformat() if m.last_closed else None}
                         for m in population.members},
        "previous_round": {str(k): sorted(v) for k, v in sorted(population.previous_round.items())},
        "commitment": made.commitment,
        "committed_at": made.committed_at.isoformat(),
        "secret": None,
        "public_value": None,
        "seed": None,
    }


# --------------------------------------------------------------------------- the draw


def assignment_problem(plan: Plan, record: Mapping[str, Any], targets: Sequence[draw.Selected], seed: str,
                       on: dt.date) -> assign.Problem:
    """The assignment's inputs, read from the registry now (inspectors, conflicts, registrations) and from the
    frozen record (the previous round)."""
    departments = list(record["parameters"]["departments"])
    inspectors = selectors.plan_inspectors(plan, departments)
    institutions = record["institutions"]
    target_ids = [t.id for t in targets]
    start, end = max(on, plan.period_start), plan.period_end
    previous = frozenset((int(i), int(t)) for t, team in record.get("previous_round", {}).items() for i in team
                         if int(t) in set(target_ids))  # fmt: skip
    inspector_ids = [i.pk for i in inspectors]
    needs = tuple(assign.Need(item.code, item.department, frozenset(item.fields)) for item in selectors.plan_items(plan))
    return assign.Problem(
        targets=tuple(assign.Target(t.id, str(institutions[str(t.id)]["district"])) for t in targets),
        officers=tuple(selectors.officer_of(i) for i in inspectors),
        needs=needs,
        departments=tuple(departments),
        min_inspectors=int(record["parameters"]["min_inspectors"]),
        capacity=int(record["parameters"]["capacity"]),
        badge_window=(start, end),
        forbidden={
            assign.CONFLICT: selectors.conflict_pairs(inspector_ids, target_ids, start, end),
            assign.PREVIOUS_ROUND: previous,
            assign.REGISTERED: selectors.registered_pairs(inspectors, target_ids, start, end),
        },
        seed=seed,
    )


@transaction.atomic
def draw_run(*, actor: Any, draw_id: int, public_value: str, witnesses: str = "") -> Draw:
    """Draw the targets of a committed draw with the public value, assign inspectors, reveal the secret."""
    _require_planner(actor)
    made = selectors.draw_get(actor, draw_id)
    if made is None:
        raise PlanningError(_("抽取 %(draw_id)s 不存在或不在您的数据权限范围内") % {"draw_id": draw_id})
    made = Draw.objects.select_for_update().select_related("plan", "plan__region", "plan__lead_department").get(pk=made.pk)
    plan = made.plan
    require_writable(actor, plan)
    if made.status != DrawStatus.COMMITTED:
        raise PlanningError(
            _("第 %(sequence)s 次抽取已%(status)s，不能再次抽取")
            % {"sequence": made.sequence, "status": made.get_status_display()}
        )
    try:
        value = draw.normalise_public_value(public_value)
    except draw.DrawInputError as exc:
        raise PlanningError(str(exc), "public_value") from None
    record = dict(made.record or {})
    population = [draw.Candidate(int(c["id"]), str(c["stratum"])) for c in record["population"]]
    params_hash = draw.parameters_hash(made.parameters)
    seed = draw.derive_seed(made.population_hash, params_hash, made.secret, value)
    targets = draw.select(population, made.parameters["ratios"], seed)
    now = timezone.now()
    problem = assignment_problem(plan, record, targets, seed, timezone.localdate())
    result = assign.solve(problem)
    institutions = record["institutions"]
    rows = DrawTarget.objects.bulk_create([
        DrawTarget(draw=made, institution_id=t.id, mode=TargetMode.KEY if t.stratum == draw.KEY else TargetMode.RANDOM,
                   stratum=t.stratum, grade=str(institutions[str(t.id)]["grade"]), rank=t.rank)
        for t in targets
    ])  # fmt: skip
    by_institution = {row.institution_id: row for row in rows}
    if any(row.pk is None for row in rows):  # backends that do not return keys from bulk_create
        by_institution = {row.institution_id: row for row in made.targets.all()}
    Assignment.objects.bulk_create([
        Assignment(target=by_institution[t], inspector_id=i) for t, team in result.assignment.items() for i in team
    ])  # fmt: skip
    made.record = complete_record(record, secret=made.secret, public_value=value, witnesses=(witnesses or "").strip(),
                                  seed=seed, targets=targets, problem=problem, result=result, drawn_at=now)  # fmt: skip
    made.public_value, made.witnesses, made.seed = value, (witnesses or "").strip(), seed
    made.drawn_at, made.drawn_by = now, actor if getattr(actor, "pk", None) else None
    made.status = DrawStatus.DRAWN
    made.solver_version = f"ortools {result.solver.get('version', '')}"
    made.unstaffed = [b.as_record() for b in result.unstaffed]
    made.save()
    plan.draws.filter(status=DrawStatus.DRAWN).exclude(pk=made.pk).update(status=DrawStatus.SUPERSEDED)
    plan.status = PlanStatus.DRAWN
    plan.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="inspections.draw.run", object_type="draw", object_id=made.pk,
                 data={"plan": plan.pk, "sequence": made.sequence, "seed": seed, "public_value": value,
                       "targets": len(targets), "staffed": len(result.assignment), "unstaffed": len(result.unstaffed),
                       "solver": result.solver})  # fmt: skip
    return made


# --------------------------------------------------------------------------- dispatch


@transaction.atomic
def plan_dispatch(*, actor: Any, draw: Draw) -> int:
    """One inspection per staffed target of a drawn draw, due by the plan's period end (insp-field's
    ``inspection_create`` makes each, with its team and one empty finding per checklist line). Returns how many
    were created; targets that already have their inspection are skipped."""
    from weijian.inspections.services import inspection_create

    _require_planner(actor)
    made = selectors.draw_get(actor, draw.pk)
    if made is None or made.status != DrawStatus.DRAWN:
        raise PlanningError(_("只能为已抽取（且未被重新抽取取代）的抽取派发检查任务"))
    plan = made.plan
    require_writable(actor, plan)
    created = 0
    targets = made.targets.select_related("institution").prefetch_related("assignments__inspector").order_by("pk")
    for target in targets:
        if hasattr(target, "inspection"):
            continue
        team = [a.inspector for a in target.assignments.all()]
        if not team:
            continue
        inspection_create(
            actor=actor, institution=target.institution, department=plan.lead_department,
            item_codes=list(plan.item_codes), mode="key" if target.mode == TargetMode.KEY else "random",
            source_kind="draw", source_id=made.pk, inspectors=team, due_date=plan.period_end, plan=plan, target=target,
        )  # fmt: skip
        created += 1
    audit_record(actor=actor, action="inspections.plan.dispatch", object_type="draw", object_id=made.pk,
                 data={"plan": plan.pk, "inspections": created})  # fmt: skip
    return created


def institution_lookup(ids: Iterable[int]) -> dict[int, Institution]:
    return {i.pk: i for i in Institution.objects.filter(pk__in=list(ids)).select_related("district")}


def draw_record_export(*, actor: Any, made: Draw) -> dict[str, Any]:
    """The draw's public record for download, its export recorded; the secret stays out until the draw is run.

    ``made`` comes from :func:`weijian.inspections.planning.selectors.draw_get`, which holds it to the actor's
    scope."""
    record = dict(made.record or {})
    if made.status == DrawStatus.COMMITTED:
        record["secret"] = None  # never before the draw
    with transaction.atomic():
        audit_record(actor=actor, action="inspections.draw.export", object_type="inspections.draw", object_id=made.pk)
    return record
