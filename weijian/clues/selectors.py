"""Reads of clues, always through the data scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from weijian.clues.models import Clue, ClueSource, ClueStatus
from weijian.core.scope import scoped


def clue_list(user: Any, *, status: str | None = None, source: str | None = None, q: str | None = None) -> QuerySet[Clue]:
    qs = scoped(user, Clue.objects.select_related("institution", "region", "department"))
    if status in ClueStatus.values:
        qs = qs.filter(status=status)
    if source in ClueSource.values:
        qs = qs.filter(source_kind=source)
    if q:
        text = q.strip()[:100]
        qs = qs.filter(Q(number__contains=text) | Q(subject_name__contains=text) | Q(institution__uscc=text))
    return qs.order_by("-created_at", "-pk")


def clue_get(user: Any, pk: int) -> Clue:
    found = scoped(user, Clue.objects.select_related("institution", "region", "department", "created_by")).filter(
        pk=pk
    ).first()
    if found is None:
        raise Http404(_("线索不存在或不在您的数据权限范围内"))
    return found


def clues_of_source(user: Any, *, source_kind: str, source_id: int) -> list[Clue]:
    return list(scoped(user, Clue.objects.filter(source_kind=source_kind, source_id=source_id)).order_by("pk"))
