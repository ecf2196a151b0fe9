"""Planning pages: plan list, plan page, plan form, commitment, draw, draw page, record download, figures.
Views parse the request and call selectors and services; no business logic here."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weijian.core.selectors import regions_writable
from weijian.inspections.models import GRADES, DrawStatus, Plan, PlanStatus
from weijian.inspections.planning import draw, figures, selectors, services
from weijian.inspections.planning.forms import DrawForm, OverrideForm, PlanForm
from weijian.registry.models import Institution


def _plan_or_404(request: HttpRequest, pk: int) -> Plan:
    plan = selectors.plan_get(request.user, pk)
    if plan is None:
        raise Http404
    return plan


def _planner(request: HttpRequest) -> None:
    if not services.can_plan(request.user):
        raise PermissionDenied


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plan_list(request.user)
    return render(request, "inspections/planning/plan_list.html",
                  {"plans": plans[:200], "can_plan": services.can_plan(request.user)})  # fmt: skip


def _form_values(form: PlanForm) -> dict[str, Any]:
    data = form.cleaned_data
    keys = [line.strip() for line in (data.get("key_targets") or "").replace(",", "\n").splitlines() if line.strip()]
    key_ids = list(Institution.objects.filter(uscc__in=keys).values_list("pk", flat=True))
    unknown = sorted(set(keys) - set(Institution.objects.filter(uscc__in=keys).values_list("uscc", flat=True)))
    if unknown:
        raise services.PlanningError(
            _("重点监管对象：主体库中没有 %(codes)s") % {"codes": _("、").join(unknown)}, "key_targets"
        )
    return {
        "name": data["name"], "period_start": data["period_start"], "period_end": data["period_end"],
        "item_codes": data["item_codes"], "joint_departments": list(data.get("joint_departments") or []),
        "ratios": {g: data[f"ratio_{g}"] for g in GRADES}, "overall_target": data.get("overall_target"),
        "exclusion_months": data["exclusion_months"], "inspector_capacity": data.get("inspector_capacity"),
        "population": {"kinds": data.get("kinds") or [], "ownership": data.get("ownership") or []},
        "key_target_ids": key_ids,
    }  # fmt: skip


def _attach(form: PlanForm, exc: services.PlanningError) -> None:
    field = exc.field if exc.field in form.fields else None
    if exc.field == "population":
        field = "kinds"
    form.add_error(field, str(exc))


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    today = timezone.localdate()
    regions = regions_writable(request.user).filter(level__in=("city", "district")).order_by("code")
    form = PlanForm(request.POST or None, regions=regions, on=today, initial=PlanForm.initial_for(today))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, region=form.cleaned_data["region"], **_form_values(form))
        except services.PlanningError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("计划已创建"))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "inspections/planning/plan_form.html", {"form": form, "plan": None})


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    _planner(request)
    regions = regions_writable(request.user).filter(pk=plan.region_id)
    form = PlanForm(request.POST or None, regions=regions, on=plan.period_start, lead=plan.lead_department,
                    initial=PlanForm.initial_from(plan))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan_id=plan.pk, **_form_values(form))
        except services.PlanningError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("计划已保存"))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "inspections/planning/plan_form.html", {"form": form, "plan": plan})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    overview = selectors.plan_overview(request.user, plan)
    pending = next((d for d in overview.draws if d.status == DrawStatus.COMMITTED), None)
    rows = [(g, overview.counts[g], plan.ratios.get(g, ""), overview.achieved.per_grade[g][0]) for g in GRADES]
    return render(request, "inspections/planning/plan_detail.html", {
        "plan": plan, "o": overview, "rows": rows, "pending": pending, "can_plan": services.can_plan(request.user),
        "draw_form": DrawForm(), "editable": plan.status == PlanStatus.DRAFT,
        "repeat": any(d.status == DrawStatus.DRAWN for d in overview.draws),
    })  # fmt: skip


@login_required
@require_POST
def plan_commit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    _planner(request)
    try:
        made = services.draw_commit(actor=request.user, plan_id=plan.pk, repeat_reason=request.POST.get("repeat_reason", ""))
    except services.PlanningError as exc:
        messages.error(request, str(exc))
        return redirect("plans:detail", pk=plan.pk)
    messages.success(request, _("承诺已公布：%(c)s") % {"c": made.commitment})
    return redirect("plans:draw", pk=made.pk)


@login_required
@require_POST
def plan_override(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    _planner(request)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("等级调整：请填写对象、等级和理由"))
        return redirect("plans:detail", pk=plan.pk)
    try:
        services.grade_override_set(actor=request.user, plan_id=plan.pk, institution_id=form.cleaned_data["institution"],
                                    grade=form.cleaned_data["grade"] or None, reason=form.cleaned_data["reason"])  # fmt: skip
    except services.PlanningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("等级调整已保存"))
    return redirect("plans:detail", pk=plan.pk)


def _draw_or_404(request: HttpRequest, pk: int) -> Any:
    made = selectors.draw_get(request.user, pk)
    if made is None:
        raise Http404
    return made


@login_required
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    made = _draw_or_404(request, pk)
    record = made.record or {}
    targets = list(selectors.draw_targets(request.user, made)) if made.status != DrawStatus.COMMITTED else []
    strata = [(s, [t for t in targets if t.stratum == s]) for s in (draw.KEY, *GRADES)]
    unstaffed = record.get("unstaffed", [])
    names = record.get("institutions", {})
    from weijian.inspections.planning.assign import BLOCK_LABELS
    from weijian.registry.models import Inspector

    excluded = record.get("excluded_inspectors", [])
    people = {i.pk: i for i in Inspector.objects.filter(pk__in=[e["id"] for e in excluded])}
    return render(request, "inspections/planning/draw_detail.html", {
        "d": made, "plan": made.plan, "strata": [(s, ts) for s, ts in strata if ts],
        "unstaffed": [{**b, "name": names.get(str(b["id"]), {}).get("name", b["id"]),
                       "label": _(BLOCK_LABELS.get(b["constraint"], b["constraint"]))} for b in unstaffed],
        "excluded": [(people.get(e["id"]), e["reason"]) for e in excluded],
        "form": DrawForm(), "can_plan": services.can_plan(request.user),
        "parameters_hash": record.get("parameters_hash"),
    })  # fmt: skip


@login_required
@require_POST
def draw_run(request: HttpRequest, pk: int) -> HttpResponse:
    made = _draw_or_404(request, pk)
    _planner(request)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("公开随机值：必须填写"))
        return redirect("plans:draw", pk=made.pk)
    try:
        services.draw_run(actor=request.user, draw_id=made.pk, public_value=form.cleaned_data["public_value"],
                          witnesses=form.cleaned_data["witnesses"])  # fmt: skip
    except services.PlanningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("抽取完成"))
    return redirect("plans:draw", pk=made.pk)


@login_required
def draw_record(request: HttpRequest, pk: int) -> HttpResponse:
    made = _draw_or_404(request, pk)
    record = services.draw_record_export(actor=request.user, made=made)
    response = HttpResponse(json.dumps(record, ensure_ascii=False, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="draw-{made.plan_id}-{made.sequence}.json"'
    return response


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("year") or ""
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    plans = list(selectors.plan_list(request.user).filter(year=year)[:50])
    rows = []
    for plan in plans:
        current = plan.draws.filter(status=DrawStatus.DRAWN).order_by("-sequence").first()
        if current is None:
            continue
        rows.append({"plan": plan, "draw": current, "grades": figures.ratio_achieved(current),
                     "inspectors": figures.inspections_per_inspector(current)[:20],
                     "measured": figures.measured(request.user, current)})  # fmt: skip
    return render(request, "inspections/planning/figures.html",
                  {"year": year, "coverage": figures.catalog_coverage(request.user, year), "rows": rows})  # fmt: skip
