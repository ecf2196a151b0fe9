"""Back-office view of the credit archive: read only (records change only through the credit services)."""

from __future__ import annotations

from django.contrib import admin

from weijian.alerts.admin import ReadOnlyScopedAdmin
from weijian.credit.models import CreditRecord


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "institution", "practitioner", "source_kind", "source_key", "severity", "occurred_on",
                    "region")  # fmt: skip
    list_filter = ("source_kind", "category", "severity")
    search_fields = ("source_key", "title", "violation_code")
    raw_id_fields = ("institution", "practitioner", "corrects", "disclosure")
