"""Back-office views of complaints and API keys: read only (they change only through their services, audited)."""

from __future__ import annotations

from django.contrib import admin

from weijian.alerts.admin import ReadOnlyAdmin, ReadOnlyScopedAdmin
from weijian.complaints.models import ApiKey, Complaint
from weijian.core.models import Role


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyScopedAdmin):
    """The complainant's name, phone and e-mail are not shown here: the complaint page shows them, masked."""

    exclude = ("complainant_name", "complainant_phone", "complainant_email", "description")
    list_display = ("tracking_code", "category", "source", "district", "department", "status", "received_at")
    list_filter = ("status", "source", "category", "department")
    search_fields = ("tracking_code", "subject_name")


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    read_roles = frozenset({Role.CITY_ADMIN})
    exclude = ("key_sha256",)
    list_display = ("name", "prefix", "department", "per_minute", "active", "created_at")
