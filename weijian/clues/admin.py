"""Back-office view of clues: read only (clues change only through their services, audited)."""

from __future__ import annotations

from django.contrib import admin

from weijian.alerts.admin import ReadOnlyScopedAdmin
from weijian.clues.models import Clue


@admin.register(Clue)
class ClueAdmin(ReadOnlyScopedAdmin):
    list_display = ("number", "subject_name", "source_kind", "source_ref", "department", "region", "status", "created_at")
    list_filter = ("status", "source_kind", "department")
    search_fields = ("number", "subject_name")
