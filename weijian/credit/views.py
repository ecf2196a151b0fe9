"""The credit pages: the list, the institution's archive (一户一档) with its points and 校验 forms, the practitioner's
(一医一档) with its 医保 points form, the objection forms. Views parse input and call one selector or service; a
refused form comes back (400) with what was typed and the error naming the field; a role that may not write gets 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from weijian.core.lists import Column, Filter, ListSpec
from weijian.core.models import Role
from weijian.core.scope import scope_of, writable
from weijian.credit import grading, insurance, selectors, services
from weijian.credit.exchange import partner_windows
from weijian.credit.models import Category, InsuranceBand, ObjectionDecision, SourceKind
from weijian.i18n import in_language
from weijian.portal.models import Severity

CREDIT_LIST = ListSpec(
    columns=(
        Column("name", gettext_lazy("机构名称"), sort=("name_sort", "pk"), cell="credit/cells/name.html", title=True),
        Column("district", gettext_lazy("所在区"), attr="district.name", sort=("district__code", "pk")),
        Column("credit_grade", gettext_lazy("信用等级"), sort=("credit_grade", "pk")),
        Column("credit_score", gettext_lazy("信用分"), sort=("credit_score", "pk")),
        Column("points", gettext_lazy("本周期记分"), cell="credit/cells/points.html"),
    ),
    filters=(
        Filter("grade", gettext_lazy("信用等级"), choices=[(g, g) for g in grading.GRADES]),
        Filter("points", gettext_lazy("本周期记分"), choices=(("6", gettext_lazy("6分及以上")), ("12", gettext_lazy("12分及以上")))),
    ),
    default_sort="-credit_score",
)
OFFICERS = services.OFFICERS


def _day(value: str | None, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise services.CreditError(_("%(field)s：日期格式应为 YYYY-MM-DD") % {"field": field}) from None


@login_required
def credit_list(request: HttpRequest) -> HttpResponse:
    state = CREDIT_LIST.read(request)
    points = state.values["points"]
    qs = selectors.credit_list(request.user, grade=state.values["grade"], min_points=int(points) if points else None)
    listing = state.page(qs)
    totals = selectors.point_totals([row.pk for row in listing.rows])
    for row in listing.rows:
        row.points = totals.get(row.pk, 0)
    return render(request, "credit/list.html", {"listing": listing})


def _measures(archive: selectors.Archive) -> list[dict[str, Any]]:
    if archive.standing is None:
        return []
    return [{"text": in_language(r.threshold.measure, r.threshold.measure_en), "points": r.points,
             "reached_on": r.reached_on, "code": r.threshold.code} for r in archive.standing.reached]  # fmt: skip


def _items(archive: selectors.Archive) -> list[dict[str, Any]]:
    if archive.rule_set is None:
        return []
    return [{"code": i.code, "text": in_language(i.behaviour, i.behaviour_en), "points": i.points, "unit": i.unit}
            for i in archive.rule_set.items.values()]  # fmt: skip


def _window(record: Any, repairs: dict[int, Any]) -> dict[str, Any] | None:
    """The record's publication window: its disclosure's, or — pushed by a partner — computed now, with the note
    that the issuing department repairs it (谁认定、谁修复)."""
    found = partner_windows.partner_window(record, repairs.get(record.pk))
    if found is None:
        return selectors.publication_window(record)
    return {"status": found.status, "min_until": found.min_until, "max_until": found.max_until,
            "repaired_by": found.issuer or _("作出处罚决定的部门")}  # fmt: skip


def _archive_page(request: HttpRequest, institution: Any, *, form: str = "", form_pk: int | None = None,
                  error: str = "", status: int = 200) -> HttpResponse:  # fmt: skip
    """The 一户一档 page; after a refused form, with the form's error (naming the field) and what was typed."""
    archive = selectors.institution_archive(request.user, institution)
    role = scope_of(request.user).role
    officer = role in OFFICERS and writable(request.user, institution)
    # Choice labels resolved once per page, not once per row (get_FOO_display translates on every call).
    labels = {field: {k: str(v) for k, v in choices} for field, choices in (
        ("source", SourceKind.choices), ("category", Category.choices), ("severity", Severity.choices))}  # fmt: skip
    repairs = partner_windows.corrections_by_record(archive.records)
    rows = [{"record": r, "window": _window(r, repairs), "source": labels["source"].get(r.source_kind, ""),
             "category": labels["category"].get(r.category, ""), "severity": labels["severity"].get(r.severity, "")}
            for r in archive.records]  # fmt: skip
    return render(request, "credit/archive.html", {
        "archive": archive, "institution": institution, "rows": rows, "measures": _measures(archive),
        "items": _items(archive), "officer": officer, "own": role == Role.INSTITUTION_USER,
        "rule_set_label": in_language(archive.rule_set.label, archive.rule_set.label_en) if archive.rule_set else "",
        "today": timezone.localdate(), "form": form, "form_pk": form_pk, "error": error, "posted": request.POST if error else {},
    }, status=status)  # fmt: skip


