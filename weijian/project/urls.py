"""URL map: pages, the JSON API (/api/, schema at /api/openapi.json), the back-office admin."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from weijian.project.api import api

admin.site.site_header = _("卫监 · 后台管理")
admin.site.site_title = _("卫监后台")

urlpatterns = [
    path("", include("weijian.core.urls")),
    path("registry/", include("weijian.registry.urls")),
    path("alerts/", include("weijian.alerts.urls")),
    path("inspections/plans/", include("weijian.inspections.planning.urls")),
    path("inspections/", include("weijian.inspections.urls")),
    path("clues/", include("weijian.clues.urls")),
    path("documents/", include("weijian.documents.urls")),
    path("complaints/", include("weijian.complaints.urls")),
    path("portal/complaints/", include("weijian.complaints.public_urls")),
    path("open311/v2/", include("weijian.complaints.open311.urls")),
    path("cases/", include("weijian.cases.urls")),
    path("portal/", include("weijian.portal.urls")),
    path("credit/", include("weijian.credit.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
