"""Case pages: the queue, the case (timeline, parties, handlers, evidence, deadlines, transfers, the actions its
state allows), registration from a clue, the decision with the discretion suggestion, the partner inbox of
transfers and the city's 督办 list. Views parse input and call one selector or service; a refused form comes back
with what was typed and the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weijian.cases import selectors, services, transfers
from weijian.cases.models import CaseEvidence, TransferStatus
from weijian.cases.states import TRANSITIONS, CaseOutcome, CaseState, TransitionRefused, allowed_verbs
from weijian.clues.models import ClueStatus
from weijian.clues.selectors import clue_get
from weijian.clues.services import clue_set_status
from weijian.core.access_log import access_record
from weijian.core.lists import Column, Filter, ListSpec
from weijian.core.models import Department, Role
from weijian.core.scope import OutOfScope, scope_of, scoped, writable
from weijian.inspections import evidence as store
from weijian.registry.models import Inspector

CASES = ListSpec(
    columns=(
        Column("number", gettext_lazy("案号"), sort=("number",), cell="cases/cells/number.html", title=True),
        Column("cause", gettext_lazy("案由"), sort=("cause",)),
        Column("state", gettext_lazy("状态"), sort=("state",)),
        Column("region", gettext_lazy("管辖区域"), attr="region.name", sort=("region__code",)),
        Column("registered_on", gettext_lazy("立案日期"), sort=("registered_on",)),
    ),
    filters=(
        Filter("q", gettext_lazy("搜索"), kind="search", placeholder=gettext_lazy("案号、案由或当事人")),
        Filter("state", gettext_lazy("状态"), choices=CaseState.choices),
        Filter("due", gettext_lazy("期限"), choices=(("soon", gettext_lazy("即将到期")), ("overdue", gettext_lazy("已超期")))),
    ),
    default_sort="-registered_on",
)
WRITING = (Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR)


def _day(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise services.CaseError(_("%(field)s：日期格式应为 YYYY-MM-DD") % {"field": field}) from None


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    state = CASES.read(request)
    qs = selectors.case_list(request.user, state=state.values["state"], q=state.values["q"], due=state.values["due"])
    return render(request, "cases/queue.html", {"listing": state.page(qs)})


def _can_write(request: HttpRequest, case: Any) -> bool:
    return scope_of(request.user).role in WRITING and writable(request.user, case)


def _detail_context(request: HttpRequest, case: Any, posted: Any = None) -> dict[str, Any]:
    can_write = _can_write(request, case)
    verbs = [TRANSITIONS[v] for v in allowed_verbs(case.state)] if can_write else []
    return {
        "case": case, "deadlines": selectors.case_deadlines(case), "transfers": selectors.case_transfers(case),
        "parties": list(case.parties.select_related("institution")),
        "handlers": list(case.handlers.select_related("inspector", "inspector__department")),
        "team": list(case.team.select_related("inspector", "inspector__department")),
        "evidence": list(case.evidence.all()), "timeline": selectors.case_timeline(case),
        "supervisions": list(case.supervisions.all()), "verbs": verbs, "can_write": can_write,
        "outcomes": CaseOutcome.choices, "posted": posted or {},
        "departments": Department.objects.exclude(pk=case.department_id).order_by("code"),
        "is_city": scope_of(request.user).role == Role.CITY_ADMIN,
        "evidence_kinds": CaseEvidence.Kind.choices,
    }  # fmt: skip


def _actions() -> dict[str, Callable[[HttpRequest, Any], Any]]:
    def post(request: HttpRequest, name: str) -> str:
        return request.POST.get(name, "")

    return {
        "investigate": lambda r, c: services.case_investigate(actor=r.user, case=c),
        "request_hearing": lambda r, c: services.case_request_hearing(
            actor=r.user, case=c, requested_on=_day(post(r, "requested_on"), _("申请听证日期"))),
        "schedule_hearing": lambda r, c: services.case_schedule_hearing(
            actor=r.user, case=c, hearing_on=_day(post(r, "hearing_on"), _("听证日期")) or _missing(_("听证日期"))),
        "hold_hearing": lambda r, c: services.case_hold_hearing(actor=r.user, case=c, record=post(r, "text")),
        "legal_review": lambda r, c: services.case_legal_review(actor=r.user, case=c, opinion=post(r, "text")),
        "discuss": lambda r, c: services.case_discuss(actor=r.user, case=c, minutes=post(r, "text")),
        "extend": lambda r, c: services.case_extend(actor=r.user, case=c, reason=post(r, "text")),
        "serve": lambda r, c: services.case_serve(actor=r.user, case=c, served_on=_day(post(r, "day"), _("送达日期"))),
        "pay": lambda r, c: services.case_pay(actor=r.user, case=c, amount=post(r, "amount"),
                                              paid_on=_day(post(r, "day"), _("缴款日期")) or _missing(_("缴款日期"))),
        "enforce": lambda r, c: services.case_enforce(actor=r.user, case=c, note=post(r, "text")),
        "close": lambda r, c: services.case_close(actor=r.user, case=c, outcome=post(r, "outcome"), note=post(r, "text")),
        "withdraw": lambda r, c: services.case_withdraw(actor=r.user, case=c, reason=post(r, "text")),
        "overturn": lambda r, c: services.case_overturn(actor=r.user, case=c, overturned_on=_day(post(r, "day"), _("日期")),
                                                        basis=post(r, "text")),
        "transfer_out": lambda r, c: transfers.case_transfer_out(actor=r.user, case=c,
                                                                  department_code=post(r, "department"), note=post(r, "text")),
        "refer": lambda r, c: transfers.case_refer(actor=r.user, case=c, department_code=post(r, "department"),
                                                   note=post(r, "text")),
        "transfer_crime": lambda r, c: transfers.case_transfer_crime(actor=r.user, case=c, note=post(r, "text")),
        "crime_returned": lambda r, c: transfers.case_crime_returned(actor=r.user, case=c, note=post(r, "text")),
        "party": lambda r, c: services.case_add_party(actor=r.user, case=c, name=post(r, "name"),
                                                      address=post(r, "address"), kind=post(r, "kind")),
        "supervise": lambda r, c: transfers.supervision_start(actor=r.user, case=c, reason=post(r, "text")),
    }  # fmt: skip


def _missing(field: str) -> Any:
    raise services.CaseError(_("%(field)s：必须填写") % {"field": field})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, pk)
    if request.method != "POST":
        return render(request, "cases/detail.html", _detail_context(request, case))
    action = request.POST.get("action", "")
    try:
        if action == "evidence":
            upload = request.FILES.get("file")
            if upload is None:
                raise services.CaseError(_("证据文件：请选择文件"))
            data = store.read_upload(upload, size=upload.size, field=_("证据文件"))
            services.case_add_evidence(actor=request.user, case=case, data=data, kind=request.POST.get("kind", ""),
                                       note=request.POST.get("note", ""))  # fmt: skip
        elif action in _actions():
            _actions()[action](request, case)
        else:
            raise services.CaseError(_("操作：%(action)s 不是已知的操作") % {"action": action[:40]})
    except (TransitionRefused, store.EvidenceError) as exc:
        messages.error(request, str(exc))
        return render(request, "cases/detail.html", _detail_context(request, case, request.POST), status=400)
    messages.success(request, _("已保存"))
    return redirect("cases:detail", pk=case.pk)


def _decision_values(request: HttpRequest, case: Any) -> dict[str, Any]:
    source = request.POST if request.method == "POST" else request.GET
    kinds = source.getlist("kinds") or list(case.penalty_kinds)
    return {"violation_code": source.get("violation_code", case.violation_code), "kinds": kinds,
            "circumstance": source.get("circumstance", case.circumstance),
            "fine": source.get("fine", "" if case.fine is None else str(case.fine)),
            "illegal_income": source.get("illegal_income", "" if case.illegal_income is None else str(case.illegal_income)),
            "departure_reason": source.get("departure_reason", "")}  # fmt: skip


@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision form: the discretion table's suggestion for the facts entered, then the decision."""
    case = selectors.case_get(request.user, pk)
    values = _decision_values(request, case)
    status = 200
    if request.method == "POST":
        if not _can_write(request, case):
            raise OutOfScope()
        try:
            services.case_decide(actor=request.user, case=case, **values)
            messages.success(request, _("已作出行政处罚决定"))
            return redirect("cases:detail", pk=case.pk)
        except TransitionRefused as exc:
            messages.error(request, str(exc))
            status = 400
    suggestion, check, problem = selectors.decision_preview(case, values)
    module = services.parts.discretion()
    return render(request, "cases/decide.html", {
        "case": case, "values": values, "suggestion": suggestion, "check": check, "problem": problem,
        "kinds": [(k, module.kind_label(k)) for k in module.PENALTY_KINDS] if module else [],
        "circumstances": [(c, module.circumstance_label(c)) for c in module.CIRCUMSTANCES] if module else [],
        "violations": selectors.violation_choices(), "can_write": _can_write(request, case),
        "notify_allowed": "notify" in allowed_verbs(case.state), "decide_allowed": "decide" in allowed_verbs(case.state),
    }, status=status)  # fmt: skip


