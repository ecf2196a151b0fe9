"""Admin base classes: every change made in the back-office is audited, and scoped models stay
inside the user's data scope (404 outside it)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse

from weijian.core.audit import audit_record
from weijian.core.scope import scoped


def _label(obj: Model) -> str:
    return obj._meta.label_lower


class AuditedAdmin(admin.ModelAdmin):
    """Writes one audit event per save or delete, in the same transaction."""

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = {name: form.cleaned_data.get(name) for name in form.changed_data}
            audit_record(
                actor=request.user, action=f"admin.{_label(obj)}.{'change' if change else 'add'}",
                object_type=_label(obj), object_id=obj.pk, data={"changed": changed},
            )  # fmt: skip

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        with transaction.atomic():
            pk, text = obj.pk, str(obj)
            super().delete_model(request, obj)
            audit_record(
                actor=request.user, action=f"admin.{_label(obj)}.delete", object_type=_label(obj), object_id=pk,
                data={"repr": text},
            )  # fmt: skip

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            removed = [(obj.pk, str(obj)) for obj in queryset]
            label = queryset.model._meta.label_lower
            super().delete_queryset(request, queryset)
            audit_record(
                actor=request.user, action=f"admin.{label}.delete", object_type=label,
                object_id=",".join(str(pk) for pk, _ in removed)[:80], data={"deleted": removed},
            )  # fmt: skip


class ScopedAdmin(AuditedAdmin):
    """List, open, change, delete and export only what :func:`scoped` lets the user see.

    A record outside the scope answers 404 (Django's admin would otherwise redirect with a
    "does not exist" message, which still tells that the id was looked up).
    """

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scoped(request.user, super().get_queryset(request))

    def _require_visible(self, request: HttpRequest, object_id: str | None) -> None:
        if object_id is None:
            return
        try:
            visible = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError):
            visible = False
        if not visible:
            raise Http404("记录不存在或不在您的数据权限范围内")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._require_visible(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        self._require_visible(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)
