"""双随机、一公开 and on-site inspections.

A :class:`Plan` (随机抽查计划) names its check items (codes of the catalog in
``weijian/rules/data/check_items.yaml``), its target population and the sampling ratio per risk grade.
A :class:`Draw` freezes the population, publishes a commitment, then draws targets and inspectors from a
seed that nobody could know in advance; each :class:`DrawTarget` gets its :class:`Assignment` rows (the
drawn inspectors). Every inspection — drawn, key-supervision or targeted (定向检查, from an alert work
item, a clue or a complaint) — is one :class:`Inspection` with its team (:class:`InspectionMember`),
one :class:`Finding` per checklist line and its :class:`Attachment` files.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from weijian.core.models import Department, Region
from weijian.core.scope import ScopeRule
from weijian.registry.models import Inspector, Institution

GRADES = ("A", "B", "C", "D")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    COMMITTED = "committed", _("已公布承诺")
    DRAWN = "drawn", _("已抽取")
    CLOSED = "closed", _("已结束")


class Plan(models.Model):
    """One random-check plan (随机抽查计划) of one jurisdiction for one period."""

    name = models.CharField(_("计划名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    period_start = models.DateField(_("实施期起"))
    period_end = models.DateField(_("实施期止"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("实施区域"))
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="lead_plans", verbose_name=_("牵头部门")
    )
    joint_departments = models.ManyToManyField(
        Department, blank=True, related_name="joint_plans", verbose_name=_("联合部门")
    )
    item_codes = models.JSONField(
        _("抽查事项"), default=list, help_text="catalog item codes, e.g. ['CC00227']"
    )
    population = models.JSONField(
        _("抽查对象范围"), default=dict, blank=True,
        help_text="filters on the registry: {kinds: [...], districts: [...], ownership: [...], sectors: [...]}",
    )  # fmt: skip
    ratios = models.JSONField(
        _("分级抽查比例"), default=dict, help_text="percent per grade as strings: {'A': '5', …}"
    )
    overall_target = models.DecimalField(
        _("总体抽查比例目标（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    exclusion_months = models.PositiveSmallIntegerField(_("近期已查排除期（月）"), default=0)
    inspector_capacity = models.PositiveSmallIntegerField(
        _("每名监督员任务上限"), null=True, blank=True, help_text=_("本计划期内每名监督员最多承担的检查数")
    )
    key_targets = models.ManyToManyField(
        Institution, blank=True, related_name="key_in_plans", verbose_name=_("重点监管对象")
    )
    status = models.CharField(_("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_rule = ScopeRule(region="region__code", department="lead_department__code")

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("随机抽查计划")
        verbose_name_plural = _("随机抽查计划")

    def __str__(self) -> str:
        return self.name


class GradeOverride(models.Model):
    """A manager's grade for one target in one plan, with the written reason (kept on the draw record)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="grade_overrides")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("调整后等级"), max_length=1, choices=[(g, g) for g in GRADES])
    reason = models.TextField(_("调整理由"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_rule = ScopeRule(region="plan__region__code", department="plan__lead_department__code")

    class Meta:
        verbose_name = _("等级调整")
        verbose_name_plural = _("等级调整")
        constraints = [
            models.UniqueConstraint(fields=["plan", "institution"], name="one_override_per_target")
        ]


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", _("已公布承诺")
    DRAWN = "drawn", _("已抽取")
    SUPERSEDED = "superseded", _("已重新抽取")


class Draw(models.Model):
    """One draw of a plan: commitment first, then the public value, the seed and the selection.

    ``secret`` stays out of every public view until the draw is made (``drawn_at`` set); ``record`` is
    the published draw record (JSON) that ``weijian draw verify`` re-runs.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="draws")
    sequence = models.PositiveSmallIntegerField(_("次序"), default=1)
    status = models.CharField(
        _("状态"), max_length=12, choices=DrawStatus.choices, default=DrawStatus.COMMITTED
    )
    algorithm = models.CharField(_("算法版本"), max_length=40)
    population_hash = models.CharField(_("对象库摘要"), max_length=64)
    parameters = models.JSONField(_("抽取参数"), default=dict)
    commitment = models.CharField(_("承诺值"), max_length=64)
    secret = models.CharField(max_length=64, editable=False)
    committed_at = models.DateTimeField(_("承诺公布时间"))
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    public_value = models.CharField(_("公开随机值"), max_length=200, blank=True)
    witnesses = models.TextField(_("见证人"), blank=True)
    seed = models.CharField(_("种子"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repeat_reason = models.TextField(_("重新抽取理由"), blank=True)
    solver_version = models.CharField(_("求解器版本"), max_length=60, blank=True)
    unstaffed = models.JSONField(_("未能派员的对象"), default=list, blank=True)
    record = models.JSONField(_("抽取记录"), null=True, blank=True)

    scope_rule = ScopeRule(region="plan__region__code", department="plan__lead_department__code")

    class Meta:
        ordering = ["plan", "sequence"]
        verbose_name = _("抽取")
        verbose_name_plural = _("抽取")
        constraints = [models.UniqueConstraint(fields=["plan", "sequence"], name="one_draw_per_sequence")]

    def __str__(self) -> str:
        return f"{self.plan} #{self.sequence}"


class TargetMode(models.TextChoices):
    RANDOM = "random", _("随机抽取")
    KEY = "key", _("重点监管")


class DrawTarget(models.Model):
    """One institution selected by a draw (random in its grade stratum, or a key-supervision target)."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="targets")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="draw_targets")
    mode = models.CharField(_("方式"), max_length=10, choices=TargetMode.choices, default=TargetMode.RANDOM)
    stratum = models.CharField(_("分层"), max_length=20)
    grade = models.CharField(_("风险等级"), max_length=1, blank=True)
    rank = models.PositiveIntegerField(_("抽取顺位"))

    scope_rule = ScopeRule(
        region="institution__district__code", department="draw__plan__lead_department__code"
    )

    class Meta:
        ordering = ["draw", "stratum", "rank"]
        verbose_name = _("抽取对象")
        verbose_name_plural = _("抽取对象")
        constraints = [models.UniqueConstraint(fields=["draw", "institution"], name="one_target_per_draw")]


class Assignment(models.Model):
    """One inspector drawn for one target."""

    target = models.ForeignKey(DrawTarget, on_delete=models.CASCADE, related_name="assignments")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="assignments")

    scope_rule = ScopeRule(
        region="target__institution__district__code", department="target__draw__plan__lead_department__code"
    )

    class Meta:
        ordering = ["target", "inspector"]
        verbose_name = _("检查人员分派")
        verbose_name_plural = _("检查人员分派")
        constraints = [
            models.UniqueConstraint(fields=["target", "inspector"], name="one_assignment_per_pair")
        ]


class InspectionMode(models.TextChoices):
    RANDOM = "random", _("随机抽查")
    KEY = "key", _("重点检查")
    TARGETED = "targeted", _("定向检查")


class InspectionSource(models.TextChoices):
    DRAW = "draw", _("双随机抽取")
    WORK_ITEM = "work_item", _("预警工作项")
    CLUE = "clue", _("案源线索")
    COMPLAINT = "complaint", _("投诉举报")
    OTHER = "other", _("其他")


class InspectionStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待检查")
    IN_PROGRESS = "in_progress", _("检查中")
    SUBMITTED = "submitted", _("待确认")
    CLOSED = "closed", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


class InspectionResult(models.TextChoices):
    PASS = "pass", _("合格")
    RECTIFY = "rectify", _("责令整改")
    CASE = "case", _("立案查处")


class Inspection(models.Model):
    """One on-site inspection of one institution under one or more check items."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="inspections")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办部门")
    )
    mode = models.CharField(_("检查方式"), max_length=10, choices=InspectionMode.choices)
    item_codes = models.JSONField(_("检查事项"), default=list)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    target = models.OneToOneField(
        DrawTarget, null=True, blank=True, on_delete=models.PROTECT, related_name="inspection"
    )
    source_kind = models.CharField(_("来源"), max_length=12, choices=InspectionSource.choices)
    source_id = models.PositiveBigIntegerField(_("来源记录"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.ASSIGNED
    )
    due_date = models.DateField(_("检查期限"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始检查"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.CharField(_("检查结果"), max_length=10, choices=InspectionResult.choices, blank=True)
    result_note = models.TextField(_("结果说明"), blank=True)
    publish_due = models.DateField(_("公示期限"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # No institution path: an institution learns of a random check when the inspectors arrive.
    scope_rule = ScopeRule(region="institution__district__code", department="department__code")

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")
        indexes = [
            models.Index(fields=["source_kind", "source_id"]),
            models.Index(fields=["status", "publish_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.get_mode_display()}"


class InspectionMember(models.Model):
    """One inspector of an inspection's team; each confirms the result with their own login."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="members")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="inspection_memberships")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    scope_rule = ScopeRule(
        region="inspection__institution__district__code", department="inspection__department__code"
    )

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("检查人员")
        verbose_name_plural = _("检查人员")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "inspector"], name="one_membership_per_pair")
        ]


class FindingOutcome(models.TextChoices):
    COMPLIANT = "compliant", _("合规")
    NONCOMPLIANT = "noncompliant", _("不合规")
    NOT_APPLICABLE = "na", _("不适用")


class Finding(models.Model):
    """The finding on one checklist line (检查表的一行) of one inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item_code = models.CharField(_("检查事项"), max_length=20)
    line_no = models.CharField(_("检查内容序号"), max_length=10)
    outcome = models.CharField(_("检查结论"), max_length=14, choices=FindingOutcome.choices, blank=True)
    problems = models.JSONField(_("发现的问题"), default=list, blank=True)
    note = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_rule = ScopeRule(
        region="inspection__institution__district__code", department="inspection__department__code"
    )

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "item_code", "line_no"], name="one_finding_per_line"
            )
        ]


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    SIGNATURE = "signature", _("签名")
    DOCUMENT = "document", _("文书")


class Attachment(models.Model):
    """A file of an inspection, stored under its SHA-256 and never overwritten."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="attachments")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(
        _("类型"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO
    )
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=200)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_rule = ScopeRule(
        region="inspection__institution__district__code", department="inspection__department__code"
    )

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("检查附件")
        verbose_name_plural = _("检查附件")
