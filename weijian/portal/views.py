"""The public portal (一公开): no login, mobile first, cacheable for a few minutes. Views call one selector."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from weijian.core.xlsx import XLSX_MIME
from weijian.portal import disclosure, exports, selectors, windows

MAX_AGE = 300  # seconds a public cache may keep a portal page


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Cacheable by anyone for a few minutes, per language cookie (signed-in users still get no-store)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


@public
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {
        "plans": list(selectors.public_plans()[:5]), "results": list(selectors.public_results()[:10]),
        "penalties": list(disclosure.public_penalties()[:5]),
    })  # fmt: skip


@public
def plan_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_plans(), 20).get_page(request.GET.get("page"))
    return render(request, "portal/plans.html", {"page": page})


@public
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.public_plan(pk)
    return render(request, "portal/plan.html", {
        "plan": plan, "items": selectors.item_names(plan.item_codes, plan.period_start),
        "draws": selectors.plan_draws(plan),
    })  # fmt: skip


@public
def result_list(request: HttpRequest) -> HttpResponse:
    results = selectors.public_results()
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(exports.results_export(results), content_type=XLSX_MIME)
        response["Content-Disposition"] = f"attachment; filename=inspection-results-{timezone.localdate():%Y%m%d}.xlsx"
        return response
    return render(request, "portal/results.html", {"page": Paginator(results, 30).get_page(request.GET.get("page"))})


@public
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.public_result(pk)
    on = timezone.localtime(inspection.created_at).date()
    return render(request, "portal/result.html", {
        "inspection": inspection, "items": selectors.item_names(inspection.item_codes, on),
        "counts": selectors.result_counts(inspection), "inspectors": selectors.public_inspectors(inspection),
    })  # fmt: skip


@public
def penalty_list(request: HttpRequest) -> HttpResponse:
    """行政处罚信息公示: only what is published and still in its window; search by name or 文号, filters, pager."""
    params = {k: request.GET.get(k, "").strip()[:100] for k in ("q", "district", "year")}
    penalties = disclosure.public_penalties(q=params["q"], district=params["district"], year=params["year"])
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return render(request, "portal/penalties.html", {
        "page": Paginator(penalties, 20).get_page(request.GET.get("page")), "params": params, "query": query,
        "districts": disclosure.public_districts(), "years": disclosure.public_years(),
        "publish_days": windows.working_days(timezone.localdate())[0],
    })  # fmt: skip


@public
def penalty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One published penalty with its 双公示 fields; once withdrawn or past its period, a notice without them (410)."""
    found, shown = disclosure.public_penalty(pk)
    if not shown:
        return render(request, "portal/penalty_gone.html", {"disclosure": found}, status=410)
    return render(request, "portal/penalty.html", {"disclosure": found, "fields": disclosure.shown_fields(found)})


@login_required
def penalty_office(request: HttpRequest) -> HttpResponse:
    """Staff: the disclosures of their scope — late ones, those past their period, withdrawn, not published."""
    view = request.GET.get("view", "late")
    view = view if view in disclosure.STAFF_VIEWS else "late"
    page = Paginator(disclosure.disclosure_list(request.user, view), 30).get_page(request.GET.get("page"))
    publish_days, withdraw_days = windows.working_days(timezone.localdate())
    return render(request, "portal/penalty_office.html", {
        "page": page, "view": view, "views": disclosure.STAFF_VIEWS.items(), "publish_days": publish_days,
        "withdraw_days": withdraw_days,
    })  # fmt: skip
