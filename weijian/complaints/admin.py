"""Back-office views of complaints and API keys: read only (they change only through their services, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from weijian.alerts.admin import ReadOnlyAdmin, ReadOnlyScopedAdmin
from weijian.complaints.apikeys import api_key_revoke
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
    """Read only, with one action: revoke (the city office and the security administrator)."""

    read_roles = frozenset({Role.CITY_ADMIN, Role.SECURITY_ADMIN})
    exclude = ("key_sha256",)
    list_display = ("name", "prefix", "department", "per_minute", "active", "use_count", "refused_count",
                    "last_used_at", "created_at", "revoked_at")  # fmt: skip
    list_filter = ("active", "department")
    actions = ("revoke",)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return admin.ModelAdmin.get_actions(self, request) if self._may_read(request) else {}

    @admin.action(description=_("吊销所选接口密钥"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        done = []
        for key in queryset.filter(active=True):
            done.append(api_key_revoke(actor=request.user, prefix=key.prefix).prefix)
        self.message_user(request, gettext("已吊销 %(n)d 个接口密钥") % {"n": len(done)})
