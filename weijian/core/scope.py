"""Data scope: the one function every query for scoped data goes through.

A user sees records by department × region:

- city admin: every record under their region (the whole city; no region → everything);
- district manager, inspector: records of their district (and its streets and grids);
- partner-department officer: records of their region, and of their own department where the
  record belongs to a department (e.g. inspectors);
- institution user: their own institution and what hangs off it;
- public (or anyone without a profile): nothing here — the public portal has its own selectors.

Each scoped model declares a :class:`ScopeRule` as ``scope_rule``. A record out of scope is
simply absent from the queryset, so detail views return 404 and never reveal that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from weijian.core.models import Role

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class ScopeRule:
    """How a model reaches its region, department and institution.

    ``region``: lookup path to a region code (e.g. ``"district__code"``); ``department``: path to a
    department code, or None when the record is shared by all departments; ``institution``: path to
    the institution's primary key; ``many``: the paths cross a to-many relation (filtered by subquery
    so rows are never duplicated).
    """

    region: str | None
    department: str | None = None
    institution: str | None = None
    many: bool = False


@dataclass(frozen=True)
class Scope:
    role: str
    region_prefix: str | None
    department_code: str | None
    institution_id: int | None
    region_ids: tuple[int, ...] | None = None  # the regions under region_prefix, resolved once


NOTHING = Scope(role=Role.PUBLIC, region_prefix=None, department_code=None, institution_id=None)


def scope_of(user: Any) -> Scope:
    """The scope of a user (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    cached = getattr(user, "_weijian_scope", None)
    if cached is not None:
        return cached
    profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
    if profile is None:
        scope = (
            Scope(role=Role.CITY_ADMIN, region_prefix=None, department_code=None, institution_id=None)
            if user.is_superuser
            else NOTHING
        )
    else:
        prefix = profile.region.prefix if profile.region_id else None
        scope = Scope(
            role=profile.role,
            region_prefix=prefix,
            department_code=profile.department.code if profile.department_id else None,
            institution_id=profile.institution_id,
            region_ids=_region_ids(prefix) if prefix else None,
        )
    user._weijian_scope = scope
    return scope


def _region_ids(prefix: str) -> tuple[int, ...]:
    from weijian.core.models import Region

    return tuple(Region.objects.filter(code__startswith=prefix).values_list("pk", flat=True))


def _region_condition(path: str, scope: Scope) -> Q:
    """Filter by region: on the foreign key when the ids are known (uses its index), else by code prefix."""
    assert scope.region_prefix is not None
    if scope.region_ids is not None and path.endswith("__code"):
        return Q(**{f"{path.removesuffix('__code')}__in": scope.region_ids})
    return Q(**{f"{path}__startswith": scope.region_prefix})


def _condition(rule: ScopeRule, scope: Scope) -> Q | None:
    """The filter for a scope; None means no restriction, ``Q(pk__in=[])`` nothing at all."""
    nothing = Q(pk__in=[])
    if scope.role == Role.PUBLIC:
        return nothing
    if scope.role == Role.INSTITUTION_USER:
        if rule.institution is None or scope.institution_id is None:
            return nothing
        return Q(**{rule.institution: scope.institution_id})
    condition = Q()
    if scope.region_prefix is not None:
        if rule.region is None:
            return nothing
        condition &= _region_condition(rule.region, scope)
    elif scope.role != Role.CITY_ADMIN:
        return nothing  # a non-admin without a region sees nothing, never everything
    if rule.department is not None and scope.role != Role.CITY_ADMIN:
        if scope.department_code is None:
            return nothing
        condition &= Q(**{rule.department: scope.department_code})
    return condition or None


def scoped(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """Restrict ``queryset`` to what ``user`` may see. Every scoped read goes through here."""
    rule: ScopeRule | None = getattr(queryset.model, "scope_rule", None)
    if rule is None:
        raise TypeError(f"{queryset.model.__name__} declares no scope_rule")
    scope = scope_of(user)
    condition = _condition(rule, scope)
    if condition is None:
        return queryset
    if rule.many:
        inner = queryset.model._default_manager.filter(condition).values("pk")
        return queryset.filter(pk__in=inner)
    return queryset.filter(condition)


def can_edit_registry(user: Any) -> bool:
    """City admins and district managers maintain the registries; others read them."""
    return scope_of(user).role in (Role.CITY_ADMIN, Role.DISTRICT_MANAGER)
