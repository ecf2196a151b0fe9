from django.contrib import admin

from weijian.alerts.models import Alert, AnalyticsRun
from weijian.core.admin_scope import AuditedAdmin, ScopedAdmin, read_only_model
from weijian.core.models import Role


@admin.register(Alert)
@read_only_model
class AlertAdmin(ScopedAdmin):
    """View only: alerts change through the disposal workflow (pages and services), never here."""

    list_display = ("rule_name", "subject_id", "institution", "department", "severity", "status", "due_date")
    list_filter = ("rule_id", "severity", "status", "department")
    search_fields = ("subject_id", "institution_code")
    raw_id_fields = ("institution", "practitioner", "run", "district")
    readonly_fields = ("evidence",)


@admin.register(AnalyticsRun)
@read_only_model
class AnalyticsRunAdmin(AuditedAdmin):
    read_roles = frozenset({Role.CITY_ADMIN})
    list_display = ("period_start", "period_end", "engine", "loaded_at", "loaded_by")
    readonly_fields = ("report",)
