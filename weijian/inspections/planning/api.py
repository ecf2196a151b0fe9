"""Planning endpoints (read only): plans, draws and the draw record. Out-of-scope records answer 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from weijian.inspections.models import DrawStatus
from weijian.inspections.planning import selectors, services

router = Router(tags=["random inspections"])


class PlanFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class PlanOut(Schema):
    id: int
    name: str
    year: int
    period_start: dt.date
    period_end: dt.date
    region_code: str
    lead_department: str
    joint_departments: list[str]
    item_codes: list[str]
    ratios: dict[str, str]
    overall_target: float | None
    exclusion_months: int
    status: str
    draws: list[int]


class PlanPage(Schema):
    count: int
    items: list[PlanOut]


class DrawOut(Schema):
    id: int
    plan: int
    sequence: int
    status: str
    algorithm: str
    commitment: str
    population_hash: str
    committed_at: dt.datetime
    public_value: str | None
    seed: str | None
    drawn_at: dt.datetime | None
    repeat_reason: str
    solver_version: str
    targets: int
    unstaffed: list[dict[str, Any]]


def _plan_out(plan: Any) -> dict[str, Any]:
    return {
        "id": plan.pk, "name": plan.name, "year": plan.year, "period_start": plan.period_start,
        "period_end": plan.period_end, "region_code": plan.region.code, "lead_department": plan.lead_department.code,
        "joint_departments": sorted(d.code for d in plan.joint_departments.all()), "item_codes": plan.item_codes,
        "ratios": plan.ratios, "overall_target": float(plan.overall_target) if plan.overall_target is not None else None,
        "exclusion_months": plan.exclusion_months, "status": plan.status,
        "draws": [d.pk for d in plan.draws.order_by("sequence")],
    }  # fmt: skip


@router.get("/plans", response=PlanPage, summary=gettext_lazy("随机抽查计划列表"))
def plans(request: HttpRequest, filters: Query[PlanFilter]) -> dict[str, Any]:
    qs = selectors.plan_list(request.user)
    if filters.year:
        qs = qs.filter(year=filters.year)
    return {"count": qs.count(), "items": [_plan_out(p) for p in qs[filters.offset : filters.offset + filters.limit]]}


@router.get("/plans/{pk}", response=PlanOut, summary=gettext_lazy("随机抽查计划"))
def plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = selectors.plan_get(request.user, pk)
    if found is None:
        raise HttpError(404, _("计划不存在或不在您的数据权限范围内"))
    return _plan_out(found)


def _draw(request: HttpRequest, pk: int) -> Any:
    found = selectors.draw_get(request.user, pk)
    if found is None:
        raise HttpError(404, _("抽取不存在或不在您的数据权限范围内"))
    return found


@router.get("/draws/{pk}", response=DrawOut, summary=gettext_lazy("一次抽取（承诺、种子、结果概要）"))
def draw(request: HttpRequest, pk: int) -> dict[str, Any]:
    d = _draw(request, pk)
    drawn = d.status != DrawStatus.COMMITTED
    return {
        "id": d.pk, "plan": d.plan_id, "sequence": d.sequence, "status": d.status, "algorithm": d.algorithm,
        "commitment": d.commitment, "population_hash": d.population_hash, "committed_at": d.committed_at,
        "public_value": d.public_value or None, "seed": d.seed or None, "drawn_at": d.drawn_at,
        "repeat_reason": d.repeat_reason, "solver_version": d.solver_version,
        "targets": d.targets.count() if drawn else 0, "unstaffed": d.unstaffed or [],
    }  # fmt: skip


@router.get("/draws/{pk}/record", summary=gettext_lazy("抽取记录（JSON，可用 weijian draw verify 复核）"))
def draw_record(request: HttpRequest, pk: int) -> dict[str, Any]:
    return services.draw_record_export(actor=request.user, made=_draw(request, pk))
