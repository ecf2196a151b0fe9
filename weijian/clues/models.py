"""Clues (案源线索): the one entry point of case handling.

Every way a possible violation reaches an office — a non-compliance found on an inspection, an alert
work item disposed as 转为案源线索, a complaint, a partner department's transfer — becomes one
:class:`Clue` that keeps its source. The complaints-and-cases capability extends it (acceptance,
立案, the case); this app only records and lists clues.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from weijian.core.models import Department, Region
from weijian.core.scope import ScopeRule
from weijian.registry.models import Institution


class ClueSource(models.TextChoices):
    INSPECTION = "inspection", _("现场检查发现")
    WORK_ITEM = "work_item", _("预警工作项")
    COMPLAINT = "complaint", _("投诉举报")
    TRANSFER = "transfer", _("部门移送")
    OTHER = "other", _("其他")


class ClueStatus(models.TextChoices):
    """new 待核查 → verifying 核查中 → case 已立案 (weijian.cases registers the case) or closed 不予立案 (reason kept)."""

    NEW = "new", _("待核查")
    VERIFYING = "verifying", _("核查中")
    CASE = "case", _("已立案")
    CLOSED = "closed", _("不予立案")


class Clue(models.Model):
    """One possible violation by one subject, with where it came from."""

    number = models.CharField(_("线索编号"), max_length=40, unique=True)
    source_kind = models.CharField(_("来源"), max_length=20, choices=ClueSource.choices)
    source_id = models.PositiveBigIntegerField(_("来源记录"), null=True, blank=True)
    source_ref = models.CharField(
        _("来源条目"), max_length=60, blank=True,
        help_text="the part of the source record, e.g. 'CC00227:1.1' (a checklist line of an inspection)",
    )  # fmt: skip
    source_label = models.CharField(_("来源说明"), max_length=300, blank=True)
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clues",
        verbose_name=_("当事单位"),
    )
    subject_name = models.CharField(
        _("当事人"), max_length=200, help_text=_("未登记的当事人（如非法行医）写名称")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖区域"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办部门")
    )
    facts = models.TextField(_("违法事实"))
    evidence = models.JSONField(
        _("证据"), default=list, blank=True, help_text="list of {kind, ref, sha256, label}"
    )
    status = models.CharField(_("状态"), max_length=12, choices=ClueStatus.choices, default=ClueStatus.NEW)
    status_reason = models.TextField(_("不予立案理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_rule = ScopeRule(region="region__code", department="department__code")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("案源线索")
        verbose_name_plural = _("案源线索")
        indexes = [models.Index(fields=["source_kind", "source_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id", "source_ref"], name="one_clue_per_source",
                condition=models.Q(source_id__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_name}"
