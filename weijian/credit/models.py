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


from weijian.credit.models_lists import (  # noqa: E402, F401  (the lists, repair and exchange models: weijian/credit/models_lists.py)
    CreditListEntry,
    CrossRegionReview,
    JointMeasureTask,
    RepairRequest,
)
