from typing import Any

from django import forms
from django.contrib import admin

from weijian.core.admin_scope import AuditedAdmin, ScopedAdmin
from weijian.core.identifiers import IdentifierError, clean_badge_no, clean_cert_no, clean_uscc
from weijian.registry.models import (
    DeptCode,
    Inspector,
    Institution,
    InstitutionDept,
    Practitioner,
    PractitionerScope,
    Registration,
)


def _identifier(clean: Any, value: Any, **options: Any) -> str:
    """Normalise and validate an identifier typed in the back-office, as the importer does."""
    try:
        return clean(value, **options)
    except IdentifierError as exc:
        raise forms.ValidationError(exc.reason) from exc


class InstitutionForm(forms.ModelForm):
    def clean_uscc(self) -> str:
        return _identifier(clean_uscc, self.cleaned_data.get("uscc"))


class PractitionerForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("cert_no"):
            try:
                cleaned["cert_no"] = _identifier(clean_cert_no, cleaned["cert_no"], kind=cleaned.get("kind"))
            except forms.ValidationError as exc:
                self.add_error("cert_no", exc)
        return cleaned


class InspectorForm(forms.ModelForm):
    def clean_badge_no(self) -> str:
        return _identifier(clean_badge_no, self.cleaned_data.get("badge_no"))


class DeptInline(admin.TabularInline):
    model = InstitutionDept
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(ScopedAdmin):
    form = InstitutionForm
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
    form = PractitionerForm
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
    form = InspectorForm
    list_display = ("name", "badge_no", "department", "region", "active")
    list_filter = ("department", "active")
    search_fields = ("badge_no", "search_text")
    raw_id_fields = ("region",)


@admin.register(DeptCode)
class DeptCodeAdmin(AuditedAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
