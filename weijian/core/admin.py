"""The back-office of the three administrators (三权分立, GB/T 22239-2019 level 3).

- 系统管理员 (system administrator): accounts (create, name, deactivate, reset a password) and reference
  data (regions, departments and their duties, the 诊疗科目 catalogue); no business records, no audit log.
- 安全管理员 (security administrator): roles (a user's profile), permissions (groups, staff access), lockouts
  (django-axes); no business records. Nobody changes their own role or permissions.
- 审计管理员 (audit administrator): reads, verifies and exports the audit log, and nothing else.

No one is made a superuser in daily use; ``weijian createsuperuser`` gives a break-glass account that acts
as the security administrator (see ``weijian.core.scope.scope_of``).
"""

from __future__ import annotations

import json
from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import admin as _static_admin  # noqa: F401  (registered, then removed below)
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice

from weijian.core import otp
from weijian.core.access_log import access_seal
from weijian.core.admin_scope import AuditedAdmin, RoleGate
from weijian.core.audit import action_label, audit_record, audit_seal, audit_verify
from weijian.core.audit_changes import form_changes
from weijian.core.models import (
    ADMINISTRATOR_ROLES,
    AccessEvent,
    AuditEvent,
    Department,
    DepartmentDuty,
    Profile,
    Region,
    Role,
)
from weijian.core.people import display_name
from weijian.core.records import record_delete, record_save
from weijian.core.scope import scope_of
from weijian.core.sessions import sessions_end_all
from weijian.core.xlsx import XLSX_MIME, workbook_bytes

SYSTEM = frozenset({Role.SYSTEM_ADMIN})
SECURITY = frozenset({Role.SECURITY_ADMIN})
AUDIT = frozenset({Role.AUDIT_ADMIN})


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    roles = SYSTEM
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


class DutyInline(RoleGate, admin.TabularInline):
    roles = SYSTEM
    model = DepartmentDuty
    extra = 0


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    roles = SYSTEM
    list_display = ("code", "name", "is_lead")
    inlines = [DutyInline]


