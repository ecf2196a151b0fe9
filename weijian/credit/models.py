"""The credit archive (一户一档 / 一医一档): one :class:`CreditRecord` per fact about one subject.

History is never rewritten: a correction is a new record that points at the record it corrects
(``corrects``). The same fact reported twice — by the same or another source — stays one record; every
reporter is kept in ``sources``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from weijian.core.models import Department, Region
from weijian.core.scope import ScopeRule
from weijian.portal.models import Disclosure, Severity
from weijian.registry.models import Institution, Practitioner


class SourceKind(models.TextChoices):
    CASE = "case", _("行政处罚案件")
    INSPECTION = "inspection", _("监督检查")
    ALERT = "alert", _("预警工作项")
    COMPLAINT = "complaint", _("投诉举报")
    PARTNER = "partner", _("部门推送")
    SELF_INSPECTION = "self_inspection", _("依法执业自查")
    AWARD = "award", _("表彰奖励")
    CORRECTION = "correction", _("更正")


class Category(models.TextChoices):
    PENALTY = "penalty", _("行政处罚")
    INSPECTION_RESULT = "inspection_result", _("检查结果")
    ALERT = "alert", _("预警核实")
    COMPLAINT = "complaint", _("投诉属实")
    COMMITMENT = "commitment", _("信用承诺")
    AWARD = "award", _("表彰奖励")
    OTHER = "other", _("其他")


class CreditRecord(models.Model):
    """One fact in a subject's credit archive, with its source and publication link."""

    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_records",
        verbose_name=_("机构"),
    )  # fmt: skip
    practitioner = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_records",
        verbose_name=_("执业人员"),
    )  # fmt: skip
    source_kind = models.CharField(_("来源"), max_length=20, choices=SourceKind.choices)
    source_key = models.CharField(_("来源标识"), max_length=120, help_text="the fact's key within its source kind")
    sources = models.JSONField(_("报送来源"), default=list, blank=True,
                               help_text="every reporter of this fact, in order: [{by, at}]")  # fmt: skip
    occurred_on = models.DateField(_("发生日期"))
    severity = models.CharField(_("严重程度"), max_length=20, choices=Severity.choices)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    title = models.CharField(_("标题"), max_length=300)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    violation_code = models.CharField(_("违法行为代码"), max_length=60, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖区域"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门"))
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections",
        verbose_name=_("更正的记录"),
    )  # fmt: skip
    disclosure = models.ForeignKey(
        Disclosure, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_records",
        verbose_name=_("公示"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("记录人"),
    )  # fmt: skip

    # Credit information is shared by the departments of a region (no department filter); an institution
    # user sees its own records.
    scope_rule = ScopeRule(region="region__code", institution="institution_id")

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        indexes = [
            models.Index(fields=["institution", "occurred_on"]),
            models.Index(fields=["practitioner", "occurred_on"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_kind", "source_key"], name="credit_one_record_per_fact"),
            models.CheckConstraint(
                condition=(
                    models.Q(institution__isnull=False, practitioner__isnull=True)
                    | models.Q(institution__isnull=True, practitioner__isnull=False)
                ),
                name="credit_record_exactly_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_kind}:{self.source_key} {self.title}"


class LicenceCheck(models.Model):
    """One 校验 of an institution's licence (医疗机构管理条例 art. 22): a passed one resets the point cycle."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="licence_checks",
                                    verbose_name=_("机构"))  # fmt: skip
    checked_on = models.DateField(_("校验日期"))
    passed = models.BooleanField(_("校验合格"), default=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_rule = ScopeRule(region="institution__district__code", institution="institution_id")

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("校验记录")
        verbose_name_plural = _("校验记录")
        indexes = [models.Index(fields=["institution", "checked_on"])]


class PointStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    CANCELLED = "cancelled", _("申辩成立，已撤销")


class PointEvent(models.Model):
    """Bad-practice points for one behaviour of one institution, under one rule set (never replaces a penalty)."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="point_events",
                                    verbose_name=_("机构"))  # fmt: skip
    rule_set = models.CharField(_("记分规则"), max_length=60)
    rule_version = models.DateField(_("规则版本"))
    item_code = models.CharField(_("记分项目"), max_length=20)
    behaviour = models.CharField(_("不良执业行为"), max_length=200)
    count = models.PositiveIntegerField(_("人数或科目数"), default=1)
    points = models.PositiveIntegerField(_("记分"))
    occurred_on = models.DateField(_("行为日期"))
    confirmed_on = models.DateField(_("确认日期"))
    record = models.ForeignKey(CreditRecord, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="point_events", verbose_name=_("信用记录"))  # fmt: skip
    status = models.CharField(_("状态"), max_length=12, choices=PointStatus.choices, default=PointStatus.ACTIVE)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    rules = models.JSONField(_("所用规则"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    scope_rule = ScopeRule(region="institution__district__code", institution="institution_id")

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("不良执业行为记分")
        verbose_name_plural = _("不良执业行为记分")
        indexes = [models.Index(fields=["institution", "status", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.item_code} {self.points}"


class PointNotice(models.Model):
    """The 记分通知书 of one point event: due within the working days of ``deadlines.yaml`` credit.points_notice."""

    event = models.OneToOneField(PointEvent, on_delete=models.PROTECT, related_name="notice", verbose_name=_("记分"))
    due_on = models.DateField(_("送达期限"), null=True, blank=True)  # None: the calendar lacks the year
    sent_on = models.DateField(_("送达日期"), null=True, blank=True)
    sent_late = models.BooleanField(_("逾期送达"), default=False)
    rules = models.JSONField(_("所用规则"), default=dict, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")  # fmt: skip

    scope_rule = ScopeRule(region="event__institution__district__code", institution="event__institution_id")

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("记分通知")
        verbose_name_plural = _("记分通知")


class ObjectionDecision(models.TextChoices):
    UPHELD = "upheld", _("申辩成立，撤销记分")
    REJECTED = "rejected", _("申辩不成立，维持记分")


class Objection(models.Model):
    """An institution's 申辩 against a point event, filed within its deadline and decided within its own."""

    notice = models.OneToOneField(PointNotice, on_delete=models.PROTECT, related_name="objection",
                                  verbose_name=_("记分通知"))  # fmt: skip
    filed_on = models.DateField(_("提出日期"))
    grounds = models.TextField(_("申辩理由"))
    decide_due = models.DateField(_("决定期限"), null=True, blank=True)  # None: the calendar lacks the year
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision = models.CharField(_("决定"), max_length=10, choices=ObjectionDecision.choices, blank=True)
    reasons = models.TextField(_("决定理由"), blank=True)
    decided_late = models.BooleanField(_("逾期决定"), default=False)
    rules = models.JSONField(_("所用规则"), default=dict, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip

    scope_rule = ScopeRule(region="notice__event__institution__district__code",
                           institution="notice__event__institution_id")  # fmt: skip

    class Meta:
        ordering = ["decide_due", "pk"]
        verbose_name = _("记分申辩")
        verbose_name_plural = _("记分申辩")


class InsuranceBand(models.TextChoices):
    LIGHT = "light", _("情节较轻（1—3分）")
    GENERAL = "general", _("情节一般（4—6分）")
    SERIOUS = "serious", _("情节较重（7—9分）")
    GRAVE = "grave", _("情节严重（10—12分）")


class InsurancePointEvent(models.Model):
    """医保支付资格 points of one practitioner for one act (医保发〔2024〕23号), shared across institutions."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="insurance_points",
                                     verbose_name=_("执业人员"))  # fmt: skip
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("发生机构"))  # fmt: skip
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖区域"))
    band = models.CharField(_("情节"), max_length=10, choices=InsuranceBand.choices)
    points = models.PositiveIntegerField(_("记分"))
    occurred_on = models.DateField(_("行为日期"))
    reason = models.CharField(_("记分事由"), max_length=300)
    record = models.ForeignKey(CreditRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("信用记录"))  # fmt: skip
    rules = models.JSONField(_("所用规则"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    scope_rule = ScopeRule(region="region__code")

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("医保支付资格记分")
        verbose_name_plural = _("医保支付资格记分")
        indexes = [models.Index(fields=["practitioner", "occurred_on"])]


class CreditGrade(models.Model):
    """One change of an institution's credit grade or score, with its reasons (history: a row per change)."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="credit_grades",
                                    verbose_name=_("机构"))  # fmt: skip
    grade = models.CharField(_("信用等级"), max_length=1)
    score = models.FloatField(_("信用分"))
    reasons = models.JSONField(_("理由"), default=list, blank=True, help_text="[{kind, label, points, record}]")
    computed_on = models.DateField(_("评定日期"))
    computed_at = models.DateTimeField(auto_now_add=True)
    rules = models.JSONField(_("所用规则"), default=dict, blank=True)

    scope_rule = ScopeRule(region="institution__district__code", institution="institution_id")

    class Meta:
        ordering = ["-computed_on", "-pk"]
        verbose_name = _("信用等级")
        verbose_name_plural = _("信用等级")
        indexes = [models.Index(fields=["institution", "-computed_on", "-id"], name="credit_grade_latest")]


from weijian.credit.models_lists import (  # noqa: E402, F401  (the lists, repair and exchange models: weijian/credit/models_lists.py)
    CreditListEntry,
    CrossRegionReview,
    JointMeasureTask,
    RepairRequest,
)
