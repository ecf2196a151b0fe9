"""Admin base classes: who may use each part of the back-office, and how a change there is made.

- Every admin is gated by **role** (三权分立): business records by the business roles that maintain them,
  reference data and accounts by the 系统管理员, roles / permissions / lockouts by the 安全管理员, the audit
  log by the 审计管理员. Being a Django superuser grants nothing more (see ``weijian.core.scope``).
- Business records are **scoped** both ways: lists, inlines and foreign-key choices show only what
  :func:`weijian.core.scope.scoped` lets the user see (404 outside it), and every save and delete goes through
  :mod:`weijian.core.records`, i.e. the write-side guard and one audit event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from weijian.core.audit_changes import form_changes
from weijian.core.models import Department, Region, Role
from weijian.core.records import record_delete, record_save
from weijian.core.scope import REGISTRY_EDITORS, department_writable, scope_of, scoped, writable
from weijian.core.selectors import regions_writable


def _role(request: HttpRequest) -> str:
    return scope_of(request.user).role


class RoleGate:
    """Mixin for ModelAdmin and InlineModelAdmin: ``roles`` may change, ``read_roles`` may only look."""

    roles: frozenset[str] = frozenset()
    read_roles: frozenset[str] = frozenset()

    def _may_read(self, request: HttpRequest) -> bool:
        return _role(request) in self.roles | self.read_roles

    def _may_write(self, request: HttpRequest) -> bool:
        return _role(request) in self.roles

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_read(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_read(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._may_write(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_write(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_write(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class AuditedAdmin(RoleGate, admin.ModelAdmin):
    """Reference data, accounts and roles: gated by role, one audit event per save or delete.

    ``guarded``: saves and deletes also pass the write-side guard (business records, :class:`ScopedAdmin`).
    """

    guarded = False

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        changes = form_changes(form)
        record_save(actor=request.user, obj=obj, changes=changes, guarded=self.guarded)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        record_delete(actor=request.user, obj=obj, guarded=self.guarded)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        """Inline rows are saved and deleted one by one, each with its audit event (and, for business
        records, through the write-side guard)."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            record_delete(actor=request.user, obj=obj, guarded=self.guarded)
        for obj in instances:
            changes = next((form_changes(f) for f in formset.forms if f.instance is obj), {})
            record_save(actor=request.user, obj=obj, changes=changes, guarded=self.guarded)
        formset.save_m2m()


class ScopedForeignKeys:
    """Foreign-key choices of business forms: only records, regions and departments the user may write to."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if related is Region:
            kwargs["queryset"] = regions_writable(request.user)
        elif related is Department:
            departments = Department.objects.all()
            kwargs["queryset"] = departments.filter(
                code__in=[d.code for d in departments if department_writable(scope_of(request.user), d.code)]
            )
        elif getattr(related, "scope_rule", None) is not None:
            kwargs["queryset"] = scoped(request.user, related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class ScopedAdmin(ScopedForeignKeys, AuditedAdmin):
    """Business records: list, open, change, delete and export only what :func:`scoped` lets the user see.

    A record outside the scope answers 404 (Django's admin would otherwise redirect with a
    "does not exist" message, which still tells that the id was looked up). Saves and deletes —
    of the record and of its inlines — go through the write-side guard.
    """

    roles = REGISTRY_EDITORS
    guarded = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scoped(request.user, super().get_queryset(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """A record the user may read but not write (e.g. another district's practitioner) is view-only."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.writable_record(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.writable_record(request, obj))

    def writable_record(self, request: HttpRequest, obj: Model) -> bool:
        return writable(request.user, obj)

    def _require_visible(self, request: HttpRequest, object_id: str | None) -> None:
        if object_id is None:
            return
        try:
            visible = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError):
            visible = False
        if not visible:
            raise Http404(_("记录不存在或不在您的数据权限范围内"))

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




class ScopedInline(ScopedForeignKeys, RoleGate):
    """Inline rows of a business record: only those in the user's scope are shown or saved.

    ``owner_writes``: the rows are the parent's own fields (e.g. a practitioner's 执业范围), so they may be
    changed only by whoever may write the parent.
    """

    roles = REGISTRY_EDITORS
    owner_writes = False
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scoped(request.user, super().get_queryset(request))  # type: ignore[misc]

    def _parent_writable(self, request: HttpRequest, obj: Any) -> bool:
        return not self.owner_writes or obj is None or writable(request.user, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self._parent_writable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._parent_writable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._parent_writable(request, obj)


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    pass


class RequirePrimaryInScopeFormSet(BaseInlineFormSet):
    """A district adds a practitioner only together with a primary registration at one of its institutions."""

    request_user: Any = None

    def clean(self) -> None:
        super().clean()
        if not self.instance._state.adding or scope_of(self.request_user).role == Role.CITY_ADMIN:
            return
        primary = [
            f for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("is_primary")
        ]  # fmt: skip
        if not primary:
            from django.core.exceptions import ValidationError

            raise ValidationError(_("新增执业人员须同时登记其在本区机构的主要执业注册"))