@login_required
def institution_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_page(request, selectors.institution_get(request.user, pk))


def _whole(value: str | None, field: str, default: str = "") -> int:
    try:
        return int((value or default).strip())
    except ValueError:
        raise services.CreditError(_("%(field)s：应为整数") % {"field": field}) from None


@login_required
@require_POST
def points_record(request: HttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get(request.user, pk)
    post = request.POST
    try:
        occurred = _day(post.get("occurred_on"), _("行为日期"))
        confirmed = _day(post.get("confirmed_on"), _("确认日期")) if (post.get("confirmed_on") or "").strip() else None
        services.point_event_record(actor=request.user, institution=institution, occurred_on=occurred,
                                    confirmed_on=confirmed, item_code=(post.get("item") or "").strip(),
                                    count=_whole(post.get("count"), _("人数或科目数"), "1"),
                                    note=post.get("note") or "")  # fmt: skip
    except services.CreditForbidden as exc:
        raise PermissionDenied(str(exc)) from None
    except services.CreditError as exc:
        return _archive_page(request, institution, form="points", error=str(exc), status=400)
    messages.success(request, _("已记分，记分通知书待送达"))
    return redirect("credit:archive", pk=institution.pk)


@login_required
@require_POST
def notice_send(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(request.user, pk)
    try:
        services.notice_send(actor=request.user, notice=notice, sent_on=_day(request.POST.get("sent_on"), _("送达日期")))
    except services.CreditForbidden as exc:
        raise PermissionDenied(str(exc)) from None
    except services.CreditError as exc:
        return _archive_page(request, notice.event.institution, form="notice", form_pk=notice.pk,
                             error=str(exc), status=400)  # fmt: skip
    messages.success(request, _("已登记送达"))
    return redirect("credit:archive", pk=notice.event.institution_id)


def _passed(value: str | None) -> bool:
    if value not in ("1", "0"):
        raise services.CreditError(_("校验结论：请选择合格或不合格"))
    return value == "1"


@login_required
@require_POST
def licence_check_record(request: HttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get(request.user, pk)
    post = request.POST
    try:
        services.licence_check_record(actor=request.user, institution=institution,
                                      checked_on=_day(post.get("checked_on"), _("校验日期")),
                                      passed=_passed(post.get("passed")), note=post.get("note") or "")  # fmt: skip
    except services.CreditForbidden as exc:
        raise PermissionDenied(str(exc)) from None
    except services.CreditError as exc:
        return _archive_page(request, institution, form="check", error=str(exc), status=400)
    cycle = selectors.point_cycle(institution)
    messages.success(request, _("已登记校验；本记分周期自 %(day)s 起") % {"day": cycle.start.isoformat()} if cycle
                     else _("已登记校验"))  # fmt: skip
    return redirect("credit:archive", pk=institution.pk)


@login_required
def objection_file(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(request.user, pk)
    view = selectors.notice_views([notice])[0]
    error = ""
    if request.method == "POST":
        try:
            services.objection_file(actor=request.user, notice=notice, grounds=request.POST.get("grounds") or "",
                                    filed_on=_day(request.POST.get("filed_on"), _("提出日期")))  # fmt: skip
        except services.CreditError as exc:
            error = str(exc)
        else:
            messages.success(request, _("申辩已提出"))
            return redirect("credit:archive", pk=notice.event.institution_id)
    return render(request, "credit/objection_file.html", {"notice": notice, "view": view, "posted": request.POST,
                                                           "error": error, "today": timezone.localdate()},
                  status=400 if error else 200)  # fmt: skip


@login_required
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get(request.user, pk)
    event = objection.notice.event
    can_decide = scope_of(request.user).role in OFFICERS and writable(request.user, event) and not objection.decision
    error = ""
    if request.method == "POST" and can_decide:
        try:
            services.objection_decide(actor=request.user, objection=objection, decision=request.POST.get("decision") or "",
                                      reasons=request.POST.get("reasons") or "",
                                      decided_on=_day(request.POST.get("decided_on"), _("决定日期")))  # fmt: skip
        except services.CreditError as exc:
            error = str(exc)
        else:
            messages.success(request, _("已作出申辩决定"))
            return redirect("credit:archive", pk=event.institution_id)
    return render(request, "credit/objection_decide.html", {
        "objection": objection, "event": event, "can_decide": can_decide, "decisions": ObjectionDecision.choices,
        "posted": request.POST, "error": error, "today": timezone.localdate(),
    }, status=400 if error else 200)  # fmt: skip


def _band_rows(on: dt.date) -> list[dict[str, Any]]:
    return [{"code": b.code, "label": in_language(b.label, b.label_en), "min": b.min, "max": b.max}
            for b in insurance.bands(on).values()]  # fmt: skip


def _practitioner_page(request: HttpRequest, practitioner: Any, *, error: str = "", status: int = 200) -> HttpResponse:
    """The 一医一档 page; after a refused 医保 points form, with the error (naming the field) and what was typed."""
    today = timezone.localdate()
    archive = selectors.practitioner_archive(request.user, practitioner)
    recorder = scope_of(request.user).role == Role.PARTNER_OFFICER and services.may_record_insurance_points(request.user)
    return render(request, "credit/practitioner.html", {
        "archive": archive, "practitioner": practitioner, "bands": dict(InsuranceBand.choices),
        "recorder": recorder, "band_rows": _band_rows(today) if recorder else [],
        "institutions": selectors.practitioner_institutions(practitioner) if recorder else [],
        "today": today, "error": error, "posted": request.POST if error else {},
    }, status=status)  # fmt: skip


@login_required
def practitioner_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _practitioner_page(request, selectors.practitioner_get(request.user, pk))


def _act_institution(practitioner: Any, value: str | None) -> Any:
    chosen = (value or "").strip()
    if not chosen:
        raise services.CreditError(_("发生机构：请选择该执业人员的执业机构"))
    for institution in selectors.practitioner_institutions(practitioner):
        if str(institution.pk) == chosen:
            return institution
    raise services.CreditError(_("发生机构：不是该执业人员的执业机构"))


@login_required
@require_POST
def insurance_points_record(request: HttpRequest, pk: int) -> HttpResponse:
    practitioner = selectors.practitioner_get(request.user, pk)
    post = request.POST
    try:
        if not services.may_record_insurance_points(request.user):
            raise services.CreditForbidden(_("权限：医保支付资格记分由医保部门录入，卫生健康部门查阅"))
        services.insurance_point_record(
            actor=request.user, practitioner=practitioner, band=(post.get("band") or "").strip(),
            points=_whole(post.get("points"), _("记分")), occurred_on=_day(post.get("occurred_on"), _("行为日期")),
            reason=post.get("reason") or "", institution=_act_institution(practitioner, post.get("institution")),
        )  # fmt: skip
    except services.CreditForbidden as exc:
        raise PermissionDenied(str(exc)) from None
    except services.CreditError as exc:
        return _practitioner_page(request, practitioner, error=str(exc), status=400)
    standing = selectors.practitioner_archive(request.user, practitioner).standing
    messages.success(request, _("已记分：%(year)s 年度共 %(n)s 分") % {"year": standing.year, "n": standing.points})
    return redirect("credit:practitioner", pk=practitioner.pk)
