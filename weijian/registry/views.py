"""Registry pages. Views parse the request and call selectors/services; no business logic here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core.lists import ListState
from weijian.core.scope import can_edit_registry
from weijian.core.xlsx import XLSX_MIME
from weijian.registry import exports, selectors
from weijian.registry.imports.readers import ImportFileError, Limits
from weijian.registry.imports.service import import_upload
from weijian.registry.imports.specs import SPECS
from weijian.registry.lists import IMPORT_BATCHES, INSPECTORS, INSTITUTIONS, PRACTITIONERS
from weijian.registry.models import Inspector, Institution, Practitioner

PROFILE_REGISTRATIONS = 20  # registrations shown on an institution's profile; the rest behind a link


def _xlsx(request: HttpRequest, model: type, qs: QuerySet[Any], title: str) -> HttpResponse:
    content = exports.list_export(actor=request.user, model=model, queryset=qs, title=title, query=request.GET.dict())
    response = HttpResponse(content, content_type=XLSX_MIME)
    stamp = dt.date.today().strftime("%Y%m%d")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{model.__name__.lower()}-{stamp}.xlsx"
    return response


def _exported(request: HttpRequest, state: ListState, model: type, qs: QuerySet[Any], title: str) -> HttpResponse | None:
    """The filtered list as a workbook, in the order shown, when ``?format=xlsx`` asks for it."""
    if request.GET.get("format") != "xlsx":
        return None
    return _xlsx(request, model, state.order(qs), title)


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    state = INSTITUTIONS.read(request)
    qs = selectors.institution_list(request.user, **state.values)  # the filters' keys are the selector's arguments
    exported = _exported(request, state, Institution, qs, _("被监督单位名录"))
    if exported is not None:
        return exported
    listing = state.page(qs)
    selectors.attach_grades(request.user, listing.rows)
    return render(request, "registry/institution_list.html", {"listing": listing})


@login_required
def institution_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    institution = selectors.institution_get(request.user, uscc)
    names = selectors.dept_names()
    today = timezone.localdate()
    depts = [
        {"label": selectors.dept_label(d.dept_code, names), "dept": d,
         "valid": d.valid_from <= today and (d.valid_to is None or today <= d.valid_to)}
        for d in institution.depts.all()
    ]  # fmt: skip
    return render(
        request,
        "registry/institution_detail.html",
        {
            "i": institution, "depts": depts, "today": today,
            "registrations": list(selectors.institution_registrations(institution)[:PROFILE_REGISTRATIONS]),
            "registration_counts": selectors.registration_summary(institution),
        },
    )  # fmt: skip


@login_required
def practitioner_list(request: HttpRequest) -> HttpResponse:
    state = PRACTITIONERS.read(request)
    qs = selectors.practitioner_list(request.user, **state.values)
    exported = _exported(request, state, Practitioner, qs, _("执业人员"))
    if exported is not None:
        return exported
    return render(request, "registry/practitioner_list.html", {"listing": state.page(qs)})


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
    state = INSPECTORS.read(request)
    values = state.values
    qs = selectors.inspector_list(
        request.user, q=values["q"], region=values["region"], department=values["department"],
        active={"1": True, "0": False}.get(values["active"] or ""),
    )  # fmt: skip
    exported = _exported(request, state, Inspector, qs, _("执法人员"))
    if exported is not None:
        return exported
    return render(request, "registry/inspector_list.html", {"listing": state.page(qs)})


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
    form: dict[str, Any] = {"errors": {}, "chosen_kind": ""}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        form["chosen_kind"] = kind if kind in SPECS else ""
        if kind not in SPECS:  # each error is shown beside its field, the choice made stays selected
            form["errors"]["kind"] = _("请选择导入类型")
        if upload is None:
            form["errors"]["file"] = _("请选择要导入的文件")
        if not form["errors"]:
            try:
                result = import_upload(kind=kind, upload=upload, actor=request.user)
            except ImportFileError as exc:
                form["errors"]["file"] = str(exc)
            else:
                return redirect("registry:import_batch", pk=result.batch_id)
        form["upload_name"] = getattr(upload, "name", "")
    limits = Limits.from_settings()
    state = IMPORT_BATCHES.read(request)
    batches = state.page(
        selectors.import_batch_list(request.user, kind=state.values["kind"], rejected=bool(state.values["rejected"]))
    )
    return render(
        request,
        "registry/import.html",
        {"specs": SPECS.values(), "batches": batches, "max_mb": f"{limits.max_bytes / 1048576:g}",
         "max_rows": f"{limits.max_rows:,}", **form},
    )  # fmt: skip


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in SPECS:
        raise Http404(_("未知的导入类型"))
    response = HttpResponse(exports.import_template(kind, request.user), content_type=XLSX_MIME)
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
    content = exports.rejects_workbook(
        actor=request.user, batch=batch, rejects=selectors.import_reject_list(request.user, batch).iterator(chunk_size=2000),
        originals=selectors.import_original_rows(request.user, batch).iterator(chunk_size=2000),
    )  # fmt: skip
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''rejects-{batch.pk}.xlsx"
    return response
