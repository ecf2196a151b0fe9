"""The officials' complaint queue and complaint page (scoped). Views parse input and call one selector or service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weijian.complaints import deadlines, selectors, services, validation
from weijian.complaints.errors import ComplaintError
from weijian.complaints.lists import COMPLAINTS
from weijian.core.models import Department
from weijian.core.scope import writable
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
    })  # fmt: skip


def _actions() -> dict[str, Callable[[HttpRequest, int], Any]]:
    return {
        "accept": lambda r, pk: services.complaint_accept(actor=r.user, complaint_id=pk),
        "not_accept": lambda r, pk: services.complaint_not_accept(actor=r.user, complaint_id=pk,
                                                                  reason=r.POST.get("reason", "")),
        "reply": lambda r, pk: services.complaint_reply(actor=r.user, complaint_id=pk, text=r.POST.get("reply", "")),
        "close": lambda r, pk: services.complaint_close(actor=r.user, complaint_id=pk),
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
    }, status=400 if errors else 200)  # fmt: skip


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.photo_get(request.user, pk)
    try:
        handle = evidence.open_stored(found.stored_name)
    except FileNotFoundError:
        return HttpResponse(_("照片文件缺失"), status=404, content_type="text/plain; charset=utf-8")
    response = FileResponse(handle, content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f"inline; filename={found.sha256[:16]}"
    return response
