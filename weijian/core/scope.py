"""Data scope: the one function every query for scoped data goes through.

A user sees records by department × region:

- city admin: every record under their region (the whole city; no region → everything);
- district manager, inspector: records of their district (and its streets and grids);
- partner-department officer: records of their region, and of their own department where the
  record belongs to a department (e.g. inspectors);
- institution user: their own institution and what hangs off it;
- public (or anyone without a profile): nothing here — the public portal has its own selectors;
- the three administrators (system, security, audit): nothing — they run the platform, not supervision.

Each scoped model declares a :class:`ScopeRule` as ``scope_rule``. A record out of scope is
simply absent from the queryset, so detail views return 404 and never reveal that it exists.

Writes go through the guard at the end of this module (:func:`require_writable`): the stored record,
the new values and every linked record must be in the writer's scope. A model whose records are read
more widely than they may be written declares a ``write_scope_rule`` too (a practitioner is read by
every district where they practise, but changed only by the district of the primary registration).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext, gettext_noop

from weijian.core.models import ADMINISTRATOR_ROLES, Role

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
        # A superuser without a profile is the break-glass account of `weijian createsuperuser`: it may
        # assign the administrators' roles (security administration) and sees no business record.
        scope = (
            Scope(role=Role.SECURITY_ADMIN, region_prefix=None, department_code=None, institution_id=None)
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
    if scope.role == Role.PUBLIC or scope.role in ADMINISTRATOR_ROLES:
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


REGISTRY_EDITORS = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER})


def can_edit_registry(user: Any) -> bool:
    """City admins and district managers maintain the registries; others read them."""
    return scope_of(user).role in REGISTRY_EDITORS


# --------------------------------------------------------------------------- the write-side guard

# Messages (translated where they are raised: OutOfScope translates its message).
NOT_IN_SCOPE = gettext_noop("记录不存在或不在您的数据权限范围内")
ASK_CITY = gettext_noop("该记录已在您的数据权限范围以外登记，不能由您变更；如需变更请联系市级卫生健康监督机构")
WRITING_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR, Role.PARTNER_OFFICER,
                           Role.INSTITUTION_USER})


class OutOfScope(Http404):
    """A write that touches a record outside the writer's scope. Answers like a record that does not exist."""

    def __init__(self, message: str = NOT_IN_SCOPE) -> None:
        message = gettext(message)  # a marked constant of this module (or any catalogued message) in the reader's language
        super().__init__(message)
        self.message = message


def _path_values(obj: Any, path: str) -> list[Any]:
    """The values a lookup path (``registrations__institution__district__code``) reaches from an instance,
    following foreign keys and to-many relations; unsaved instances and unset keys give no value."""
    current = [obj]
    for part in path.split("__"):
        reached: list[Any] = []
        for item in current:
            if item is None:
                continue
            value = getattr(item, part, None)
            if hasattr(value, "all") and callable(value.all) and not isinstance(value, QuerySet | str):
                if getattr(item, "pk", None) is None:
                    continue
                reached.extend(value.all())
            else:
                reached.append(value)
        current = reached
    return [v for v in current if v is not None]


def _rule_allows(rule: ScopeRule, scope: Scope, obj: Any) -> bool:
    """:func:`_condition`, evaluated on an instance's current values instead of in SQL."""
    if scope.role == Role.PUBLIC or scope.role in ADMINISTRATOR_ROLES:
        return False
    if scope.role == Role.INSTITUTION_USER:
        return rule.institution is not None and scope.institution_id in _path_values(obj, rule.institution)
    if scope.region_prefix is not None:
        if rule.region is None:
            return False
        codes = _path_values(obj, rule.region)
        if not codes:  # a record with no region (a practitioner with no primary registration): the city's
            return scope.role == Role.CITY_ADMIN
        if not any(str(code).startswith(scope.region_prefix) for code in codes):
            return False
    elif scope.role != Role.CITY_ADMIN:
        return False
    if rule.department is not None and scope.role != Role.CITY_ADMIN:
        return scope.department_code is not None and scope.department_code in _path_values(obj, rule.department)
    return True


def _write_rule(model: type[Model]) -> ScopeRule:
    rule = getattr(model, "write_scope_rule", None) or getattr(model, "scope_rule", None)
    if rule is None:
        raise TypeError(f"{model.__name__} declares no scope_rule")
    return rule


def region_writable(scope: Scope, region_code: str | None) -> bool:
    """May this scope create or change records in this region (a district, street or grid code)?"""
    if scope.role not in WRITING_ROLES or region_code is None:
        return False
    if scope.region_prefix is None:
        return scope.role == Role.CITY_ADMIN
    return region_code.startswith(scope.region_prefix)


def department_writable(scope: Scope, department_code: str | None) -> bool:
    """Department-owned records (inspectors, queues) are written by that department or the city office."""
    if scope.role not in WRITING_ROLES:
        return False
    return scope.role == Role.CITY_ADMIN or (department_code is not None and department_code == scope.department_code)


def writable(user: Any, obj: Model) -> bool:
    """Do the instance's current values (not yet saved, perhaps) fall inside the user's write scope?"""
    scope = scope_of(user)
    return scope.role in WRITING_ROLES and _rule_allows(_write_rule(type(obj)), scope, obj)


def stored_writable(user: Any, obj: Model) -> bool:
    """Is the stored version of this record (as the database has it now) inside the user's write scope?"""
    if obj.pk is None:
        return True
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return stored is None or writable(user, stored)


def require_writable(user: Any, obj: Model, *, linked: tuple[Model | None, ...] = (), deleting: bool = False) -> None:
    """The write-side guard: every service, import row and admin save calls this before it writes.

    The stored record (when it exists), the new values (unless deleting) and every linked record must be
    in the user's write scope; otherwise :class:`OutOfScope` (a 404 to pages, API and admin).
    """
    if not stored_writable(user, obj):
        raise OutOfScope(ASK_CITY if obj.pk is not None else NOT_IN_SCOPE)
    if not deleting and not writable(user, obj):
        raise OutOfScope()
    for other in linked:
        if other is not None and not stored_writable(user, other):
            raise OutOfScope()
