"""Analytics results in the platform: runs, work items with their evidence lines, monthly indicators.

Line-level hits are evidence, not work (DESIGN.md): an office works one :class:`WorkItem` per
institution × rule × analysed period, and each :class:`Alert` (one rule on one subject — a visit, a
charge line, a bag …) is a line of evidence attached to its item. The overall risk grade lives in
``weijian.risk``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
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


class Severity(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("待处置")
    DISMISSED = "dismissed", _("已排除")
    CLUE = "clue", _("转为案源线索")
    INSPECTION = "inspection", _("转定向检查")


REFERRALS = (ItemStatus.CLUE, ItemStatus.INSPECTION)


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", _("查实")
    UNFOUNDED = "unfounded", _("未查实")


class WorkItem(models.Model):
    """What an office works: one rule's hits on one institution in one analysed period.

    ``group_key`` is the institution's 统一社会信用代码 (known to the registry or not), or
    ``subject:<id>`` for a hit that names no institution. ``department`` is empty while the item waits
    in the city office's triage queue (no routing rule matched). ``region`` is the institution's
    district, or — for an institution the registry does not know — the most precise region its code
    names; it carries the data scope.
    """

    rule_id = models.CharField(_("规则"), max_length=60, db_index=True)
    rule_name = models.CharField(_("规则名称"), max_length=100)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    group_key = models.CharField(max_length=130)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="work_items", verbose_name=_("机构")
    )
    institution_code = models.CharField(_("机构代码"), max_length=18, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="work_items", verbose_name=_("所属区域")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="work_items",
        verbose_name=_("责任部门"),
    )  # fmt: skip
    period_start = models.DateField(_("分析期起"))
    period_end = models.DateField(_("分析期止"))
    first_run = models.ForeignKey(AnalyticsRun, on_delete=models.PROTECT, related_name="work_items")

    line_count = models.PositiveIntegerField(_("预警条数"), default=0)
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    first_date = models.DateField(_("最早日期"), null=True, blank=True)
    last_date = models.DateField(_("最晚日期"), null=True, blank=True)

    status = models.CharField(_("状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    queued_at = models.DateTimeField(_("进入队列"), null=True, blank=True)
    deadline = models.DateField(_("处置期限"), null=True, blank=True)
    deadline_note = models.CharField(max_length=200, blank=True)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_items",
        verbose_name=_("承办人"),
    )  # fmt: skip
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("承办期限"), null=True, blank=True)

    disposed_at = models.DateTimeField(null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("处置人"),
    )  # fmt: skip
    disposition_reason = models.TextField(_("处置说明"), blank=True)

    outcome = models.CharField(_("查处结果"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    routing = models.JSONField(default=dict, help_text="how the item reached its queue, with the rules it used")
    routing_history = models.JSONField(default=list, help_text="earlier routings, oldest first")
    rules = models.JSONField(default=dict, help_text="rules used: deadline entry, the analytics rule's parameters")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # No institution path: an institution never sees the items raised about it.
    scope_rule = ScopeRule(region="region__code", department="department__code")

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("预警工作项")
        verbose_name_plural = _("预警工作项")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_id", "group_key", "period_start", "period_end"], name="uniq_work_item"
            )
        ]
        indexes = [
            models.Index(fields=["department", "region", "status"]),
            models.Index(fields=["assignee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule_name} · {self.institution_code or self.group_key}"

    @property
    def in_triage(self) -> bool:
        return self.department_id is None

    @property
    def finished(self) -> bool:
        """Dismissed, or referred and its outcome recorded."""
        return self.status == ItemStatus.DISMISSED or bool(self.outcome)

    @property
    def awaiting_outcome(self) -> bool:
        return self.status in REFERRALS and not self.outcome

    @property
    def effective_due(self) -> dt.date | None:
        """The date the item is late after: the assignment's due date, else (while open) the rules deadline."""
        if self.status == ItemStatus.OPEN:
            return self.due_date or self.deadline
        return self.due_date if self.awaiting_outcome else None

    def is_overdue(self, today: dt.date) -> bool:
        due = self.effective_due
        return not self.finished and due is not None and today > due


class Alert(models.Model):
    """One line of evidence: a rule's hit on one subject (visit, charge line, bag …), attached to a work item."""

    run = models.ForeignKey(AnalyticsRun, on_delete=models.PROTECT, related_name="alerts")
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="lines")
    rule_id = models.CharField(_("规则"), max_length=60, db_index=True)
    subject_type = models.CharField(_("对象类型"), max_length=40)
    subject_id = models.CharField(_("对象"), max_length=120)
    institution_code = models.CharField(_("机构代码"), max_length=18, blank=True)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    practitioner = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    fact_date = models.DateField(_("日期"), null=True, blank=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    evidence = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_rule = ScopeRule(region="item__region__code", department="item__department__code")

    class Meta:
        ordering = ["fact_date", "subject_id"]
        verbose_name = _("预警明细")
        verbose_name_plural = _("预警明细")
        constraints = [
            models.UniqueConstraint(fields=["rule_id", "subject_id", "period_start", "period_end"], name="uniq_alert")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} · {self.subject_id}"


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
