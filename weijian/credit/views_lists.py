"""Pages of the credit lists, joint-punishment tasks, credit repair, the cross-region review and the exchange.
Views parse input and call one selector or service; every read goes through ``scoped()``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weijian.core.models import Role
from weijian.core.scope import OutOfScope, scope_of, scoped, writable
from weijian.core.xlsx import XLSX_MIME
from weijian.credit import list_notice, lists, repair
from weijian.credit.exchange import crossregion, export, imports
from weijian.credit.exchange import repairs as repair_results
from weijian.credit.lists_pages import ENTRIES, REPAIRS, REVIEWS, TASKS
from weijian.credit.models_lists import ListKind
from weijian.documents.selectors import documents_of
from weijian.registry.imports.readers import ImportFileError
from weijian.registry.models import Institution, Practitioner

ERRORS = (lists.ListError, repair.RepairError, crossregion.ReviewError)
MAX_UPLOAD = 20_000_000


def _attach(rows: Any, link: Callable[[Any], str], label: Callable[[Any], str]) -> None:
    for row in rows:
        row.link, row.link_text = link(row), label(row)


@login_required
def entries(request: HttpRequest) -> HttpResponse:
    state = ENTRIES.read(request)
    values = state.values
    qs = lists.entry_list(request.user, list_kind=values["list_kind"], view=values["view"] or "active",
                          q=values["q"] or "")  # fmt: skip
    listing = state.page(qs)
    _attach(listing.rows, lambda e: reverse("credit:entry", args=[e.pk]), lambda e: e.subject_name)
    return render(request, "credit_lists/entries.html", {
        "listing": listing, "can_propose": scope_of(request.user).role == Role.CITY_ADMIN,
    })  # fmt: skip


@login_required
def entry_new(request: HttpRequest) -> HttpResponse:
    if scope_of(request.user).role != Role.CITY_ADMIN:
        raise PermissionDenied(_("信用名单由市级卫生健康监督机构管理"))
    error = ""
    if request.method == "POST":
        post = request.POST
        try:
            institution = scoped(request.user, Institution.objects.filter(uscc=post.get("uscc", "").strip().upper())).first() \
                if post.get("uscc") else None  # fmt: skip
            practitioner = scoped(request.user, Practitioner.objects.filter(cert_no=post.get("cert_no", "").strip())).first() \
                if post.get("cert_no") else None  # fmt: skip
            if post.get("uscc") and institution is None:
                raise lists.ListError(_("统一社会信用代码：主体库中没有该机构"))
            if post.get("cert_no") and practitioner is None:
                raise lists.ListError(_("执业证书编码：人员库中没有该执业人员"))
            entry = lists.list_entry_propose(
                actor=request.user, list_kind=post.get("list_kind", ""), rule_code=post.get("rule_code", ""),
                institution=institution, practitioner=practitioner, person_name=post.get("person_name", ""),
                person_id=post.get("person_id", ""), police_measure=post.get("police_measure", ""),
                police_document=post.get("police_document", ""), facts=post.get("facts", ""),
            )  # fmt: skip
        except ERRORS as exc:
            error = str(exc)
        else:
            messages.success(request, _("已告知当事人，待陈述申辩"))
            return redirect("credit:entry", pk=entry.pk)
    today = timezone.localdate()
    rules = {kind: lists.entry_rules(kind, today) for kind in ListKind.values}
    return render(request, "credit_lists/entry_new.html", {"rules": rules, "error": error, "posted": request.POST},
                  status=400 if error else 200)  # fmt: skip


def _entry_actions() -> dict[str, Callable[[HttpRequest, Any], Any]]:
    return {
        "defend": lambda r, e: lists.list_entry_defend(actor=r.user, entry=e, text=r.POST.get("text", "")),
        "enter": lambda r, e: lists.list_entry_decide(actor=r.user, entry=e, enter=True, reasons=r.POST.get("reasons", "")),
        "drop": lambda r, e: lists.list_entry_decide(actor=r.user, entry=e, enter=False, reasons=r.POST.get("reasons", "")),
        "exit": lambda r, e: lists.list_entry_exit(actor=r.user, entry=e, reason=r.POST.get("reason", "")),
        "notice": lambda r, e: list_notice.list_notice_issue(actor=r.user, entry=e),
    }  # fmt: skip


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    found = lists.entry_detail(request.user, pk)
    error = ""
    if request.method == "POST":
        handler = _entry_actions().get(request.POST.get("action", ""))
        if handler is None:
            error = _("操作：不是可用的操作")
        else:
            try:
                handler(request, found)
            except ERRORS as exc:
                error = str(exc)
            else:
                notice = request.POST.get("action") == "notice"
                messages.success(request, _("已出具列入告知书") if notice else _("已保存"))
                return redirect("credit:entry", pk=pk)
    is_city = scope_of(request.user).role == Role.CITY_ADMIN
    return render(request, "credit_lists/entry.html", {
        "entry": found, "active": lists.is_active(found), "error": error, "tasks": list(found.tasks.select_related("department")),
        "records": list(found.records.all()), "decidable_from": lists.decidable_from(found), "is_city": is_city,
        "notices": list(documents_of(request.user, found).filter(kind=list_notice.KIND)),
        "posted": request.POST if error else {},
    }, status=400 if error else 200)  # fmt: skip


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    state = TASKS.read(request)
    listing = state.page(lists.task_list(request.user, status=state.values["status"]))
    _attach(listing.rows, lambda t: reverse("credit:entry", args=[t.entry_id]), lambda t: t.entry.subject_name)
    for task in listing.rows:  # the button only where the user's department may record it (the guard decides)
        task.can_mark = writable(request.user, task)
    return render(request, "credit_lists/tasks.html", {"listing": listing})


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    found = lists.task_list(request.user, status=None).filter(pk=pk).first()
    if found is None:
        raise OutOfScope()
    try:
        lists.joint_task_done(actor=request.user, task=found, note=request.POST.get("note", ""))
    except lists.ListError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已记录落实情况"))
    return redirect("credit:tasks")


@login_required
def repairs(request: HttpRequest) -> HttpResponse:
    state = REPAIRS.read(request)
    listing = state.page(repair.request_list(request.user, status=state.values["status"]))
    _attach(listing.rows, lambda r: reverse("credit:repair", args=[r.pk]),
            lambda r: f"{r.disclosure.decision_number} {r.disclosure.party_name}")  # fmt: skip
    today = timezone.localdate()
    own = []
    if scope_of(request.user).role == Role.INSTITUTION_USER:
        for d in repair.own_disclosures(request.user)[:50]:
            first, reason = repair.possible_from(d, today)
            own.append({"disclosure": d, "from": first, "reason": reason})
    return render(request, "credit_lists/repairs.html", {"listing": listing, "own": own})


@login_required
def repair_new(request: HttpRequest, disclosure_pk: int) -> HttpResponse:
    target = repair.repairable_for(request.user, disclosure_pk)
    first, reason = repair.possible_from(target)
    error = ""
    if request.method == "POST":
        try:
            made = repair.repair_request_file(
                actor=request.user, disclosure=target, correction=request.POST.get("correction", ""),
                obligations_done=request.POST.get("obligations_done") == "1",
                commitment=request.POST.get("commitment", ""),
            )  # fmt: skip
        except repair.RepairError as exc:
            error = str(exc)
        else:
            messages.success(request, _("信用修复申请已提交"))
            return redirect("credit:repair", pk=made.pk)
    return render(request, "credit_lists/repair_new.html", {
        "disclosure": target, "from": first, "reason": reason, "error": error, "posted": request.POST,
    }, status=400 if error else 200)  # fmt: skip


@login_required
def repair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = repair.request_detail(request.user, pk)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("approve", "refuse"):
            error = _("操作：不是可用的操作")
        else:
            try:
                repair.repair_request_decide(actor=request.user, request=found, approve=action == "approve",
                                             reasons=request.POST.get("reasons", ""))  # fmt: skip
            except repair.RepairError as exc:
                error = str(exc)
            else:
                messages.success(request, _("已作出决定并生成告知书"))
                return redirect("credit:repair", pk=pk)
    return render(request, "credit_lists/repair.html", {
        "request_": found, "error": error, "can_review": scope_of(request.user).role in repair.REVIEWERS,
    }, status=400 if error else 200)  # fmt: skip


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    state = REVIEWS.read(request)
    listing = state.page(crossregion.review_list(request.user, status=state.values["status"]))
    _attach(listing.rows, lambda r: reverse("credit:review", args=[r.pk]), lambda r: r.subject_label)
    return render(request, "credit_lists/reviews.html", {"listing": listing})


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    found = crossregion.review_detail(request.user, pk)
    error = ""
    if request.method == "POST":
        try:
            crossregion.cross_region_dispose(actor=request.user, review=found, refer=request.POST.get("action") == "refer",
                                             reason=request.POST.get("reason", ""))  # fmt: skip
        except crossregion.ReviewError as exc:
            error = str(exc)
        else:
            messages.success(request, _("已保存审查意见"))
            return redirect("credit:review", pk=pk)
    return render(request, "credit_lists/review.html", {"review": found, "error": error},
                  status=400 if error else 200)  # fmt: skip


def _download(table: tuple[list[str], Any], fmt: str, title: str, name: str) -> HttpResponse:
    headers, rows = table
    stamp = f"{timezone.localdate():%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(export.as_xlsx(title, headers, rows), content_type=XLSX_MIME)
        response["Content-Disposition"] = f"attachment; filename={name}-{stamp}.xlsx"
    else:
        response = HttpResponse(export.as_csv(headers, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f"attachment; filename={name}-{stamp}.csv"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_penalties(request: HttpRequest) -> HttpResponse:
    return _download(export.penalty_table(request.user), request.GET.get("format", "csv"), _("行政处罚"), "penalties")


@login_required
def export_lists(request: HttpRequest) -> HttpResponse:
    return _download(export.list_table(request.user), request.GET.get("format", "csv"), _("信用名单"), "credit-lists")


@login_required
def import_records(request: HttpRequest) -> HttpResponse:
    result, error = None, ""
    content = "repairs" if request.POST.get("content") == "repairs" else "records"
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("文件：请选择要导入的 xlsx 或 CSV 文件")
        elif upload.size and upload.size > MAX_UPLOAD:
            error = _("文件：超过 %(n)d 字节") % {"n": MAX_UPLOAD}
        else:
            run = repair_results.import_repairs if content == "repairs" else imports.import_records
            try:
                result = run(data=upload.read(), filename=upload.name or "upload", actor=request.user)
            except ImportFileError as exc:
                error = str(exc)
    return render(request, "credit_lists/import.html", {
        "result": result, "error": error, "columns": imports.SPEC.columns, "repair_columns": repair_results.SPEC.columns,
        "content": content, "today": dt.date.today(),
    }, status=400 if error else 200)  # fmt: skip
