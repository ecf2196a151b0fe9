"""Inspectors' pages (my tasks, the inspection with its checklist line by line, photos, confirmation with a
signature) and the managers' publication page (due / overdue, publish one or many, on-time rate).

Views parse input and call one selector or service. A checklist line is saved on its own (``finding``): the page
posts it with ``fetch`` and keeps what was typed (in the page and in the browser's storage) when the answer is an
error or the network is gone; without JavaScript the same form posts and the page comes back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weijian.clues.selectors import clues_of_source
from weijian.core.access_log import access_record
from weijian.core.scope import scope_of
from weijian.inspections import evidence, publication, selectors, services
from weijian.inspections.models import FindingOutcome, InspectionResult, InspectionStatus

PER_PAGE = 30


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _uploads(request: HttpRequest, name: str) -> list[services.Upload]:
    """The files of a field, read within the evidence size limit (refused with the field named)."""
    out = []
    for upload in request.FILES.getlist(name):
        data = evidence.read_upload(upload, size=upload.size, field=_("照片（%(name)s）") % {"name": upload.name[:60]})
        out.append(services.Upload(upload.name, data))
    return out


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """我的检查任务: the user's inspections by tab; officials without an 执法人员 record see their scope's list."""
    view = request.GET.get("view", "assigned")
    view = view if view in selectors.TASK_VIEWS else "assigned"
    mine = services.inspector_of(request.user) is not None
    qs = selectors.my_tasks(request.user, view) if mine else selectors.inspection_list(
        request.user, status=request.GET.get("status") or None
    )
    return render(request, "inspections/tasks.html", {
        "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), "view": view, "mine": mine,
        "today": timezone.localdate(), "statuses": InspectionStatus.choices, "params": request.GET,
        "tabs": _tabs(request.user) if mine else [],
    })  # fmt: skip


def _tabs(user: Any) -> list[tuple[str, str, int | None]]:
    counts = selectors.my_task_counts(user)
    labels = [("assigned", _("待检查")), ("in_progress", _("检查中")), ("confirm", _("待我确认")),
              ("overdue", _("已超期")), ("closed", _("已办结"))]  # fmt: skip
    return [(key, label, counts.get(key)) for key, label in labels]


def _detail_context(request: HttpRequest, inspection: Any) -> dict[str, Any]:
    user = request.user
    member = services.membership(user, inspection)
    members = selectors.inspection_members(user, inspection)
    lines = selectors.inspection_lines(user, inspection)
    submitted = inspection.status == InspectionStatus.SUBMITTED
    all_confirmed = bool(members) and all(m.confirmed_at for m in members)
    today = timezone.localdate()
    return {
        "inspection": inspection, "lines": lines, "members": members, "member": member,
        "filled": sum(1 for line in lines if line.finding.outcome), "outcomes": FindingOutcome.choices,
        "can_edit": member is not None and inspection.status in services.OPEN_STATUSES,
        "can_confirm": member is not None and submitted and member.confirmed_at is None,
        "can_close": submitted and all_confirmed and (member is not None or services.can_manage(user)),
        "results": InspectionResult.choices, "suggested": services.suggested_result(inspection),
        "signature_required": publication.signature_required(today), "today": today,
        "overdue": inspection.due_date is not None and inspection.status in selectors.OPEN and inspection.due_date < today,
        "signatures": selectors.inspection_signatures(user, inspection),
        "clues": clues_of_source(user, source_kind="inspection", source_id=inspection.pk),
        "can_clue": inspection.status == InspectionStatus.CLOSED and (member is not None or services.can_manage(user)),
        "can_publish": services.can_manage(user) and inspection.status == InspectionStatus.CLOSED
                       and inspection.published_at is None,
        "role": scope_of(user).role, "team_short": services.team_short(inspection),
        "team_choices": [i for i in services.eligible_inspectors(
            department=inspection.department, region_code=inspection.institution.district.code)
            if i.pk not in {m.inspector_id for m in members}]
        if services.can_manage(user) and inspection.status in services.OPEN_STATUSES else [],
    }  # fmt: skip


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(request.user, pk)
    if request.method == "POST":
        return _act(request, inspection)
    # Photos come from the device's own camera app through <input capture>: no camera permission is needed.
    return render(request, "inspections/detail.html", _detail_context(request, inspection))


def _act(request: HttpRequest, inspection: Any) -> HttpResponse:
    action = request.POST.get("action", "")
    post = request.POST
    try:
        if action == "submit":
            services.inspection_submit(actor=request.user, inspection_id=inspection.pk)
            messages.success(request, _("检查表已提交，请检查人员逐一确认"))
        elif action == "confirm":
            services.inspection_confirm(actor=request.user, inspection_id=inspection.pk,
                                        signature=post.get("signature") or None)  # fmt: skip
            messages.success(request, _("已确认"))
        elif action == "close":
            services.inspection_close(actor=request.user, inspection_id=inspection.pk, result=post.get("result", ""),
                                      note=post.get("note", ""))  # fmt: skip
            messages.success(request, _("检查已办结，结果待公示"))
        elif action == "clue":
            clue = services.clue_from_finding(actor=request.user, inspection_id=inspection.pk,
                                              item_code=post.get("item_code", ""), line_no=post.get("line_no", ""))  # fmt: skip
            messages.success(request, _("已转为案源线索 %(number)s") % {"number": clue.number})
        elif action == "member":
            services.inspection_member_add(actor=request.user, inspection_id=inspection.pk,
                                           inspector_id=post.get("inspector"))  # fmt: skip
            messages.success(request, _("已加入检查组"))
        elif action == "publish":
            services.inspection_publish(actor=request.user, inspection_id=inspection.pk)
            messages.success(request, _("检查结果已公示"))
        else:
            messages.error(request, _("未知的操作"))
    except services.InspectionError as exc:
        messages.error(request, str(exc))
    return redirect("inspections:detail", pk=inspection.pk)


@login_required
@require_POST
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one checklist line (JSON answer for the page's script; redirect back without it)."""
    inspection = selectors.inspection_get(request.user, pk)
    post = request.POST
    try:
        saved = services.finding_record(
            actor=request.user, inspection_id=inspection.pk, item_code=post.get("item_code", ""),
            line_no=post.get("line_no", ""), outcome=post.get("outcome", ""), note=post.get("note", ""),
            problems=post.getlist("problems"), photos=_uploads(request, "photos"),
        )  # fmt: skip
    except (services.InspectionError, evidence.EvidenceError) as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": str(exc)}, status=400)
        messages.error(request, str(exc))
        return redirect("inspections:detail", pk=inspection.pk)
    if _wants_json(request):
        return JsonResponse({"ok": True, "outcome": saved.outcome, "outcome_label": saved.get_outcome_display(),
                             "photos": saved.attachments.count()})  # fmt: skip
    messages.success(request, _("已保存 %(item)s 第 %(line)s 项") % {"item": saved.item_code, "line": saved.line_no})
    return redirect(reverse("inspections:detail", args=[inspection.pk]) + f"#line-{saved.item_code}-{saved.line_no}")


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored photo or signature, only to those whose scope holds its inspection; never cached."""
    found = selectors.attachment_get(request.user, pk)
    try:
        handle = evidence.open_stored(found.stored_name)
    except OSError:
        raise Http404(_("附件文件不存在")) from None
    access_record(actor=request.user, action="inspections.attachment.file", object_type="inspections.attachment",
                  object_id=found.pk, fields=["file"], data={"sha256": found.sha256})  # fmt: skip
    response = FileResponse(handle, content_type=found.content_type)
    response["Content-Disposition"] = f"inline; filename=attachment-{found.pk}"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
def publication_page(request: HttpRequest) -> HttpResponse:
    """一公开: results due and overdue for publication, publish one or many, the on-time publication rate."""
    if request.method == "POST":
        try:
            done = services.inspections_publish(actor=request.user, inspection_ids=request.POST.getlist("inspections"))
        except services.InspectionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已公示 %(n)d 项检查结果") % {"n": len(done)})
        return redirect("inspections:publication")
    view = request.GET.get("view", "due")
    view = view if view in selectors.PUBLICATION_VIEWS else "due"
    qs = selectors.publication_queue(request.user, view)
    return render(request, "inspections/publication.html", {
        "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), "view": view,
        "figures": selectors.publication_figures(request.user), "today": timezone.localdate(),
        "can_publish": services.can_manage(request.user) and view != "published",
        "tabs": [(key, label, selectors.publication_queue(request.user, key).count())
                 for key, label in (("due", _("待公示")), ("overdue", _("已超期未公示")), ("published", _("已公示")))],
    })  # fmt: skip
