"""Registry pages. Views parse the request and call selectors/services; no business logic here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from weijian.core.models import Department
from weijian.core.scope import can_edit_registry
from weijian.core.selectors import districts_in_scope
from weijian.core.xlsx import XLSX_MIME
from weijian.registry import exports, selectors
from weijian.registry.imports.readers import ImportFileError, Limits
from weijian.registry.imports.service import import_upload
from weijian.registry.imports.specs import SPECS
from weijian.registry.models import (
    Inspector,
    Institution,
    InstitutionKind,
    InstitutionLevel,
    InstitutionStatus,
    Practitioner,
    PractitionerKind,
    PractitionerStatus,
    Sector,
)

PAGE_SIZE = 30


def _page(request: HttpRequest, qs: QuerySet[Any]) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _xlsx(request: HttpRequest, model: type, qs: QuerySet[Any], title: str) -> HttpResponse:
    content = exports.list_export(actor=request.user, model=model, queryset=qs, title=title, query=request.GET.dict())
    response = HttpResponse(content, content_type=XLSX_MIME)
    stamp = dt.date.today().strftime("%Y%m%d")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{model.__name__.lower()}-{stamp}.xlsx"
    return response


def _clean(value: str | None, allowed: Any) -> str | None:
    return value if value in set(allowed) else None


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    qs = selectors.institution_list(
        request.user,
        q=q,
        district=request.GET.get("district") or None,
        kind=_clean(request.GET.get("kind"), InstitutionKind.values),
        status=_clean(request.GET.get("status"), InstitutionStatus.values),
        level=_clean(request.GET.get("level"), InstitutionLevel.values),
        licence=_clean(request.GET.get("licence"), ("expired", "expiring")),
        sector=_clean(request.GET.get("sector"), Sector.values),
    )
    if request.GET.get("format") == "xlsx":
        return _xlsx(request, Institution, qs, "医疗机构")
    return render(
        request,
        "registry/institution_list.html",
        {
            "page": _page(request, qs), "q": q, "districts": districts_in_scope(request.user), "kinds": InstitutionKind.choices,
            "sectors": Sector.choices, "statuses": InstitutionStatus.choices, "levels": InstitutionLevel.choices, "params": request.GET, "exportable": True,
        },
    )  # fmt: skip


@login_required
def institution_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    institution = selectors.institution_get(request.user, uscc)
    names = selectors.dept_names()
    today = dt.date.today()
    depts = [
        {"label": selectors.dept_label(d.dept_code, names), "dept": d,
         "valid": d.valid_from <= today and (d.valid_to is None or today <= d.valid_to)}
        for d in institution.depts.all()
    ]  # fmt: skip
    return render(
        request,
        "registry/institution_detail.html",
        {"i": institution, "depts": depts, "registrations": list(institution.registrations.all()), "today": today},
    )


@login_required
def practitioner_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    qs = selectors.practitioner_list(
        request.user,
        q=q,
        kind=_clean(request.GET.get("kind"), PractitionerKind.values),
        status=_clean(request.GET.get("status"), PractitionerStatus.values),
    )
    if request.GET.get("format") == "xlsx":
        return _xlsx(request, Practitioner, qs, "执业人员")
    return render(
        request,
        "registry/practitioner_list.html",
        {"page": _page(request, qs), "q": q, "kinds": PractitionerKind.choices, "statuses": PractitionerStatus.choices,
         "params": request.GET, "exportable": True},
    )  # fmt: skip


@login_required
def practitioner_detail(request: HttpRequest, cert_no: str) -> HttpResponse:
    practitioner = selectors.practitioner_get(request.user, cert_no)
    names = selectors.dept_names()
    visible = selectors.visible_registrations(request.user, practitioner)
    return render(
        request,
        "registry/practitioner_detail.html",
        {
            "p": practitioner,
            "scopes": [selectors.dept_label(s.dept_code, names) for s in practitioner.scopes.all()],
            "registrations": visible,
            "hidden_registrations": len(practitioner.registrations.all()) - len(visible),
        },
    )


@login_required
def inspector_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    qs = selectors.inspector_list(
        request.user, q=q, region=request.GET.get("region") or None, department=request.GET.get("department") or None,
        active=active,
    )  # fmt: skip
    if request.GET.get("format") == "xlsx":
        return _xlsx(request, Inspector, qs, "执法人员")
    return render(
        request,
        "registry/inspector_list.html",
        {"page": _page(request, qs), "q": q, "regions": districts_in_scope(request.user), "departments": Department.objects.all(),
         "params": request.GET, "exportable": True},
    )  # fmt: skip


@login_required
def inspector_detail(request: HttpRequest, badge_no: str) -> HttpResponse:
    inspector = selectors.inspector_get(request.user, badge_no)
    today = dt.date.today()
    return render(request, "registry/inspector_detail.html", {
        "x": inspector, "badge_valid": inspector.badge_valid_on(today),
        "conflicts": selectors.inspector_conflicts(request.user, inspector), "today": today,
    })  # fmt: skip


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not can_edit_registry(request.user):
        raise PermissionDenied(_("无导入权限"))
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        if kind not in SPECS:
            messages.error(request, _("请选择导入类型"))
        elif upload is None:
            messages.error(request, _("请选择要导入的文件"))
        else:
            try:
                result = import_upload(kind=kind, upload=upload, actor=request.user)
            except ImportFileError as exc:
                messages.error(request, str(exc))
            else:
                return redirect("registry:import_batch", pk=result.batch_id)
    limits = Limits.from_settings()
    return render(
        request,
        "registry/import.html",
        {"specs": SPECS.values(), "batches": selectors.import_batch_list(request.user)[:20],
         "max_mb": f"{limits.max_bytes / 1048576:g}", "max_rows": f"{limits.max_rows:,}"},
    )  # fmt: skip


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in SPECS:
        raise Http404(_("未知的导入类型"))
    response = HttpResponse(exports.import_template(kind), content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''template-{kind}.xlsx"
    return response


REJECTS_PAGE_SIZE = 100


@login_required
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_batch_get(request.user, pk)
    page = Paginator(selectors.import_reject_list(request.user, batch), REJECTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/import_batch.html",
        {"batch": batch, "spec": SPECS.get(batch.kind), "page": page, "params": request.GET},
    )


@login_required
def import_rejects(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_batch_get(request.user, pk)
    rejects = selectors.import_reject_list(request.user, batch).iterator(chunk_size=2000)
    response = HttpResponse(exports.rejects_workbook(rejects), content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''rejects-{batch.pk}.xlsx"
    return response
