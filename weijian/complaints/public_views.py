"""The public complaint pages under ``/portal/complaints/``: file (no login, no captcha, rate-limited per
address), the receipt with the tracking code (shown once), and tracking by code.

A form that fails validation comes back with every field as typed and each error beside its field; photos
cannot be put back into a file input by a server, so the page says to choose them again.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from weijian.complaints import codes, public_selectors, ratelimit, rules, selectors, services
from weijian.complaints.errors import ComplaintError
from weijian.complaints.models import ComplaintSource
from weijian.core.models import Region

RECEIPT_KEY = "complaints.receipt"
FIELDS = ("category", "description", "region", "address", "subject_name", "institution", "find",
          "complainant_name", "complainant_phone", "complainant_email", "latitude", "longitude")  # fmt: skip


def _form_context(request: HttpRequest, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    today = timezone.localdate()
    found = public_selectors.institution_search(values.get("find", "")) if values.get("find") else []
    chosen = public_selectors.institution_by_uscc(values.get("institution", ""))
    return {
        "values": values, "errors": errors, "categories": selectors.category_names(today),
        "regions": public_selectors.region_choices(), "found": found, "chosen": chosen,
        "limits": rules.limits(today), "photos_lost": bool(errors) and bool(request.FILES),
        "anonymous": values.get("anonymous") == "1",
    }  # fmt: skip


def _read_photos(request: HttpRequest, limits: rules.Limits) -> list[services.Photo]:
    """The uploads, each read to at most one byte past the size limit (the service names what is wrong)."""
    uploads = request.FILES.getlist("photos")[: limits.max_photos + 1]
    return [services.Photo(u.read(limits.max_photo_bytes + 1), u.name or "") for u in uploads]


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


def complaint_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        values = {"region": request.GET.get("region", ""), "category": request.GET.get("category", "")}
        return _no_store(render(request, "complaints/portal/new.html", _form_context(request, values, {})))
    values = {key: request.POST.get(key, "") for key in FIELDS}
    values["anonymous"] = "1" if request.POST.get("anonymous") else ""
    if request.POST.get("action") == "find":  # look an institution up; keep everything typed
        return _no_store(render(request, "complaints/portal/new.html", _form_context(request, values, {})))
    limits = rules.limits(timezone.localdate())
    address = ratelimit.client_address(request)
    if not (ratelimit.hit(f"web:{address}:h", limit=limits.web_per_hour, window_s=3600)
            and ratelimit.hit(f"web:{address}:d", limit=limits.web_per_day, window_s=86400)):  # fmt: skip
        errors = {"__all__": _("提交过于频繁：同一网络每小时最多提交 %(h)s 件、每天 %(d)s 件，请稍后再试；您填写的内容已保留") % {
            "h": limits.web_per_hour, "d": limits.web_per_day}}  # fmt: skip
        return _no_store(render(request, "complaints/portal/new.html", _form_context(request, values, errors), status=429))
    photos = _read_photos(request, limits)
    region = Region.objects.filter(code=values["region"]).first() if values["region"] else None
    institution = public_selectors.institution_by_uscc(values["institution"])
    try:
        complaint = services.complaint_file(
            actor=request.user, source=ComplaintSource.WEB, description=values["description"], region=region,
            category=values["category"], institution=institution, subject_name=values["subject_name"],
            address=values["address"], latitude=values["latitude"], longitude=values["longitude"],
            anonymous=bool(values["anonymous"]), complainant_name=values["complainant_name"],
            complainant_phone=values["complainant_phone"], complainant_email=values["complainant_email"],
            photos=photos,
        )  # fmt: skip
    except ComplaintError as exc:
        errors = exc.errors
    else:
        request.session[RECEIPT_KEY] = complaint.tracking_code
        return redirect("complaint_portal:receipt")
    return _no_store(render(request, "complaints/portal/new.html", _form_context(request, values, errors), status=400))


def complaint_receipt(request: HttpRequest) -> HttpResponse:
    """The tracking code, shown once: a reload after leaving the page shows only how to track."""
    code = request.session.pop(RECEIPT_KEY, None)
    return _no_store(render(request, "complaints/portal/receipt.html", {"code": codes.display(code) if code else ""}))


def complaint_track(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("code", "").strip()
    context: dict[str, Any] = {"code": raw[:20]}
    if raw:
        try:
            context["tracking"] = selectors.tracking_get(raw)
        except Http404 as exc:  # an unknown or invalid code: said on the page
            context["error"] = str(exc) or _("没有这个查询码的投诉")
    status = 404 if raw and "tracking" not in context else 200
    return _no_store(render(request, "complaints/portal/track.html", context, status=status))


def redirect_to_new(request: HttpRequest) -> HttpResponse:
    return redirect("complaint_portal:new")
