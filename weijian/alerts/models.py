"""Analytics results in the platform: runs, alerts as work items, monthly indicators, risk grades."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from weijian.core.models import Department, Region
from weijian.core.scope import ScopeRule
from weijian.registry.models import Institution, Practitioner


class AnalyticsRun(models.Model):
    """One ``weijian analytics run`` output folder loaded into the platform."""

    fingerprint = models.CharField(max_length=64, unique=True, help_text="sha256 of the run's alerts file")
    source = models.CharField(_("输出目录"), max_length=500)
    period_start = models.DateField(_("分析期起"))
    period_end = models.DateField(_("分析期止"))
    engine = models.CharField(_("引擎"), max_length=40, blank=True)
    report = models.JSONField(default=dict)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("分析批次")
        verbose_name_plural = _("分析批次")

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end}"


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处置")
    DISMISSED = "dismissed", _("已排除")
    CLUE = "clue", _("转为案源线索")
    INSPECTION = "inspection", _("转定向检查")


class Severity(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


class Alert(models.Model):
    """One alert of a rule on one subject, in the queue of the responsible department and district."""

    run = models.ForeignKey(AnalyticsRun, on_delete=models.PROTECT, related_name="alerts")
    rule_id = models.CharField(_("规则"), max_length=60, db_index=True)
    rule_name = models.CharField(_("规则名称"), max_length=100)
    subject_type = models.CharField(_("对象类型"), max_length=40)
    subject_id = models.CharField(_("对象"), max_length=120)
    institution_code = models.CharField(_("机构代码"), max_length=18, blank=True)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    practitioner = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("责任部门"))
    district = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    evidence = models.JSONField(default=dict)
    status = models.CharField(_("状态"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    due_date = models.DateField(_("处置期限"), null=True, blank=True)
    due_note = models.CharField(max_length=200, blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    disposed_by = models.CharField(max_length=150, blank=True)
    disposition_reason = models.TextField(_("处置说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # No institution path: an institution never sees alerts raised about it (they may become
    # clues for a case); it sees its own indicators and grade.
    scope_rule = ScopeRule(region="district__code", department="department__code")

    class Meta:
        ordering = ["status", "due_date", "-severity", "pk"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        constraints = [
            models.UniqueConstraint(fields=["rule_id", "subject_id", "period_start", "period_end"], name="uniq_alert")
        ]
        indexes = [models.Index(fields=["department", "district", "status"])]

    def __str__(self) -> str:
        return f"{self.rule_name} · {self.subject_id}"


class Indicator(models.Model):
    """A monthly indicator of an institution (antimicrobial intensity, outpatient antibiotic rate …)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="indicators")
    indicator_id = models.CharField(max_length=60)
    period = models.CharField(max_length=7)  # YYYY-MM
    value = models.FloatField()

    scope_rule = ScopeRule(region="institution__district__code", institution="institution_id")

    class Meta:
        ordering = ["institution", "indicator_id", "period"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "indicator_id", "period"], name="uniq_indicator")
        ]


class RiskGrade(models.Model):
    """An institution's risk score (0–100) and grade A–D for a period, with the top reasons."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="risk_grades")
    run = models.ForeignKey(AnalyticsRun, on_delete=models.PROTECT, related_name="grades")
    period_end = models.DateField()
    score = models.FloatField()
    grade = models.CharField(max_length=1)
    reasons = models.JSONField(default=list)

    scope_rule = ScopeRule(region="institution__district__code", institution="institution_id")

    class Meta:
        ordering = ["institution", "-period_end"]
        constraints = [models.UniqueConstraint(fields=["institution", "period_end"], name="uniq_risk_grade")]
