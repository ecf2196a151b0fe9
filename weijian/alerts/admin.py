"""Back-office views of the alerts app: read only.

An item's status, routing, assignee and who disposed of it change only through the pages and their
services (audited, workflow-checked); the admin shows them and changes nothing — no add, no edit, no
delete, not even for a superuser.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from weijian.alerts.models import Alert, AnalyticsRun, Indicator, WorkItem
from weijian.core.admin_scope import RoleGate, ScopedAdmin
from weijian.core.models import Role
from weijian.core.scope import REGISTRY_EDITORS


class ReadOnlyAdmin(RoleGate, admin.ModelAdmin):
    """View only: every field read-only, no add / change / delete, no bulk actions."""

    read_roles = REGISTRY_EDITORS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}


class ReadOnlyScopedAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Read only, and only what the user's data scope shows (404 outside it)."""


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyScopedAdmin):
    list_display = ("rule_name", "institution_code", "institution", "department", "region", "line_count", "status",
                    "outcome", "deadline", "assignee")  # fmt: skip
    list_filter = ("rule_id", "severity", "status", "outcome", "department")
    search_fields = ("institution_code", "group_key")


@admin.register(Alert)
class AlertAdmin(ReadOnlyScopedAdmin):
    """The raw evidence (patient ids, diagnoses) is not shown here: the item page shows it, masked per reader."""

    exclude = ("evidence",)
    list_display = ("rule_id", "subject_id", "institution_code", "fact_date", "amount", "severity", "item")
    list_filter = ("rule_id", "severity")
    search_fields = ("subject_id", "institution_code")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyScopedAdmin):
    list_display = ("institution", "indicator_id", "period", "value")
    list_filter = ("indicator_id",)


@admin.register(AnalyticsRun)
class AnalyticsRunAdmin(ReadOnlyAdmin):
    read_roles = frozenset({Role.CITY_ADMIN})
    list_display = ("period_start", "period_end", "engine", "loaded_at", "loaded_by")