@login_required
def notify(request: HttpRequest, pk: int) -> HttpResponse:
    """事先告知 from the decision form's facts (POST only)."""
    case = selectors.case_get(request.user, pk)
    if request.method != "POST" or not _can_write(request, case):
        raise Http404()
    values = _decision_values(request, case)
    try:
        services.case_notify(actor=request.user, case=case, violation_code=values["violation_code"],
                             circumstance=values["circumstance"], kinds=values["kinds"], fine=values["fine"],
                             illegal_income=values["illegal_income"])  # fmt: skip
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return redirect("cases:decide", pk=case.pk)
    messages.success(request, _("已事先告知"))
    return redirect("cases:detail", pk=case.pk)


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """立案 or 不予立案 on a clue."""
    clue = clue_get(request.user, pk)
    officers = scoped(request.user, Inspector.objects.filter(department=clue.department, active=True)).order_by("name")
    posted: Any = request.POST if request.method == "POST" else {}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "verify":
                clue_set_status(actor=request.user, clue=clue, status=ClueStatus.VERIFYING)
                messages.success(request, _("已开始核查"))
                return redirect("cases:register", pk=clue.pk)
            if request.POST.get("action") == "not_register":
                services.case_not_register(actor=request.user, clue=clue, reason=request.POST.get("reason", ""))
                messages.success(request, _("已记录不予立案"))
                return redirect("clues:detail", pk=clue.pk)
            ids = [int(v) for v in request.POST.getlist("handlers") if v.isdigit()]
            case = services.case_register(actor=request.user, clue=clue, cause=request.POST.get("cause", ""),
                                          handler_ids=ids, violation_code=request.POST.get("violation_code", ""),
                                          facts=request.POST.get("facts", ""),
                                          representative=request.POST.get("representative", ""))  # fmt: skip
            messages.success(request, _("已立案"))
            return redirect("cases:detail", pk=case.pk)
        except (TransitionRefused, ValueError) as exc:
            messages.error(request, str(exc))
            status = 400
    chosen = {int(v) for v in (posted.getlist("handlers") if posted else []) if v.isdigit()}
    return render(request, "cases/register.html", {
        "clue": clue, "officers": officers[:200], "posted": posted, "chosen": chosen,
        "existing": selectors.case_for_clue(request.user, clue),
    }, status=status)  # fmt: skip


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    item = selectors.evidence_get(request.user, pk)
    try:
        handle = store.open_stored(item.stored_name)
    except FileNotFoundError:
        raise Http404() from None
    access_record(actor=request.user, action="cases.evidence.file", object_type="cases.evidence", object_id=item.pk,
                  fields=["file"], data={"case": item.case_id, "sha256": item.sha256})  # fmt: skip
    return FileResponse(handle, content_type=item.content_type)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    qs = selectors.transfer_inbox(request.user, status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [(t, selectors.transfer_deadlines(t)) for t in page.object_list]
    return render(request, "cases/inbox.html", {"page": page, "rows": rows, "statuses": TransferStatus.choices,
                                                "status": status})  # fmt: skip


@login_required
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.transfer_get(request.user, pk)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        text = request.POST.get("text", "")
        try:
            if action == "receive":
                transfers.transfer_receive(actor=request.user, transfer=found)
            elif action == "accept":
                transfers.transfer_accept(actor=request.user, transfer=found)
            elif action == "refuse":
                transfers.transfer_refuse(actor=request.user, transfer=found, reason=text)
            elif action == "answer":
                transfers.transfer_answer(actor=request.user, transfer=found, result=text)
            else:
                raise services.CaseError(_("操作：%(action)s 不是已知的操作") % {"action": action[:40]})
            messages.success(request, _("已保存"))
            return redirect("cases:transfer", pk=found.pk)
        except (TransitionRefused, ValueError) as exc:
            messages.error(request, str(exc))
            status = 400
    return render(request, "cases/transfer.html", {
        "transfer": found, "deadlines": selectors.transfer_deadlines(found), "posted": request.POST,
        "can_work": scope_of(request.user).role in (*WRITING, Role.PARTNER_OFFICER) and writable(request.user, found),
    }, status=status)  # fmt: skip


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    qs = selectors.supervision_list(request.user, open_only=request.GET.get("all") != "1")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [(s, selectors.supervision_deadlines(s)) for s in page.object_list]
    return render(request, "cases/supervision.html", {"page": page, "rows": rows})


@login_required
def supervision_act(request: HttpRequest, pk: int) -> HttpResponse:
    """A report on a 督办 (the district) or its lifting (the city), POST only."""
    from weijian.cases.models import Supervision

    found = scoped(request.user, Supervision.objects.filter(pk=pk)).first()
    if found is None or request.method != "POST":
        raise Http404()
    try:
        if request.POST.get("action") == "lift":
            transfers.supervision_lift(actor=request.user, supervision=found, note=request.POST.get("text", ""))
        else:
            transfers.supervision_report(actor=request.user, supervision=found, text=request.POST.get("text", ""))
        messages.success(request, _("已保存"))
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    return redirect("cases:detail", pk=found.case_id)
