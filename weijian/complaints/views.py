"""The officials' complaint queue and complaint page (scoped). Views parse input and call one selector or service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weijian.complaints import codes, deadlines, public_selectors, rules, selectors, services, validation
from weijian.complaints.errors import ComplaintError
from weijian.complaints.lists import COMPLAINTS
from weijian.complaints.models import ComplaintChannel, ComplaintSource
from weijian.core.access_log import access_record
from weijian.core.models import Department, Region
from weijian.core.scope import OutOfScope, scope_of, writable
from weijian.core.selectors import districts_in_scope
from weijian.inspections import evidence


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "open")
    state = COMPLAINTS.read(request, view=view if view in selectors.VIEWS else "open")
    values = state.values
    qs = selectors.complaint_list(request.user, view=state.kept["view"], status=values["status"],
                                  category=values["category"], district=values["district"], q=values["q"])  # fmt: skip
    listing = state.page(qs)
    for row in listing.rows:
        row.due_state = deadlines.running_state(row) if row.is_open else ""
    return render(request, "complaints/staff/queue.html", {
        "listing": listing, "view": state.kept["view"], "can_route": services.may_route(request.user),
        "can_enter": scope_of(request.user).role in services.STAFF_ENTRY_ROLES,
    })  # fmt: skip


ENTRY_FIELDS = ("channel", "category", "description", "region", "address", "subject_name", "institution", "find",
                "complainant_name", "complainant_phone", "complainant_email")  # fmt: skip


def _entry_context(values: dict[str, str], errors: dict[str, str], photos_lost: bool = False) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "values": values, "errors": errors, "channels": ComplaintChannel.choices,
        "categories": selectors.category_names(today), "regions": public_selectors.region_choices(),
        "found": public_selectors.institution_search(values.get("find", "")) if values.get("find") else [],
        "chosen": public_selectors.institution_by_uscc(values.get("institution", "")), "limits": rules.limits(today),
        "anonymous": values.get("anonymous") == "1", "photos_lost": photos_lost,
    }  # fmt: skip


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """Staff entry of a complaint received by telephone, in person or by letter: the same service as the public form
    (routing, duplicate linking, tracking code), with the channel; the tracking code is shown to give the caller."""
    if scope_of(request.user).role not in services.STAFF_ENTRY_ROLES:
        raise Http404()
    if request.method != "POST":
        values = {"channel": request.GET.get("channel", ""), "region": request.GET.get("region", "")}
        return render(request, "complaints/staff/new.html", _entry_context(values, {}))
    values = {key: request.POST.get(key, "") for key in ENTRY_FIELDS}
    values["anonymous"] = "1" if request.POST.get("anonymous") else ""
    if request.POST.get("action") == "find":  # look an institution up; keep everything typed
        return render(request, "complaints/staff/new.html", _entry_context(values, {}))
    limits = rules.limits(timezone.localdate())
    uploads = request.FILES.getlist("photos")[: limits.max_photos + 1]
    photos = [services.Photo(u.read(limits.max_photo_bytes + 1), u.name or "") for u in uploads]
    region = Region.objects.filter(code=values["region"]).first() if values["region"] else None
    try:
        complaint = services.complaint_file(
            actor=request.user, source=ComplaintSource.STAFF, channel=values["channel"],
            description=values["description"], region=region, category=values["category"],
            institution=public_selectors.institution_by_uscc(values["institution"]),
            subject_name=values["subject_name"], address=values["address"], anonymous=bool(values["anonymous"]),
            complainant_name=values["complainant_name"], complainant_phone=values["complainant_phone"],
            complainant_email=values["complainant_email"], photos=photos,
        )  # fmt: skip
    except ComplaintError as exc:
        errors = exc.errors
    except OutOfScope:  # routed outside the entering office's scope
        errors = {"region": _("发生地：该投诉将分派到您的数据权限范围以外，请由市级或所在区录入")}
    else:
        messages.success(request, _("已录入。请告知投诉人查询码：%(code)s") % {"code": codes.display(complaint.tracking_code)})
        return redirect("complaints:detail", pk=complaint.pk)
    context = _entry_context(values, errors, photos_lost=bool(photos))
    return render(request, "complaints/staff/new.html", context, status=400)


def _actions() -> dict[str, Callable[[HttpRequest, int], Any]]:
    return {
        "accept": lambda r, pk: services.complaint_accept(actor=r.user, complaint_id=pk),
        "not_accept": lambda r, pk: services.complaint_not_accept(actor=r.user, complaint_id=pk,
                                                                  reason=r.POST.get("reason", "")),
        "reply": lambda r, pk: services.complaint_reply(actor=r.user, complaint_id=pk, text=r.POST.get("reply", "")),
        "close": lambda r, pk: services.complaint_close(actor=r.user, complaint_id=pk),
        "extend": lambda r, pk: services.complaint_extend(actor=r.user, complaint_id=pk,
                                                          days=r.POST.get("extension_days", ""),
                                                          reason=r.POST.get("extension_reason", ""),
                                                          approver=r.POST.get("extension_approver", "")),
        "to_clue": lambda r, pk: services.complaint_to_clue(actor=r.user, complaint_id=pk,
                                                            facts=r.POST.get("facts", "")),
        "duplicate": lambda r, pk: services.complaint_link_duplicate(actor=r.user, complaint_id=pk,
                                                                     original_code=r.POST.get("original", "")),
        "route": lambda r, pk: services.complaint_route(
            actor=r.user, complaint_id=pk, department_code=r.POST.get("department", ""),
            district_code=r.POST.get("district", ""), category=r.POST.get("category", ""),
            note=r.POST.get("note", "")),
    }  # fmt: skip


DONE = {"accept": gettext_lazy("已受理"), "not_accept": gettext_lazy("已决定不予受理"), "reply": gettext_lazy("已保存答复"), "close": gettext_lazy("已办结"),
        "extend": gettext_lazy("已延长答复期限"),
        "to_clue": gettext_lazy("已转为案源线索"), "duplicate": gettext_lazy("已标记为重复投诉"), "route": gettext_lazy("已分派")}  # fmt: skip


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(request.user, pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        handler = _actions().get(action)
        if handler is None:
            errors["__all__"] = _("操作：%(action)s 不是可用的操作") % {"action": action[:30]}
        else:
            try:
                handler(request, pk)
            except ComplaintError as exc:
                errors = exc.errors
            else:
                messages.success(request, str(DONE[action]))
                return redirect("complaints:detail", pk=pk)
        complaint = selectors.complaint_get(request.user, pk)
    return render(request, "complaints/staff/detail.html", {
        "complaint": complaint, "deadlines": deadlines.complaint_deadlines(complaint), "errors": errors,
        "posted": request.POST if errors else {}, "related": selectors.complaint_related(request.user, complaint),
        "photos": list(complaint.photos.all()), "can_route": services.may_route(request.user),
        "departments": Department.objects.all(), "districts": districts_in_scope(request.user),
        "categories": selectors.category_names(), "phone": validation.mask_phone(complaint.complainant_phone),
        "writable": writable(request.user, complaint),
        "can_extend": services.may_extend(request.user, complaint),
        "extension_limit": deadlines.extension_limit(timezone.localdate()),
    }, status=400 if errors else 200)  # fmt: skip


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.photo_get(request.user, pk)
    try:
        handle = evidence.open_stored(found.stored_name)
    except FileNotFoundError:
        return HttpResponse(_("照片文件缺失"), status=404, content_type="text/plain; charset=utf-8")
    access_record(actor=request.user, action="complaints.photo.file", object_type="complaints.photo",
                  object_id=found.pk, fields=["file"], data={"complaint": found.complaint_id, "sha256": found.sha256})  # fmt: skip
    response = FileResponse(handle, content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f"inline; filename={found.sha256[:16]}"
    return response
