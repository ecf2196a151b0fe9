"""The disclosure's workbench card for managers: penalties published or withdrawn after the rules' deadline, and
records past their period still up (``weijian disclosures expire`` has not run)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from weijian.core.models import Role
from weijian.core.scope import scope_of
from weijian.core.workbench import Card, Group, Tone, provider
from weijian.portal import disclosure

MANAGING_ROLES = frozenset({Role.DISTRICT_MANAGER, Role.CITY_ADMIN})


@provider
def disclosure_cards(user: Any) -> list[Card] | None:
    if scope_of(user).role not in MANAGING_ROLES:
        return None
    url = reverse("portal:penalty_office")
    return [
        Card(key="portal.disclosure_late", title=_("逾期公示或逾期撤下的行政处罚"), url=f"{url}?view=late",
             count=disclosure.disclosure_list(user, "late").count(), tone=Tone.BAD,
             empty=_("没有逾期公示或逾期撤下的行政处罚"), group=Group.WATCH, rank=45),
        Card(key="portal.disclosure_overdue", title=_("公示期满未撤下的行政处罚"), url=f"{url}?view=overdue",
             count=disclosure.disclosure_list(user, "overdue").count(), tone=Tone.BAD,
             empty=_("没有期满未撤下的公示"), group=Group.WATCH, rank=46),
    ]  # fmt: skip
