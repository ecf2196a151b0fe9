"""Admin classes that keep the back-office inside the user's data scope (404 outside it)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from weijian.core.scope import scoped


class ScopedAdmin(admin.ModelAdmin):
    """List, open, change, delete and export only what :func:`scoped` lets the user see."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scoped(request.user, super().get_queryset(request))
