"""The inspections' workbench cards: an inspector's own inspection tasks, and for managers the results waiting
to be published (一公开) and the random-check plans of the district."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from weijian.core.models import Role
from weijian.core.scope import scope_of
from weijian.core.workbench import Card, Group, Tone, provider
from weijian.inspections import selectors

PUBLISHING_ROLES = frozenset({Role.DISTRICT_MANAGER, Role.CITY_ADMIN})


def _url(name: str, **query: str) -> str:
    base = reverse(name)
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@provider
def inspection_task_cards(user: Any) -> list[Card] | None:
    """The inspections whose team holds the user's 执法人员 record (any role that has one)."""
    if scope_of(user).role != Role.INSPECTOR:
        return None
    counts = selectors.my_task_counts(user)
    return [
        Card(key="inspections.assigned", title=_("待检查的现场检查"), url=_url("inspections:tasks"),
             count=counts.get("assigned", 0) + counts.get("in_progress", 0), tone=Tone.WARN,
             empty=_("目前没有派给您的现场检查；随机抽查计划派发或定向检查指派后会出现在这里"),
             group=Group.TASKS, rank=5),
        Card(key="inspections.confirm", title=_("待我确认的检查结果"), url=_url("inspections:tasks", view="confirm"),
             count=counts.get("confirm", 0), tone=Tone.WARN, empty=_("没有等待您确认的检查结果"),
             group=Group.TASKS, rank=6),
        Card(key="inspections.overdue", title=_("已超期的现场检查"), url=_url("inspections:tasks", view="overdue"),
             count=counts.get("overdue", 0), tone=Tone.BAD, empty=_("没有超期的现场检查"), group=Group.TASKS, rank=7),
    ]  # fmt: skip


@provider
def publication_cards(user: Any) -> list[Card] | None:
    """Closed inspections whose result is still to be published, and those past the publication deadline."""
    if scope_of(user).role not in PUBLISHING_ROLES:
        return None
    return [
        Card(key="inspections.publication_due", title=_("待公示的检查结果"), url=_url("inspections:publication"),
             count=selectors.publication_queue(user, "due").count(), tone=Tone.WARN,
             empty=_("没有待公示的检查结果"), group=Group.TASKS, rank=40),
        Card(key="inspections.publication_overdue", title=_("超过公示期限的检查结果"),
             url=_url("inspections:publication", view="overdue"),
             count=selectors.publication_queue(user, "overdue").count(), tone=Tone.BAD,
             empty=_("没有超过公示期限的检查结果"), group=Group.TASKS, rank=41),
        Card(key="inspections.plans", title=_("随机抽查计划"), url=_url("plans:list"), group=Group.LINKS, rank=20),
    ]  # fmt: skip
