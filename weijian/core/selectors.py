"""Reads of core reference data, limited to the user's scope where that matters."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from weijian.core.models import Region
from weijian.core.scope import scope_of


def districts_in_scope(user: Any) -> QuerySet[Region]:
    """The districts a user may filter by: all of their region's, or their own."""
    scope = scope_of(user)
    qs = Region.objects.filter(level=Region.Level.DISTRICT)
    return qs.filter(code__startswith=scope.region_prefix) if scope.region_prefix else qs
