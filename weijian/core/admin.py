from django.contrib import admin
from django.http import HttpRequest

from weijian.core.admin_scope import AuditedAdmin
from weijian.core.models import AuditEvent, Department, DepartmentDuty, Profile, Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


class DutyInline(admin.TabularInline):
    model = DepartmentDuty
    extra = 0


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("code", "name", "is_lead")
    inlines = [DutyInline]


@admin.register(Profile)
class ProfileAdmin(AuditedAdmin):
    list_display = ("user", "role", "department", "region", "institution")
    list_filter = ("role", "department")
    raw_id_fields = ("user", "region", "institution")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit chain is append-only."""

    list_display = ("seq", "at", "actor", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("object_id", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
