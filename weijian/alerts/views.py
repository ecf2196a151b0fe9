"""The work-item queue and the item page. Views parse input and call one selector or service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.alerts import selectors, services
from weijian.alerts.disclosure import sees_personal_data
from weijian.alerts.evidence import Presenter, english
from weijian.alerts.exports import item_lines_export, item_queue_export
from weijian.alerts.models import ItemStatus, Outcome, Severity
from weijian.alerts.people import person_name
from weijian.analytics.registry import RULES
from weijian.core.models import Department
from weijian.core.scope import scope_of
from weijian.core.selectors import districts_in_scope
from weijian.core.xlsx import XLSX_MIME
from weijian.inspections.services import eligible_inspectors
from weijian.registry.models import Inspector
from weijian.registry.selectors import dept_names

LINES_PER_PAGE = 20


def _date(raw: str | None, field: str) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise services.WorkItemError(f"{field}：日期格式应为 YYYY-MM-DD（{raw[:20]}）") from None


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}-{timezone.localdate():%Y%m%d}.xlsx"
    return response


def _queue_filters(request: HttpRequest) -> dict[str, Any]:
    view = request.GET.get("view", "open")
    return {
        "view": view if view in selectors.VIEWS else "open",
        "rule_id": request.GET.get("rule") or None,
        "severity": request.GET.get("severity") if request.GET.get("severity") in Severity.values else None,
        "district": request.GET.get("district") or None,
        "q": (request.GET.get("q") or "")[:100] or None,
        "overdue": request.GET.get("overdue") == "1",
    }


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _bulk(request)
    filters = _queue_filters(request)
    qs = selectors.item_queue(request.user, **filters)
    if request.GET.get("format") == "xlsx":
        return _xlsx(item_queue_export(actor=request.user, queryset=qs, query=request.GET.dict()), "alert-items")
    can_dispose = services.can_dispose(request.user)
    return render(
        request,
        "alerts/queue.html",
        {
            "page": Paginator(qs, 30).get_page(request.GET.get("page")), "params": request.GET, "view": filters["view"],
            "counts": selectors.item_counts(request.user), "severities": Severity.choices,
            "rules": selectors.item_rule_counts(request.user, filters["view"]),
            "districts": districts_in_scope(request.user), "today": timezone.localdate(), "exportable": True,
            "can_bulk": can_dispose and filters["view"] in ("open", "mine"), "can_route": services.can_route(request.user),
            "choices": [(s.value, s.label) for s in services.DISPOSALS_ORDER], "en": english(),
        },
    )  # fmt: skip


def _bulk(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("back", "")
    target = "alerts:queue"
    try:
        done = services.work_items_dispose(
            actor=request.user, item_ids=request.POST.getlist("items"), status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""), due_date=_date(request.POST.get("due_date"), _("结果期限")),
        )  # fmt: skip
    except services.WorkItemError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已批量处置 %(n)d 个工作项") % {"n": len(done)})
    response = redirect(target)
    if back.startswith("?"):  # the queue's filters, rebuilt (a forged value cannot inject a header)
        response["Location"] += "?" + QueryDict(back[1:]).urlencode()
    return response


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(request.user, pk)
    if request.method == "POST":
        return _act(request, item)
    lines = selectors.item_lines(request.user, item)
    presenter = Presenter(mask=not sees_personal_data(request.user, item), dept_names=dept_names())
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    first = page.object_list[0] if page.object_list else None
    views = [(line, presenter.line(line)) for line in page.object_list]
    rule = RULES.get(item.rule_id)
    en = english()
    today = timezone.localdate()
    can_assign = services.can_assign(request.user) and not item.finished and not item.in_triage
    return render(
        request,
        "alerts/detail.html",
        {
            "item": item, "rule": rule, "rule_name": (rule.name_en if en and rule else item.rule_name),
            "required": presenter.required(item.rule_id, first.threshold if first else None,
                                           first.evidence if first else None),
            "value_label": presenter.value_label(item.rule_id), "page": page,
            "lines": views, "params": request.GET, "masked_any": presenter.masked_any,
            "has_values": any(view.value for _, view in views), "history": selectors.item_history(item), "rules_used": selectors.item_rules_used(item),
            "today": today, "overdue": item.is_overdue(today),
            "can_dispose": item.status == ItemStatus.OPEN and not item.in_triage and services.may_work_on(request.user, item),
            "can_outcome": item.awaiting_outcome and services.may_work_on(request.user, item),
            "can_assign": can_assign, "can_route": services.can_route(request.user) and item.status == ItemStatus.OPEN,
            "candidates": [(u.pk, person_name(u)) for u in services.eligible_assignees(item)] if can_assign else [],
            "departments": Department.objects.all() if services.can_route(request.user) else [],
            "choices": [(s.value, s.label) for s in services.DISPOSALS_ORDER], "outcomes": Outcome.choices,
            "team_choices": eligible_inspectors(department=item.department, region_code=item.region.code
                                                if item.region_id else None) if item.status == ItemStatus.OPEN else [],
            "assignee": person_name(item.assignee), "assigned_by": person_name(item.assigned_by),
            "disposed_by": person_name(item.disposed_by), "outcome_by": person_name(item.outcome_by),
            "scope_role": scope_of(request.user).role,
        },
    )  # fmt: skip


def _inspectors(raw: list[str]) -> list[Inspector]:
    """The team chosen for a targeted inspection (the service checks each is in the disposer's scope)."""
    ids = [int(v) for v in raw if str(v).isdigit()]
    return list(Inspector.objects.filter(pk__in=ids).order_by("pk")) if ids else []


def _act(request: HttpRequest, item: Any) -> HttpResponse:
    action = request.POST.get("action", "")
    post = request.POST
    try:
        if action == "dispose":
            services.work_item_dispose(
                actor=request.user, item_id=item.pk, status=post.get("status", ""), reason=post.get("reason", ""),
                due_date=_date(post.get("due_date"), _("结果期限")), inspectors=_inspectors(post.getlist("inspectors")),
            )  # fmt: skip
            messages.success(request, _("已处置"))
        elif action == "assign":
            services.work_item_assign(
                actor=request.user, item_id=item.pk, assignee_id=post.get("assignee"),
                due_date=_date(post.get("due_date"), _("承办期限")),
            )  # fmt: skip
            messages.success(request, _("已指派"))
        elif action == "route":
            services.work_item_route(
                actor=request.user, item_id=item.pk, department_code=post.get("department", ""), note=post.get("note", "")
            )
            messages.success(request, _("已分派"))
        elif action == "outcome":
            services.work_item_record_outcome(
                actor=request.user, item_id=item.pk, outcome=post.get("outcome", ""), note=post.get("note", "")
            )
            messages.success(request, _("已登记查处结果"))
        else:
            messages.error(request, _("未知的操作"))
    except services.WorkItemError as exc:
        messages.error(request, str(exc))
    return redirect("alerts:detail", pk=item.pk)


@login_required
def lines_export(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(request.user, pk)
    presenter = Presenter(mask=not sees_personal_data(request.user, item), dept_names=dept_names())
    content = item_lines_export(
        actor=request.user, item=item, lines=selectors.item_lines(request.user, item), presenter=presenter
    )
    return _xlsx(content, f"alert-item-{item.pk}-lines")

