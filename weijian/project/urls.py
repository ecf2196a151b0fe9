"""URL map: pages, the JSON API (/api/, schema at /api/openapi.json), the back-office admin."""

from django.contrib import admin
from django.urls import include, path

from weijian.project.api import api

admin.site.site_header = "卫监 · 后台管理"
admin.site.site_title = "卫监后台"

urlpatterns = [
    path("", include("weijian.core.urls")),
    path("registry/", include("weijian.registry.urls")),
    path("alerts/", include("weijian.alerts.urls")),
    path("inspections/", include("weijian.inspections.urls")),
    path("clues/", include("weijian.clues.urls")),
    path("portal/", include("weijian.portal.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