class NotSelf:
    """The security administrator never changes their own role or permissions."""

    def _is_self(self, request: HttpRequest, obj: Any) -> bool:
        user = getattr(obj, "user", obj)
        return obj is not None and getattr(user, "pk", None) == request.user.pk

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._is_self(request, obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._is_self(request, obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


@admin.register(Profile)
class ProfileAdmin(NotSelf, AuditedAdmin):
    roles = SECURITY
    list_display = ("user", "role", "department", "region", "institution")
    list_filter = ("role", "department")
    raw_id_fields = ("user", "region", "institution")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.user_id == request.user.pk:  # not even by adding a profile to one's own account
            raise PermissionDenied(gettext("不能为自己设定角色"))
        super().save_model(request, obj, form, change)


def _role_of(request: HttpRequest) -> str:
    return scope_of(request.user).role


def _is_administrator(user: Any) -> bool:
    """One of the three administrators, or a superuser (the break-glass account)."""
    return bool(user.is_superuser) or scope_of(user).role in ADMINISTRATOR_ROLES


admin.site.unregister(User)
# The second factor's devices hold secrets: no back-office page shows or edits them; the security
# administrator resets a user's second factor with the accounts' action below (weijian.core.otp).
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)


@admin.register(User)
class AccountAdmin(NotSelf, RoleGate, UserAdmin):
    """Accounts: the system administrator keeps who exists (names, active, password); the security
    administrator keeps what they may do (staff access, groups, permissions). Nobody sets superuser here."""

    roles = SYSTEM | SECURITY
    list_display = ("username", "last_name", "first_name", "email", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups")
    _account = (None, {"fields": ("username", "password")})
    _names = (_("个人信息"), {"fields": ("last_name", "first_name", "email")})
    _state = (_("状态"), {"fields": ("is_active", "last_login", "date_joined")})
    _permissions = (_("权限"), {"fields": ("is_staff", "groups", "user_permissions")})

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        if _role_of(request) == Role.SECURITY_ADMIN:
            return ((None, {"fields": ("username",)}), self._names, self._state, self._permissions)
        return (self._account, self._names, self._state)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        if _role_of(request) == Role.SECURITY_ADMIN:
            return ("username", "last_name", "first_name", "email", "is_active", "last_login", "date_joined")
        return ("last_login", "date_joined")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _role_of(request) == Role.SYSTEM_ADMIN and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit log names them

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """The system administrator keeps the business users' accounts, not the other administrators' (else a
        password reset would let one administrator act as another); the break-glass account resets those."""
        if obj is not None and _role_of(request) == Role.SYSTEM_ADMIN and _is_administrator(obj):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = form_changes(form)
        record_save(actor=request.user, obj=obj, changes=changes, guarded=False)

    actions = ("reset_second_factor", "end_sessions")

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """Resetting a second factor and ending sessions: the security administrator's (and break-glass) only."""
        found = super().get_actions(request)
        if _role_of(request) != Role.SECURITY_ADMIN:
            found.pop("reset_second_factor", None)
            found.pop("end_sessions", None)
        return found

    @admin.action(description=_("重置双因素认证（下次登录时重新绑定）"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = [user for user in queryset if otp.may_reset(request.user, user)]
        for user in done:
            otp.otp_reset(actor=request.user, user=user)
        self.message_user(request, gettext("已重置 %(n)d 个账号的双因素认证（不能重置自己的）") % {"n": len(done)})

    @admin.action(description=_("结束登录（在所有设备上退出）"))
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ended = sum(sessions_end_all(actor=request.user, user=user) for user in queryset)
        self.message_user(request, gettext("已结束 %(n)d 个登录会话") % {"n": ended})

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        target = User.objects.filter(pk=id).first()
        if _role_of(request) != Role.SYSTEM_ADMIN or target is None or _is_administrator(target):
            raise PermissionDenied
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                audit_record(actor=request.user, action="admin.auth.user.password", object_type="auth.user", object_id=id)
        return response


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(RoleGate, GroupAdmin):
    roles = SECURITY

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        record_save(actor=request.user, obj=obj, changes=form_changes(form), guarded=False)


class AccessAttemptLabels:
    """Column names of axes' lockout list that axes leaves untranslated."""

    @admin.display(description=_("过期时间"))
    def expiration(self, obj: AccessAttempt) -> Any:
        return super().expiration(obj)  # type: ignore[misc]

    @admin.display(description=_("状态"))
    def status(self, obj: AccessAttempt) -> Any:
        return super().status(obj)  # type: ignore[misc]


class AuditedDeletes:
    """Deleting a lockout record unlocks an account: audited like every other change."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_delete(actor=request.user, obj=obj, guarded=False)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                record_delete(actor=request.user, obj=obj, guarded=False)


for _model, _admin in ((AccessAttempt, AccessAttemptAdmin), (AccessLog, AccessLogAdmin),
                       (AccessFailureLog, AccessFailureLogAdmin)):  # fmt: skip
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    _bases = (AccessAttemptLabels,) if _model is AccessAttempt else ()
    admin.site.register(_model, type(f"Secured{_admin.__name__}", (*_bases, AuditedDeletes, RoleGate, _admin),
                                     {"roles": SECURITY}))  # fmt: skip


class ActionFilter(admin.SimpleListFilter):
    """Filter the audit log by action, the actions named in words."""

    title = _("操作")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        return sorted(((code, action_label(code) or code) for code in codes), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        return queryset.filter(action=self.value()) if self.value() else queryset


def actor_shown(event: AuditEvent) -> str:
    """The actor by name with the login in brackets (the log keeps the login); the system and the demo as such."""
    if event.actor in ("", "system"):
        return str(_("系统"))
    name = display_name(getattr(event, "actor_first", ""), getattr(event, "actor_last", ""), "")
    return gettext("%(name)s（%(login)s）") % {"name": name, "login": event.actor} if name else event.actor


@admin.register(AuditEvent)
class AuditEventAdmin(RoleGate, admin.ModelAdmin):
    """Read-only: the audit chain is append-only. The audit administrator verifies and exports it."""

    read_roles = AUDIT
    list_display = ("seq_shown", "at_shown", "actor_name", "action_name", "object_type_shown", "object_id_shown")
    list_display_links = ("seq_shown",)
    list_filter = (ActionFilter,)
    search_fields = ("object_id", "actor", "action")
    actions = ["export_xlsx", "verify_chain"]
    fields = ("seq_shown", "at_shown", "actor_name", "action_name", "object_type_shown", "object_id_shown",
              "data_shown", "prev_hash_shown", "hash_shown", "key_id_shown")  # fmt: skip
    readonly_fields = fields

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        audit_seal(wait=False)  # events written a moment ago are shown in the chain, with their number
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        users = User.objects.filter(username=OuterRef("actor"))
        return super().get_queryset(request).annotate(
            actor_first=Subquery(users.values("first_name")[:1]), actor_last=Subquery(users.values("last_name")[:1])
        )

    @admin.display(description=_("序号"), ordering="seq")
    def seq_shown(self, event: AuditEvent) -> int:
        return event.seq

    @admin.display(description=_("时间"), ordering="at")
    def at_shown(self, event: AuditEvent) -> str:
        return timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")

    @admin.display(description=_("操作人"), ordering="actor")
    def actor_name(self, event: AuditEvent) -> str:
        return actor_shown(event)

    @admin.display(description=_("操作"), ordering="action")
    def action_name(self, event: AuditEvent) -> str:
        label = action_label(event.action)
        return gettext("%(label)s（%(code)s）") % {"label": label, "code": event.action} if label else event.action

    @admin.display(description=_("记录类型"), ordering="object_type")
    def object_type_shown(self, event: AuditEvent) -> str:
        return event.object_type

    @admin.display(description=_("记录"))
    def object_id_shown(self, event: AuditEvent) -> str:
        return event.object_id

    @admin.display(description=_("内容"))
    def data_shown(self, event: AuditEvent) -> str:
        return json.dumps(event.data, ensure_ascii=False, indent=1)

    @admin.display(description=_("前一事件认证码"))
    def prev_hash_shown(self, event: AuditEvent) -> str:
        return event.prev_hash

    @admin.display(description=_("认证码"))
    def hash_shown(self, event: AuditEvent) -> str:
        return event.hash

    @admin.display(description=_("密钥"))
    def key_id_shown(self, event: AuditEvent) -> str:
        return event.key_id or gettext("（启用密钥前的 SHA-256）")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Django offers actions only to users with change permission by default; these two only read.
        return {name: (getattr(type(self), name), name, getattr(type(self), name).short_description)
                for name in self.actions} if self._may_read(request) else {}  # fmt: skip

    @admin.action(description=_("导出所选审计事件（Excel）"))
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> HttpResponse:
        audit_seal()
        events = queryset.order_by("seq", "pk")
        first = events.values_list("seq", flat=True).first()
        audit_record(actor=request.user, action="core.audit.export", object_type="audit_event",
                     data={"events": events.count(), "first": first})  # fmt: skip
        rows = ([e.seq, timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), actor_shown(e),
                 action_label(e.action) or e.action, e.action, e.object_type, e.object_id,
                 json.dumps(e.data, ensure_ascii=False), e.hash, e.key_id]
                for e in events.iterator(chunk_size=2000))  # fmt: skip
        headers = [gettext("序号"), gettext("时间"), gettext("操作人"), gettext("操作"), gettext("操作代码"),
                   gettext("记录类型"), gettext("记录"), gettext("内容"), gettext("消息认证码（MAC）"),
                   gettext("密钥标识")]  # fmt: skip
        content = workbook_bytes(gettext("审计日志"), headers, rows)
        response = HttpResponse(content, content_type=XLSX_MIME)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''audit-{timezone.localdate():%Y%m%d}.xlsx"
        return response

    @admin.action(description=_("校验审计哈希链"))
    def verify_chain(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> None:
        result = audit_verify()
        if result.ok:
            shown = gettext("哈希链完整：已校验 %(count)d 条事件") % {"count": result.checked}
            self.message_user(request, shown, messages.SUCCESS)
        else:
            self.message_user(request, gettext("哈希链被破坏：%(problem)s") % {"problem": result.broken}, messages.ERROR)


@admin.register(AccessEvent)
class AccessEventAdmin(RoleGate, admin.ModelAdmin):
    """The access log of unmasked personal data: read by the audit administrator, changed by no one."""

    read_roles = AUDIT
    list_display = ("seq", "at", "actor", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("object_id", "actor")
    readonly_fields = ("seq", "at", "actor", "action", "object_type", "object_id", "data", "prev_hash", "hash", "key_id")

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        access_seal(wait=False)
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
