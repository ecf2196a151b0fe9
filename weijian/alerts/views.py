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
from weijian.alerts.lists import WORK_ITEMS
from weijian.alerts.models import ItemStatus, Outcome
from weijian.alerts.people import person_name
from weijian.analytics.registry import RULES
from weijian.core.access_log import access_record
from weijian.core.models import Department
from weijian.core.scope import scope_of
from weijian.core.workdays import CalendarYearUnknown
from weijian.core.xlsx import XLSX_MIME
from weijian.inspections.services import eligible_inspectors
from weijian.registry.models import Inspector
from weijian.registry.selectors import dept_names

LINES_PER_PAGE = 20
FORMS = ("dispose", "assign", "route", "outcome")  # the item page's forms, by their ``action``


def _date(raw: str | None, field: str) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise services.WorkItemError(
            _("%(field)s：日期格式应为 YYYY-MM-DD（%(value)s）") % {"field": field, "value": raw[:20]}, "due_date"
        ) from None


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}-{timezone.localdate():%Y%m%d}.xlsx"
    return response


def _queue(request: HttpRequest) -> tuple[Any, Any]:
    """The queue's validated list state and its work items (a window the calendar cannot count is said, not guessed)."""
    view = request.GET.get("view", "open")
    state = WORK_ITEMS.read(request, view=view if view in selectors.VIEWS else "open")
    values = state.values
    filters = {
        "view": state.kept["view"], "rule_id": values["rule"], "severity": values["severity"],
        "district": values["district"], "q": values["q"], "overdue": values["overdue"] == "1",
        "assignee": values["assignee"], "due": values["due"],
    }  # fmt: skip
    try:
        qs = selectors.item_queue(request.user, **filters)
    except CalendarYearUnknown as exc:
        messages.warning(request, str(exc))
        state.values["due"] = None
        qs = selectors.item_queue(request.user, **{**filters, "due": None})
    return state, qs


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _bulk(request)
    state, qs = _queue(request)
    if request.GET.get("format") == "xlsx":
        return _xlsx(item_queue_export(actor=request.user, queryset=state.order(qs), query=request.GET.dict()),
                     "alert-items")  # fmt: skip
    view = state.kept["view"]
    can_bulk = services.can_dispose(request.user) and view in ("open", "mine")
    return render(
        request,
        "alerts/queue.html",
        {
            "listing": state.page(qs, select=("items", "bulk") if can_bulk else None), "view": view,
            "counts": selectors.item_counts(request.user), "today": timezone.localdate(),
            "can_bulk": can_bulk, "can_route": services.can_route(request.user),
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
    return render(request, "alerts/detail.html", _detail_context(request, item))


def _detail_context(request: HttpRequest, item: Any) -> dict[str, Any]:
    lines = selectors.item_lines(request.user, item)
    presenter = Presenter(mask=not sees_personal_data(request.user, item), dept_names=dept_names())
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    first = page.object_list[0] if page.object_list else None
    views = [(line, presenter.line(line)) for line in page.object_list]
    if presenter.shown_personal:  # the access log: who saw which patients' data unmasked
        access_record(actor=request.user, action="alerts.item.detail", object_type="alerts.workitem", object_id=item.pk,
                      fields=sorted(presenter.shown_personal), data={"page": page.number, "lines": len(views)})  # fmt: skip
    rule = RULES.get(item.rule_id)
    en = english()
    today = timezone.localdate()
    can_assign = services.can_assign(request.user) and not item.finished and not item.in_triage
    return {
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
        "scope_role": scope_of(request.user).role, "form_errors": {}, "posted": {},
    }  # fmt: skip


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
        if exc.field and action in FORMS:  # beside its field, with what was typed and chosen kept
            context = _detail_context(request, item)
            context.update(form_errors={action: {exc.field: str(exc)}}, posted={action: post})
            return render(request, "alerts/detail.html", context)
        messages.error(request, str(exc))
    return redirect("alerts:detail", pk=item.pk)


@login_required
def lines_export(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(request.user, pk)
    presenter = Presenter(mask=not sees_personal_data(request.user, item), dept_names=dept_names())
    content = item_lines_export(
        actor=request.user, item=item, lines=selectors.item_lines(request.user, item), presenter=presenter
    )
    if presenter.shown_personal:  # unmasked in the workbook: the access log too (the export is in the audit chain)
        access_record(actor=request.user, action="alerts.item.lines_export", object_type="alerts.workitem",
                      object_id=item.pk, fields=sorted(presenter.shown_personal))  # fmt: skip
    return _xlsx(content, f"alert-item-{item.pk}-lines")

