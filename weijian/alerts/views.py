"""Alert queue and disposal pages. Views parse input and call one selector or service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.alerts import selectors, services
from weijian.alerts.exports import alert_queue_export
from weijian.alerts.models import AlertStatus, Severity
from weijian.analytics.registry import RULES
from weijian.core.selectors import districts_in_scope
from weijian.core.xlsx import XLSX_MIME


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    qs = selectors.alert_queue(
        request.user,
        status=None if status == "all" else (status if status in AlertStatus.values else "open"),
        rule_id=request.GET.get("rule") or None,
        severity=request.GET.get("severity") if request.GET.get("severity") in Severity.values else None,
        district=request.GET.get("district") or None,
        q=(request.GET.get("q") or "")[:100] or None,
    )
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            alert_queue_export(actor=request.user, queryset=qs, query=request.GET.dict()), content_type=XLSX_MIME
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''alerts-{timezone.localdate():%Y%m%d}.xlsx"
        return response
    return render(
        request,
        "alerts/queue.html",
        {
            "page": Paginator(qs, 30).get_page(request.GET.get("page")), "params": request.GET, "status": status,
            "statuses": AlertStatus.choices, "severities": Severity.choices, "rules": selectors.alert_rule_counts(request.user),
            "districts": districts_in_scope(request.user), "today": timezone.localdate(), "exportable": True,
        },
    )  # fmt: skip


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get(request.user, pk)
    can_dispose = services.can_dispose(request.user)
    if request.method == "POST" and can_dispose:
        try:
            services.alert_dispose(
                alert=alert, actor=request.user, status=request.POST.get("status", ""), reason=request.POST.get("reason", "")
            )
        except services.AlertError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已处置"))
            return redirect("alerts:detail", pk=alert.pk)
    return render(
        request,
        "alerts/detail.html",
        {
            "a": alert, "rule": RULES.get(alert.rule_id), "evidence": sorted(alert.evidence.items()),
            "can_dispose": can_dispose, "choices": [(s.value, s.label) for s in services.TRANSITIONS_ORDER],
        },
    )  # fmt: skip
