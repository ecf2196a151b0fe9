"""Reads of the registries. Every query goes through :func:`weijian.core.scope.scoped`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from weijian.core.identifiers import normalize_identifier
from weijian.core.models import Role
from weijian.core.scope import department_writable, region_writable, scope_of, scoped
from weijian.core.text import search_key
from weijian.registry import kinds
from weijian.registry.models import (
    DeptCode,
    ImportBatch,
    ImportReject,
    Inspector,
    InspectorConflict,
    Institution,
    InstitutionDept,
    Practitioner,
    Registration,
)

LICENCE_WARNING_DAYS = 90  # how far ahead the dashboard warns of licences running out


_IDENTIFIER_LIKE = re.compile(r"(?=.*\d)[0-9A-Z]{6,30}")


def _search(queryset: QuerySet[Any], q: str | None) -> QuerySet[Any]:
    """Match every word of the query (Traditional or Simplified) against the stored search key.

    A query that is one identifier typed full-width or in groups of digits (``２２０３ １０１０ …``)
    is matched as that identifier, normalised, as a whole.
    """
    words = search_key(q or "").split()
    compact = normalize_identifier(q)
    if _IDENTIFIER_LIKE.fullmatch(compact) and all(any(ch.isdigit() for ch in word) for word in words):
        words = [compact.lower()]
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def institution_list(
    user: Any,
    *,
    q: str | None = None,
    district: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    level: str | None = None,
    licence: str | None = None,
    sector: str | None = None,
) -> QuerySet[Institution]:
    """``licence``: ``expired`` (still active with an expired licence) or ``expiring`` (within 90 days);
    ``sector``: one 监督专业 (``medical``, ``public_place`` …, see ``registry.kinds``), all when empty."""
    qs = _search(scoped(user, Institution.objects.select_related("district", "street")), q)
    today = dt.date.today()
    if licence == "expired":
        qs = qs.filter(licence_valid_to__lt=today, status="active")
    elif licence == "expiring":
        qs = qs.filter(licence_valid_to__gte=today, licence_valid_to__lte=today + dt.timedelta(days=LICENCE_WARNING_DAYS))
    if district:
        qs = qs.filter(district__code=normalize_identifier(district))
    if kind:
        qs = qs.filter(kind=kind)
    if sector:
        qs = qs.filter(kind__in=kinds.kinds_of(sector))
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("district__code", "name")


def institution_get(user: Any, uscc: str) -> Institution:
    institution = (
        scoped(user, Institution.objects.select_related("district", "street"))
        .prefetch_related(
            Prefetch("depts", queryset=InstitutionDept.objects.order_by("dept_code")),
            Prefetch(
                "registrations",
                queryset=Registration.objects.select_related("practitioner").order_by("-is_primary", "practitioner__name"),
            ),
        )
        .filter(uscc=normalize_identifier(uscc))
        .first()
    )
    if institution is None:
        raise Http404("机构不存在或不在您的数据权限范围内")
    return institution


def practitioner_list(
    user: Any, *, q: str | None = None, kind: str | None = None, status: str | None = None, institution: str | None = None
) -> QuerySet[Practitioner]:
    qs = _search(scoped(user, Practitioner.objects.all()), q)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if institution:
        qs = qs.filter(
            pk__in=Registration.objects.filter(institution__uscc=normalize_identifier(institution)).values("practitioner_id")
        )
    return qs.order_by("cert_no")


def practitioner_get(user: Any, cert_no: str) -> Practitioner:
    practitioner = (
        scoped(user, Practitioner.objects.all())
        .prefetch_related(
            "scopes",
            Prefetch(
                "registrations",
                queryset=Registration.objects.select_related("institution", "institution__district").order_by(
                    "-is_primary", "valid_from"
                ),
            ),
        )
        .filter(cert_no=normalize_identifier(cert_no))
        .first()
    )
    if practitioner is None:
        raise Http404("人员不存在或不在您的数据权限范围内")
    return practitioner


def visible_registrations(user: Any, practitioner: Practitioner) -> list[Registration]:
    """A practitioner's registrations at institutions the user may see (多点执业 elsewhere stays hidden)."""
    registrations = list(practitioner.registrations.all())
    ids = {r.institution_id for r in registrations}
    allowed = set(scoped(user, Institution.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    return [r for r in registrations if r.institution_id in allowed]


def inspector_list(
    user: Any, *, q: str | None = None, region: str | None = None, department: str | None = None, active: bool | None = None
) -> QuerySet[Inspector]:
    qs = _search(scoped(user, Inspector.objects.select_related("department", "region")), q)
    if region:
        qs = qs.filter(region__code=normalize_identifier(region))
    if department:
        qs = qs.filter(department__code=department)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("region__code", "badge_no")


def inspector_get(user: Any, badge_no: str) -> Inspector:
    qs = scoped(user, Inspector.objects.select_related("department", "region"))
    inspector = qs.filter(badge_no=normalize_identifier(badge_no)).first()
    if inspector is None:
        raise Http404("执法人员不存在或不在您的数据权限范围内")
    return inspector


def inspector_conflicts(user: Any, inspector: Inspector, *, on: dt.date | None = None) -> QuerySet[InspectorConflict]:
    """The declared conflicts (申报回避) of an inspector; with ``on``, only those in force that day."""
    qs = scoped(user, InspectorConflict.objects.filter(inspector=inspector).select_related("institution"))
    if on is not None:
        qs = qs.filter(declared_on__lte=on).exclude(ended_on__lt=on)
    return qs.order_by("-declared_on")


def linkable_users(user: Any) -> QuerySet[Any]:
    """Accounts an Inspector record may be linked to by ``user``: 监督员 accounts of the regions and the department
    the user may write to (never the list of every account)."""
    from django.contrib.auth import get_user_model

    scope = scope_of(user)
    profiles = [
        (pk, region, department)
        for pk, region, department in get_user_model().objects.filter(profile__role=Role.INSPECTOR).values_list(
            "pk", "profile__region__code", "profile__department__code"
        )
    ]
    allowed = [pk for pk, region, department in profiles
               if region_writable(scope, region) and department_writable(scope, department)]  # fmt: skip
    return get_user_model().objects.filter(pk__in=allowed).order_by("username")


def dept_names() -> dict[str, str]:
    return dict(DeptCode.objects.values_list("code", "name"))


def dept_label(code: str, names: dict[str, str]) -> str:
    """``03.01`` → ``03.01 呼吸内科专业``; an unknown 二级 code falls back to its 一级 name."""
    return f"{code} {names.get(code) or names.get(code[:2], '')}".strip()


def registry_counts(user: Any) -> dict[str, Any]:
    institutions = scoped(user, Institution.objects.all())
    return {
        "institutions": institutions.count(),
        "by_kind": list(institutions.values("kind").annotate(n=Count("pk")).order_by("-n")),
        "licence_expiring": institution_list(user, licence="expiring").count(),
        "licence_expired": institution_list(user, licence="expired").count(),
        "practitioners": scoped(user, Practitioner.objects.all()).count(),
        "inspectors": scoped(user, Inspector.objects.filter(active=True)).count(),
    }


def import_batch_list(user: Any) -> QuerySet[ImportBatch]:
    return scoped(user, ImportBatch.objects.all())


def import_batch_get(user: Any, pk: int) -> ImportBatch:
    batch = import_batch_list(user).filter(pk=pk).first()
    if batch is None:
        raise Http404("导入批次不存在")
    return batch


def import_reject_list(user: Any, batch: ImportBatch) -> QuerySet[ImportReject]:
    """The rejected rows of a batch, in row order (paginate or stream them; never load them all)."""
    return scoped(user, ImportReject.objects.filter(batch=batch)).order_by("row", "pk")
