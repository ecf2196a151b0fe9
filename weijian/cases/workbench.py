"""The cases' workbench cards: cases with a deadline due soon or passed, and transfers waiting in the inbox."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from weijian.cases import selectors
from weijian.core.models import Role
from weijian.core.scope import scope_of
from weijian.core.workbench import Card, Group, Tone, provider

CASE_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR})
INBOX_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.PARTNER_OFFICER})


@provider
def case_cards(user: Any) -> list[Card] | None:
    if scope_of(user).role not in CASE_ROLES:
        return None
    base = reverse("cases:queue")
    return [
        Card(key="cases.due_soon", title=_("期限将至的案件"), url=f"{base}?due=soon",
             count=selectors.case_list(user, due="soon").count(), tone=Tone.WARN,
             empty=_("没有期限将至的案件"), group=Group.TASKS, rank=20),
        Card(key="cases.overdue", title=_("已超期的案件"), url=f"{base}?due=overdue",
             count=selectors.case_list(user, due="overdue").count(), tone=Tone.BAD,
             empty=_("没有超期的案件"), group=Group.TASKS, rank=21),
    ]  # fmt: skip


@provider
def transfer_cards(user: Any) -> Card | None:
    if scope_of(user).role not in INBOX_ROLES:
        return None
    return Card(key="cases.transfers", title=_("待办的案件移送"), url=reverse("cases:inbox"),
                count=selectors.transfer_inbox(user).count(), tone=Tone.WARN, empty=_("没有待办的案件移送"),
                group=Group.INBOX if scope_of(user).role == Role.PARTNER_OFFICER else Group.TASKS, rank=22)  # fmt: skip
