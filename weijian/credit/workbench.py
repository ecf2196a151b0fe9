"""The workbench cards of the credit app: points notices still to serve, objections to decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from weijian.core.scope import scope_of
from weijian.core.workbench import Card, CardRow, Group, Tone, provider
from weijian.credit import selectors
from weijian.credit.services import OFFICERS


def _day(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else _("期限无法计算")


@provider
def credit_tasks(user: Any) -> list[Card] | None:
    if scope_of(user).role not in OFFICERS:
        return None
    url = reverse("credit:list")
    notices = (selectors.notices_due(user).select_related("event__institution")
               .order_by(F("due_on").asc(nulls_last=True), "pk"))  # fmt: skip
    objections = (selectors.objections_open(user).select_related("notice__event__institution")
                  .order_by(F("decide_due").asc(nulls_last=True), "pk"))  # fmt: skip
    notice_rows = tuple(CardRow(text=n.event.institution.name, url=reverse("credit:archive", args=[n.event.institution_id]),
                                note=_("送达期限 %(day)s") % {"day": _day(n.due_on)}) for n in notices[:3])  # fmt: skip
    objection_rows = tuple(CardRow(text=o.notice.event.institution.name, url=reverse("credit:objection_decide", args=[o.pk]),
                                   note=_("决定期限 %(day)s") % {"day": _day(o.decide_due)}) for o in objections[:3])  # fmt: skip
    return [
        Card(key="credit.notices", title=_("待送达记分通知书"), count=notices.count(), url=url, tone=Tone.WARN,
             empty=_("没有待送达的记分通知书"), rows=notice_rows, group=Group.TASKS, rank=40),
        Card(key="credit.objections", title=_("待决定的记分申辩"), count=objections.count(), url=url, tone=Tone.WARN,
             empty=_("没有待决定的记分申辩"), rows=objection_rows, group=Group.TASKS, rank=41),
    ]  # fmt: skip
