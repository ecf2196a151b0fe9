"""The workbench card of the complaints app: open complaints in the user's queues, and the triage queue."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from weijian.complaints import selectors
from weijian.core.models import Role
from weijian.core.scope import scope_of
from weijian.core.workbench import Card, Group, Tone, provider

ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR, Role.PARTNER_OFFICER})


@provider
def complaints_due(user: Any) -> list[Card] | None:
    role = scope_of(user).role
    if role not in ROLES:
        return None
    url = reverse("complaints:queue")
    cards = [Card(key="complaints.due", title=_("待办投诉举报"), count=selectors.due_count(user), url=url,
                  tone=Tone.WARN, empty=_("没有待办的投诉举报"),
                  group=Group.INBOX if role == Role.PARTNER_OFFICER else Group.TASKS, rank=30)]  # fmt: skip
    if role == Role.CITY_ADMIN:
        triage = selectors.complaint_list(user, view="triage").count()
        cards.append(Card(key="complaints.triage", title=_("待分派投诉举报"), count=triage, url=f"{url}?view=triage",
                          tone=Tone.WARN, empty=_("没有待分派的投诉"), group=Group.TASKS, rank=31))  # fmt: skip
    return cards
