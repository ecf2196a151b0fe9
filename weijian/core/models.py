"""Regions (行政区划 and grids), departments and their duties, user roles, the audit chain."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A 行政区划 (province, city, district) or a street / grid below a district.

    Codes nest by prefix: a district's 6-digit code starts with its city's significant digits,
    a street's 9-digit code starts with its district's, a grid's with its street's. Data scope
    matches on :attr:`prefix`.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("地级市")
        DISTRICT = "district", _("区县")
        STREET = "street", _("街道乡镇")
        GRID = "grid", _("网格")

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return _("%(name)s（%(code)s）") % {"name": self.name, "code": self.code}

    @property
    def prefix(self) -> str:
        """Significant leading digits: 310000 → 31, 320200 → 3202, 310101 → 310101."""
        return region_prefix(self.code)


def region_prefix(code: str) -> str:
    if len(code) == 6:
        trimmed = code
        while trimmed.endswith("00") and len(trimmed) > 2:
            trimmed = trimmed[:-2]
        return trimmed
    return code


class Department(models.Model):
    """A government department taking part in comprehensive supervision, keyed by a stable short code."""

    code = models.SlugField(_("部门代码"), max_length=30, unique=True)
    name = models.CharField(_("部门名称"), max_length=60)
    is_lead = models.BooleanField(_("牵头部门"), default=False)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["-is_lead", "code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class DepartmentDuty(models.Model):
    """One supervision duty of a department (the responsibility list, 部门职责分工)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="duties")
    text = models.TextField(_("职责"))
    ordinal = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["department", "ordinal"]
        verbose_name = _("部门职责")
        verbose_name_plural = _("部门职责")

    def __str__(self) -> str:
        return self.text[:40]


class Role(models.TextChoices):
    """Business roles work on supervision records inside their data scope; the three administrators
    (三权分立, GB/T 22239-2019 level 3) run the system and never see or change business records."""

    CITY_ADMIN = "city_admin", _("市级管理员")
    DISTRICT_MANAGER = "district_manager", _("区级科室负责人")
    INSPECTOR = "inspector", _("监督员")
    PARTNER_OFFICER = "partner_officer", _("协同部门工作人员")
    INSTITUTION_USER = "institution_user", _("医疗机构用户")
    PUBLIC = "public", _("公众")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
"""系统管理员 (accounts, reference data), 安全管理员 (roles, permissions, lockouts), 审计管理员 (the audit log):
no business records for any of them."""


class Profile(models.Model):
    """Who a user is in the supervision system: role, department, region, institution."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.PUBLIC)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    institution = models.ForeignKey(
        "registry.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("用户身份")
        verbose_name_plural = _("用户身份")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ChainedEvent(models.Model):
    """The fields of an event of a keyed chain (weijian.core.audit_chain).

    ``hash`` is the event's MAC: ``HMAC(key[key_id], canonical(chain, seq, at, actor, action, object_type,
    object_id, data, prev_hash, key_id))`` under a key kept outside the database; events sealed before the chain
    had keys carry a plain SHA-256 and an empty ``key_id``. An event is written *pending* (``seq`` and ``hash``
    empty) and sealed into the chain right after its transaction commits.
    """

    seq = models.BigIntegerField(unique=True, null=True, blank=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=80, blank=True, db_index=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    key_id = models.CharField(max_length=40, blank=True)

    class Meta:
        abstract = True
        ordering = ["seq", "pk"]

    def __str__(self) -> str:
        return f"#{self.seq if self.seq is not None else '-'} {self.action} {self.object_type}:{self.object_id}"


class ChainHead(models.Model):
    """A chain's tip (a single row): the sealer's lock, and a guard against deleting the last events."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=40, blank=True)

    class Meta:
        abstract = True


class AuditEvent(ChainedEvent):
    """One entry of the append-only, keyed audit log; editing, deleting, reordering or recomputing any event
    without the key breaks the chain, which ``weijian audit verify`` finds."""

    class Meta(ChainedEvent.Meta):
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")


class AuditHead(ChainHead):
    """The audit chain's tip."""


class AccessEvent(ChainedEvent):
    """One view of unmasked personal data (the access log): its own chain and head, so that reading a page
    never waits on the audit chain's head. ``action`` says what was shown, ``data`` which fields."""

    class Meta(ChainedEvent.Meta):
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")


class AccessHead(ChainHead):
    """The access log's tip."""


class Notification(models.Model):
    """An in-app notice to one user (a deadline coming up or passed), shown under the bell in the header.

    ``key`` makes a notice idempotent: ``weijian deadlines notify`` writes one per user, deadline and day.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    key = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)
    read = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("消息提醒")
        verbose_name_plural = _("消息提醒")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_key")]
        indexes = [models.Index(fields=["user", "read"])]

    def __str__(self) -> str:
        return self.text


class PasswordHistory(models.Model):
    """A password a user had (its hash only), so the last few cannot be chosen again (weijian.core.passwords)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["user", "-changed_at"])]
