"""Back-office view of the analytics scores: read only (they change only by loading a run)."""

from django.contrib import admin

from weijian.alerts.admin import ReadOnlyScopedAdmin
from weijian.risk.models import AnalyticsScore


@admin.register(AnalyticsScore)
class AnalyticsScoreAdmin(ReadOnlyScopedAdmin):
    list_display = ("institution", "period_end", "score", "grade", "run")
    list_filter = ("grade", "period_end")
    search_fields = ("institution__uscc", "institution__name")
