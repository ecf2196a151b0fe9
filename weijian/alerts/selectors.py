"""Reads of alerts, indicators and grades — always through the data scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, Q, QuerySet, When
from django.http import Http404

from weijian.alerts.models import Alert, Indicator, RiskGrade
from weijian.core.scope import scoped
from weijian.registry.models import Institution, Practitioner

INDICATOR_LABELS = {
    "antimicrobial_intensity": ("抗菌药物使用强度（DDDs/百人天）", 40.0),
    "outpatient_antibiotic_rate": ("门诊抗菌药物处方比例", 0.20),
    "inpatient_days": ("住院床日数", None),
    "charges_per_visit": ("次均费用（元）", None),
    "visits": ("就诊人次", None),
}
SEVERITY_RANK = Case(When(severity="high", then=0), When(severity="medium", then=1), default=2)


def alert_queue(
    user: Any,
    *,
    status: str | None = "open",
    rule_id: str | None = None,
    severity: str | None = None,
    district: str | None = None,
    q: str | None = None,
) -> QuerySet[Alert]:
    qs = scoped(user, Alert.objects.select_related("institution", "department", "district", "practitioner"))
    if status:
        qs = qs.filter(status=status)
    if rule_id:
        qs = qs.filter(rule_id=rule_id)
    if severity:
        qs = qs.filter(severity=severity)
    if district:
        qs = qs.filter(district__code=district)
    if q:
        qs = qs.filter(Q(subject_id__contains=q.strip()) | Q(institution__name__contains=q.strip()))
    return qs.order_by("due_date", SEVERITY_RANK, "pk")


def alert_get(user: Any, pk: int) -> Alert:
    alert = scoped(user, Alert.objects.select_related("institution", "department", "district", "practitioner", "run"))
    found = alert.filter(pk=pk).first()
    if found is None:
        raise Http404("预警不存在或不在您的数据权限范围内")
    return found


def alert_rule_counts(user: Any) -> list[dict[str, Any]]:
    return list(
        scoped(user, Alert.objects.filter(status="open")).values("rule_id", "rule_name").annotate(n=Count("pk")).order_by("-n")
    )


def institution_analytics(user: Any, institution: Institution) -> dict[str, Any]:
    """Alerts, monthly indicator series and the latest grade of one (already scope-checked) institution."""
    scoped_alerts = scoped(user, Alert.objects.filter(institution=institution))
    alerts = scoped_alerts.order_by("status", SEVERITY_RANK, "-period_end", "rule_id")[:50]
    series: dict[str, dict[str, Any]] = {}
    for row in scoped(user, Indicator.objects.filter(institution=institution)).order_by("period"):
        label, target = INDICATOR_LABELS.get(row.indicator_id, (row.indicator_id, None))
        entry = series.setdefault(row.indicator_id, {"label": label, "target": target, "periods": [], "values": []})
        entry["periods"].append(row.period)
        entry["values"].append(round(row.value, 4))
    grade = scoped(user, RiskGrade.objects.filter(institution=institution)).order_by("-period_end").first()
    return {"alerts": list(alerts), "alert_total": scoped_alerts.count(), "series": series, "grade": grade}


def practitioner_alerts(user: Any, practitioner: Practitioner) -> list[Alert]:
    return list(scoped(user, Alert.objects.filter(practitioner=practitioner)).order_by("-period_end")[:50])
