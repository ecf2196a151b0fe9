"""Plans and draws in the back-office: read only (they change through the planning services and pages); the
draw's secret is never shown here."""

from django.contrib import admin

from weijian.alerts.admin import ReadOnlyScopedAdmin
from weijian.inspections.models import Draw, Plan


@admin.register(Plan)
class PlanAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "year", "region", "lead_department", "status")
    list_filter = ("year", "status")
    search_fields = ("name",)


@admin.register(Draw)
class DrawAdmin(ReadOnlyScopedAdmin):
    exclude = ("secret", "record")
    list_display = ("plan", "sequence", "status", "committed_at", "drawn_at", "algorithm")
    list_filter = ("status",)
