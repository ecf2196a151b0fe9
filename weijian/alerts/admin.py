from django.contrib import admin

from weijian.alerts.models import Alert, AnalyticsRun
from weijian.core.admin_scope import AuditedAdmin, ScopedAdmin


@admin.register(Alert)
class AlertAdmin(ScopedAdmin):
    list_display = ("rule_name", "subject_id", "institution", "department", "severity", "status", "due_date")
    list_filter = ("rule_id", "severity", "status", "department")
    search_fields = ("subject_id", "institution_code")
    raw_id_fields = ("institution", "practitioner", "run", "district")
    readonly_fields = ("evidence",)


@admin.register(AnalyticsRun)
class AnalyticsRunAdmin(AuditedAdmin):
    list_display = ("period_start", "period_end", "engine", "loaded_at", "loaded_by")
    readonly_fields = ("report",)
