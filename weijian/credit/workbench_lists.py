"""Workbench cards of the credit lists, repair and exchange: each department's joint-punishment tasks (its inbox),
repair requests to review, cross-region reviews to dispose, list entries awaiting a decision (the city office)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from weijian.core.models import Role
from weijian.core.scope import scope_of
from weijian.core.workbench import Card, Group, Tone, provider
from weijian.credit import lists, repair
from weijian.credit.exchange import crossregion
from weijian.credit.models_lists import RepairStatus

TASK_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR, Role.PARTNER_OFFICER})


@provider
def credit_list_cards(user: Any) -> list[Card] | None:
    role = scope_of(user).role
    cards: list[Card] = []
    if role in TASK_ROLES:
        cards.append(Card(
            key="credit.joint_tasks", title=_("待落实的联合惩戒措施"), count=lists.task_list(user).count(),
            url=reverse("credit:tasks"), tone=Tone.WARN, empty=_("没有待落实的联合惩戒措施"),
            group=Group.INBOX if role == Role.PARTNER_OFFICER else Group.TASKS, rank=41,
        ))  # fmt: skip
    if role in repair.REVIEWERS:
        cards.append(Card(
            key="credit.repairs", title=_("待审核的信用修复申请"),
            count=repair.request_list(user, status=RepairStatus.FILED).count(),
            url=reverse("credit:repairs") + "?status=filed", tone=Tone.WARN, empty=_("没有待审核的信用修复申请"),
            group=Group.TASKS, rank=42,
        ))  # fmt: skip
        cards.append(Card(
            key="credit.cross_region", title=_("异地两次处罚待审查"), count=crossregion.review_list(user).count(),
            url=reverse("credit:reviews"), tone=Tone.BAD, empty=_("没有待审查的异地两次处罚"),
            group=Group.TASKS, rank=43,
        ))  # fmt: skip
    if role == Role.CITY_ADMIN:
        cards.append(Card(
            key="credit.list_pending", title=_("已告知待决定的名单条目"),
            count=lists.entry_list(user, view="pending").count(), url=reverse("credit:entries") + "?view=pending",
            tone=Tone.NEUTRAL, empty=_("没有待决定的名单条目"), group=Group.TASKS, rank=44,
        ))  # fmt: skip
    if role == Role.INSTITUTION_USER:
        cards.append(Card(
            key="credit.own_repairs", title=_("本机构的信用修复申请"), count=repair.request_list(user).count(),
            url=reverse("credit:repairs"), tone=Tone.NEUTRAL, empty=_("没有信用修复申请"), group=Group.OWN,
            rank=60,
        ))  # fmt: skip
    return cards or None
