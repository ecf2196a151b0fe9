"""The registries in the back-office: scoped lists, inlines and choices; every save through the guard."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from weijian.core.admin_scope import (
    AuditedAdmin,
    RequirePrimaryInScopeFormSet,
    ScopedAdmin,
    ScopedTabularInline,
)
from weijian.core.audit_changes import form_changes
from weijian.core.models import Role
from weijian.core.records import record_save
from weijian.core.scope import REGISTRY_EDITORS, require_writable, scope_of, writable
from weijian.registry.forms import InspectorConflictForm, InspectorForm, InstitutionForm, PractitionerForm
from weijian.registry.models import (
    DeptCode,
    Inspector,
    InspectorConflict,
    Institution,
    InstitutionDept,
    Practitioner,
    PractitionerScope,
    Registration,
)
from weijian.registry.selectors import linkable_users
from weijian.registry.services import registration_primary_check


class DeptInline(ScopedTabularInline):
    model = InstitutionDept


@admin.register(Institution)
class InstitutionAdmin(ScopedAdmin):
    form = InstitutionForm
    list_display = ("name", "uscc", "kind", "level", "district", "status", "licence_valid_to")
    list_filter = ("kind", "level", "status", "ownership")
    search_fields = ("uscc", "name", "search_text")
    raw_id_fields = ("district", "street")
    inlines = [DeptInline]


class ScopeInline(ScopedTabularInline):
    """执业范围: the practitioner's own field, changed only by whoever keeps the practitioner's record."""

    model = PractitionerScope
    owner_writes = True


class RegistrationInline(ScopedTabularInline):
    """Registrations at institutions in the user's scope (多点执业 elsewhere stays hidden)."""

    model = Registration
    raw_id_fields = ("institution",)
    formset = RequirePrimaryInScopeFormSet

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset


@admin.register(Practitioner)
class PractitionerAdmin(ScopedAdmin):
    """Every district where the practitioner works may open the record and manage its own registrations;
    the practitioner's own fields are read-only except for the district of the primary registration."""

    form = PractitionerForm
    list_display = ("name", "cert_no", "kind", "status", "id_masked")
    list_filter = ("kind", "status")
    search_fields = ("cert_no", "search_text")
    readonly_fields = ("id_masked",)
    inlines = [ScopeInline, RegistrationInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The change form stays open to every district that registers the practitioner (for its own
        # registrations); the fields themselves are read-only unless the user keeps the record.
        return super(ScopedAdmin, self).has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not writable(request.user, obj):
            return [f.name for f in Practitioner._meta.fields if f.editable and f.name != "id"]
        return super().get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        if change and not form.has_changed():
            return  # only inline registrations changed; they pass the guard one by one
        if not change and scope_of(request.user).role != Role.CITY_ADMIN:
            # A district's new practitioner is kept by the district of the primary registration entered with it:
            # saved first, guarded in save_related once that registration exists (all in one transaction).
            record_save(actor=request.user, obj=obj, changes=form_changes(form), guarded=False)
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change:
            require_writable(request.user, form.instance)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if isinstance(inline_form.instance, Registration) and inline_form.has_changed():
                registration_primary_check(user=request.user, registration=inline_form.instance)
        super().save_formset(request, form, formset, change)


@admin.register(Registration)
class RegistrationAdmin(ScopedAdmin):
    list_display = ("practitioner", "institution", "is_primary", "valid_from", "valid_to")
    raw_id_fields = ("practitioner", "institution")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "practitioner":  # a district registers anyone (多点执业) at its own institutions
            kwargs["queryset"] = Practitioner.objects.all()
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        assert isinstance(obj, Registration)
        registration_primary_check(user=request.user, registration=obj)
        super().save_model(request, obj, form, change)


class ConflictInline(ScopedTabularInline):
    model = InspectorConflict
    form = InspectorConflictForm
    raw_id_fields = ("institution",)


@admin.register(Inspector)
class InspectorAdmin(ScopedAdmin):
    form = InspectorForm
    list_display = ("name", "badge_no", "department", "region", "badge_valid_to", "active")
    list_filter = ("department", "active")
    search_fields = ("badge_no", "search_text")
    raw_id_fields = ("region",)
    inlines = [ConflictInline]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":  # only accounts of the user's own scope can be linked (no list of all users)
            kwargs["queryset"] = linkable_users(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(InspectorConflict)
class InspectorConflictAdmin(ScopedAdmin):
    """申报回避: declared by (or for) the inspector, kept by whoever keeps the inspector."""

    form = InspectorConflictForm
    list_display = ("inspector", "institution", "reason", "declared_on", "ended_on")
    search_fields = ("inspector__badge_no", "inspector__name", "institution__name", "institution__uscc")
    raw_id_fields = ("inspector", "institution")


@admin.register(DeptCode)
class DeptCodeAdmin(AuditedAdmin):
    """The 诊疗科目 catalogue is reference data: the system administrator keeps it."""

    roles = frozenset({Role.SYSTEM_ADMIN})
    read_roles = REGISTRY_EDITORS
    list_display = ("code", "name")
    search_fields = ("code", "name")
