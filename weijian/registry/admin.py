from django.contrib import admin

from weijian.core.admin_scope import AuditedAdmin, ScopedAdmin
from weijian.registry.models import (
    DeptCode,
    Inspector,
    Institution,
    InstitutionDept,
    Practitioner,
    PractitionerScope,
    Registration,
)


class DeptInline(admin.TabularInline):
    model = InstitutionDept
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(ScopedAdmin):
    list_display = ("name", "uscc", "kind", "level", "district", "status", "licence_valid_to")
    list_filter = ("kind", "level", "status", "ownership")
    search_fields = ("uscc", "name", "search_text")
    raw_id_fields = ("district", "street")
    inlines = [DeptInline]


class ScopeInline(admin.TabularInline):
    model = PractitionerScope
    extra = 0


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ("institution",)


@admin.register(Practitioner)
class PractitionerAdmin(ScopedAdmin):
    list_display = ("name", "cert_no", "kind", "status", "id_masked")
    list_filter = ("kind", "status")
    search_fields = ("cert_no", "search_text")
    exclude = ("id_digest",)
    inlines = [ScopeInline, RegistrationInline]


@admin.register(Registration)
class RegistrationAdmin(ScopedAdmin):
    list_display = ("practitioner", "institution", "is_primary", "valid_from", "valid_to")
    raw_id_fields = ("practitioner", "institution")


@admin.register(Inspector)
class InspectorAdmin(ScopedAdmin):
    list_display = ("name", "badge_no", "department", "region", "active")
    list_filter = ("department", "active")
    search_fields = ("badge_no", "search_text")
    raw_id_fields = ("region",)


@admin.register(DeptCode)
class DeptCodeAdmin(AuditedAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
