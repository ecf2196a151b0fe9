"""Issued enforcement documents (执法文书) and the sequences their numbers are drawn from.

An :class:`IssuedDocument` is one PDF as issued: its kind, its number (文号 or 编号), the SHA-256 and stored name
of the file in the evidence store, the context it was filled from and the subject it is about (a generic link:
a case, a clue, an institution …). Its number comes from a :class:`DocumentSequence`: one row per issuing office
(region + department), sequence group and year, locked while a number is drawn. A number is never reused: a
voided document keeps its number and is marked 作废.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from weijian.core.models import Department, Region
from weijian.core.scope import ScopeRule


class Numbering(models.TextChoices):
    WENHAO = "wenhao", _("文号")
    SERIAL = "serial", _("编号")


class DocumentSequence(models.Model):
    """The last 序号 drawn by one issuing office for one sequence group in one year."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("发文区域"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("发文部门"))
    group = models.CharField(_("序号类别"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("文书序号")
        verbose_name_plural = _("文书序号")
        constraints = [
            models.UniqueConstraint(fields=["region", "department", "group", "year"], name="one_sequence_per_office_year")
        ]

    def __str__(self) -> str:
        return f"{self.region.code}/{self.department.code}/{self.group}/{self.year}: {self.last}"


class IssuedDocument(models.Model):
    """One enforcement document as issued (a PDF in the evidence store, under its SHA-256)."""

    kind = models.CharField(_("文书种类"), max_length=40)
    title = models.CharField(_("文书名称"), max_length=60)
    numbering = models.CharField(_("编号方式"), max_length=10, choices=Numbering.choices)
    number = models.CharField(_("文号或编号"), max_length=80)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("发文区域"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("发文部门"))
    sequence_group = models.CharField(_("序号类别"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年份"))
    sequence = models.PositiveIntegerField(_("序号"))
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("文书对象类型"))
    subject_id = models.PositiveBigIntegerField(_("文书对象"))
    subject = GenericForeignKey("subject_type", "subject_id")
    context = models.JSONField(_("文书内容"), default=dict)
    rules = models.JSONField(_("所依规则"), default=dict, help_text="rules file, entry date and content hash used")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_name = models.CharField(_("存储文件"), max_length=120)
    size = models.PositiveIntegerField(_("文件大小"))
    issued_on = models.DateField(_("文书日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("签发人"),
    )  # fmt: skip
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("作废人"),
    )  # fmt: skip
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)

    scope_rule = ScopeRule(region="region__code", department="department__code")

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "department", "sequence_group", "year", "sequence"], name="document_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def filename(self) -> str:
        """行政处罚决定书沪黄卫医罚〔2026〕001号.pdf (作废 marked)."""
        void = "（作废）" if self.is_void else ""  # i18n: data (the file name of a Chinese legal text)
        return f"{self.title}{self.number}{void}.pdf"
