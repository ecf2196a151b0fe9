"""Reads of core reference data, limited to the user's scope where that matters."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from weijian.core.models import Region, Role
from weijian.core.scope import WRITING_ROLES, scope_of


def districts_in_scope(user: Any) -> QuerySet[Region]:
    """The districts a user may filter by: all of their region's, or their own."""
    scope = scope_of(user)
    qs = Region.objects.filter(level=Region.Level.DISTRICT)
    return qs.filter(code__startswith=scope.region_prefix) if scope.region_prefix else qs


def regions_writable(user: Any) -> QuerySet[Region]:
    """The regions a user may put records in: their region and everything below it (the city office: all)."""
    scope = scope_of(user)
    if scope.role not in WRITING_ROLES:
        return Region.objects.none()
    if scope.region_prefix is None:
        return Region.objects.all() if scope.role == Role.CITY_ADMIN else Region.objects.none()
    return Region.objects.filter(code__startswith=scope.region_prefix)
