"""Reads of core reference data, limited to the user's scope where that matters."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from weijian.core.models import Region, Role
from weijian.core.scope import WRITING_ROLES, scope_of


def home_city_code() -> str:
    """The city (or municipality) this platform serves, ``WEIJIAN_CITY``: a user without a region sees its lists."""
    return settings.WEIJIAN_CITY


def city_districts(city_code: str) -> QuerySet[Region]:
    """The districts (区, 县, 县级市) directly under one city: a district list is always one city's."""
    return Region.objects.filter(level=Region.Level.DISTRICT, parent__code=city_code).order_by("code")


def districts_in_scope(user: Any) -> QuerySet[Region]:
    """The districts a user may filter by: those under their region (their own district, or their
    city's), or — for a user without a region — the home city's, never every city's at once."""
    scope = scope_of(user)
    if scope.region_prefix:
        return Region.objects.filter(level=Region.Level.DISTRICT, code__startswith=scope.region_prefix).order_by("code")
    return city_districts(home_city_code())


def regions_writable(user: Any) -> QuerySet[Region]:
    """The regions a user may put records in: their region and everything below it (the city office: all)."""
    scope = scope_of(user)
    if scope.role not in WRITING_ROLES:
        return Region.objects.none()
    if scope.region_prefix is None:
        return Region.objects.all() if scope.role == Role.CITY_ADMIN else Region.objects.none()
    return Region.objects.filter(code__startswith=scope.region_prefix)
