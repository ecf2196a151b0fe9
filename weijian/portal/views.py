"""The public portal (一公开): no login, mobile first, cacheable for a few minutes. Views call one selector."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from weijian.core.xlsx import XLSX_MIME
from weijian.portal import exports, selectors

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
