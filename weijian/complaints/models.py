"""Complaints and reports (投诉举报) from the public form, from partner systems over Open311, or entered by staff.

A complaint keeps what the filer gave (category, text, where, about whom, who they are unless anonymous, photos),
where it was routed and why (:mod:`weijian.complaints.routing`), and its handling: received → accepted or not
accepted (with the reason) → replied → closed, or turned into a clue (案源线索). Its deadlines (``complaint.accept``,
``complaint.reply``) are computed when read, from the rules in force on the day each one starts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from weijian.clues.models import Clue
from weijian.core.models import Department, Region
from weijian.core.scope import ScopeRule
from weijian.registry.models import Institution


class ComplaintSource(models.TextChoices):
    WEB = "web", _("网上投诉")
    OPEN311 = "open311", _("合作系统接口")
    STAFF = "staff", _("工作人员录入")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("已收到")
    ACCEPTED = "accepted", _("已受理")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    TO_CLUE = "to_clue", _("已转为案源线索")


class ComplaintChannel(models.TextChoices):
    """How a complaint entered by staff came in (来电来访来信)."""

    HOTLINE = "hotline", _("来电")
    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")


OPEN_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED)
OTHER_CATEGORY = "other"


class ApiKey(models.Model):
    """A partner system's key for the Open311 intake (e.g. the city's 12345 hotline) and the partner API of
    transfers (``/api/transfers``). Only its SHA-256 is kept."""

    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("密钥前缀"), max_length=8, unique=True)
    key_sha256 = models.CharField(max_length=64, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属部门"))
    active = models.BooleanField(_("有效"), default=True)
    per_minute = models.PositiveIntegerField(_("每分钟请求上限"))
    created_at = models.DateTimeField(default=timezone.now)
    # The key's system user: a partner officer of the key's department (city-wide) who cannot sign in. The partner
    # API acts as this user, so the data scope and the write-side guard apply and the audit chain names the key.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="api_key", verbose_name=_("系统用户"))  # fmt: skip
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    use_count = models.PositiveBigIntegerField(_("使用次数"), default=0)
    refused_count = models.PositiveBigIntegerField(_("超限拒绝次数"), default=0)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    scope_rule = ScopeRule(region=None, department="department__code")

    class Meta:
        ordering = ["name"]
        verbose_name = _("接口密钥")
        verbose_name_plural = _("接口密钥")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Complaint(models.Model):
    """One complaint or report, as filed, with its routing and its handling."""

    tracking_code = models.CharField(_("查询码"), max_length=11, unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=ComplaintSource.choices)
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(_("外部工单号"), max_length=60, blank=True)
    category = models.CharField(_("投诉类别"), max_length=40, blank=True, help_text="responsibilities.yaml code, or other")
    description = models.TextField(_("问题描述"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("发生地"))
    address = models.CharField(_("详细地址"), max_length=300, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="complaints", verbose_name=_("被投诉单位"))  # fmt: skip
    subject_name = models.CharField(_("被投诉对象"), max_length=200, blank=True)
    subject_key = models.CharField(max_length=200, blank=True, editable=False,
                                   help_text="subject_name normalised for duplicate matching")  # fmt: skip
    anonymous = models.BooleanField(_("匿名"), default=False)
    complainant_name = models.CharField(_("投诉人"), max_length=60, blank=True)
    complainant_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    complainant_email = models.CharField(_("电子邮箱"), max_length=120, blank=True)
    channel = models.CharField(_("受理渠道"), max_length=10, choices=ComplaintChannel.choices, blank=True,
                               help_text="staff entries: how the complaint came in (hotline, visit, letter)")  # fmt: skip
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    # routing: where it is handled (department None = the triage queue) and why
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办区"))
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("承办部门"))  # fmt: skip
    routing = models.JSONField(_("分派依据"), default=dict, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="duplicates", verbose_name=_("重复于"))  # fmt: skip
    status = models.CharField(_("状态"), max_length=14, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED)
    not_accepted_reason = models.TextField(_("不予受理理由"), blank=True)
    reply = models.TextField(_("答复"), blank=True)
    clue = models.ForeignKey(Clue, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("案源线索"))  # fmt: skip
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # the one approved extension of the reply deadline (complaint.reply_extension): days, reason, who approved, when
    extension_days = models.PositiveSmallIntegerField(_("延期天数"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extension_approver = models.CharField(_("延期批准人"), max_length=60, blank=True)
    extended_at = models.DateTimeField(_("延期批准时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_rule = ScopeRule(region="district__code", department="department__code")

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        indexes = [
            models.Index(fields=["department", "district", "status"]),
            models.Index(fields=["institution", "category", "status"]),
            models.Index(fields=["subject_key", "category", "status"]),
            models.Index(fields=["status", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.subject_label}"

    @property
    def subject_label(self) -> str:
        return self.institution.name if self.institution_id else self.subject_name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def in_triage(self) -> bool:
        return self.department_id is None


class ComplaintPhoto(models.Model):
    """A photo filed with a complaint, kept in the evidence store under its SHA-256."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    scope_rule = ScopeRule(region="complaint__district__code", department="complaint__department__code")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("投诉照片")
        verbose_name_plural = _("投诉照片")

    def __str__(self) -> str:
        return self.sha256[:12]
