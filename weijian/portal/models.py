"""What the public portal publishes besides the random checks: disclosures (信息公示) of decisions.

A :class:`Disclosure` is one decision as the public sees it — a penalty decision now (双公示), credit records
later — with a generic link to the record it comes from (a case's decision; in tests, any model), the 双公示
fields as published (identity numbers of natural persons already masked: the full number is never stored here),
and its window: published by ``publish_due``, shown through ``max_until``, removable early (信用修复, the credit
capability's) only after ``min_until``, withdrawn when the decision is overturned. The rules are
``rules/data/publication_windows.yaml`` (:mod:`weijian.portal.windows`); the writes are in
:mod:`weijian.portal.disclosure`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from weijian.core.models import Department, Region
from weijian.core.scope import ScopeRule


class DisclosureKind(models.TextChoices):
    PENALTY = "penalty", _("行政处罚")


class Severity(models.TextChoices):
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")
    SPECIALLY_SERIOUS = "specially_serious", _("特定严重")


class DisclosureStatus(models.TextChoices):
    PUBLISHED = "published", _("公示中")
    EXEMPT = "exempt", _("不予公示")
    WITHDRAWN = "withdrawn", _("已撤下（决定被变更或撤销）")
    EXPIRED = "expired", _("公示期满")
    REMOVED_EARLY = "removed_early", _("提前移除（信用修复）")


class Disclosure(models.Model):
    """One decision as published on the portal, with its publication window."""

    kind = models.CharField(_("公示类别"), max_length=20, choices=DisclosureKind.choices)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("来源类型"))
    source_id = models.PositiveBigIntegerField(_("来源记录"))
    source = GenericForeignKey("source_type", "source_id")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖区域"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("处罚部门"))
    party_name = models.CharField(_("行政相对人名称"), max_length=200, db_index=True)
    decision_number = models.CharField(_("决定书文号"), max_length=100, db_index=True)
    fields = models.JSONField(_("公示内容"), default=dict, help_text="the published fields, ids masked")
    severity = models.CharField(_("严重程度"), max_length=20, choices=Severity.choices)
    decided_on = models.DateField(_("处罚决定日期"))
    publish_due = models.DateField(_("公示期限"), null=True, blank=True, help_text="None: calendar year unknown")
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_late = models.BooleanField(_("逾期公示"), default=False)
    min_until = models.DateField(_("最短公示期至"), null=True, blank=True)
    max_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    early_removal = models.BooleanField(_("可提前移除"), default=False)
    exempt_reason = models.CharField(_("不予公示理由"), max_length=300, blank=True)
    rules = models.JSONField(_("所用规则"), default=dict, blank=True, help_text="rules entries used (replayable)")
    overturned_on = models.DateField(_("决定变更或撤销日期"), null=True, blank=True)
    withdraw_due = models.DateField(_("撤下期限"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    withdrawn_late = models.BooleanField(_("逾期撤下"), default=False)
    withdraw_reason = models.CharField(_("撤下理由"), max_length=500, blank=True)
    ended_at = models.DateTimeField(_("期满或移除时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=DisclosureStatus.choices,
                              default=DisclosureStatus.PUBLISHED)  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_rule = ScopeRule(region="region__code", department="department__code")

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("信息公示")
        verbose_name_plural = _("信息公示")
        indexes = [
            models.Index(fields=["kind", "status", "max_until"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_type", "source_id"], name="one_disclosure_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} {self.party_name}"
