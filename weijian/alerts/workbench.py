"""The alerts' workbench cards: the user's own work items, deadlines, the department's inbox, the queue at large,
and for an institution its monitored indicators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.alerts import charts, selectors
from weijian.alerts.services import DISPOSING_ROLES
from weijian.core.models import Role
from weijian.core.scope import scope_of
from weijian.core.workbench import Card, CardRow, Group, Tone, provider
from weijian.core.workdays import CalendarYearUnknown
from weijian.registry.models import Institution

ROWS_SHOWN = 5  # items listed on the inspector's card; the rest are one click away


def _queue(**query: str) -> str:
    base = reverse("alerts:queue")
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _soon(today: dt.date) -> tuple[dt.date | None, str]:
    """The last day of "due soon", or None and why it cannot be counted."""
    try:
        return selectors.due_soon_until(today), ""
    except CalendarYearUnknown as exc:
        return None, str(exc)


def _soon_title(today: dt.date) -> str:
    days = selectors.due_soon_working_days(today)
    return _("%(n)s个工作日内到期") % {"n": days}


def _item_row(item: Any) -> CardRow:
    due = item.effective_due
    late = item.is_overdue(timezone.localdate())
    note = _("已超期（%(date)s）") % {"date": f"{due:%Y-%m-%d}"} if late else (
        _("期限 %(date)s") % {"date": f"{due:%Y-%m-%d}"} if due else "")  # fmt: skip
    name = item.institution.name if item.institution_id else item.institution_code
    return CardRow(f"{item.rule_name} · {name}", reverse("alerts:detail", args=[item.pk]), note,
                   Tone.BAD if late else Tone.NEUTRAL)  # fmt: skip


def _deadline_cards(user: Any, *, mine: bool, rank: int) -> list[Card]:
    today = timezone.localdate()
    until, why = _soon(today)
    counts = selectors.item_due_counts(user, mine=mine, today=today, soon_until=until)
    who = {"assignee": "me"} if mine else {}
    return [
        Card(key="alerts.due_soon", title=_soon_title(today), url=_queue(**who, due="soon"), count=counts["soon"],
             tone=Tone.WARN, empty=_("近期没有到期的工作项"), note=why, group=Group.TASKS, rank=rank + 10),
        Card(key="alerts.overdue", title=_("已超期工作项"), url=_queue(**who, due="overdue"), count=counts["overdue"],
             tone=Tone.BAD, empty=_("没有超期的工作项"), group=Group.TASKS, rank=rank + 20),
    ]  # fmt: skip


def _mine(user: Any, *, rows: bool) -> Card:
    counts = selectors.item_due_counts(user, mine=True, today=timezone.localdate(), soon_until=None)
    shown = tuple(_item_row(i) for i in selectors.item_queue(user, view="mine")[:ROWS_SHOWN]) if rows else ()
    return Card(
        key="alerts.mine", title=_("我的工作项"), url=_queue(assignee="me"), count=counts["assigned"], tone=Tone.WARN,
        empty=_("目前没有指派给您的预警工作项"), rows=shown, group=Group.TASKS, rank=10,
    )  # fmt: skip


@provider
def work_item_cards(user: Any) -> list[Card] | None:
    role = scope_of(user).role
    if role not in DISPOSING_ROLES:
        return None
    if role == Role.INSPECTOR:  # their own tasks: what was assigned to them, what is due, what is late
        return [_mine(user, rows=True), *_deadline_cards(user, mine=True, rank=10)]
    counts = selectors.item_counts(user)
    if role == Role.PARTNER_OFFICER:
        return [
            Card(key="alerts.inbox", title=_("转交本部门的预警工作项"), url=_queue(), count=counts["open"], tone=Tone.WARN,
                 empty=_("其他部门转交、分派给本部门的预警工作项将出现在这里；今后案件移送和协查通报也将送达这里。"),
                 group=Group.INBOX, rank=10),
            Card(key="alerts.referred", title=_("待登记查处结果"), url=_queue(view="referred"), count=counts["referred"],
                 tone=Tone.WARN, empty=_("没有等待查处结果的工作项"), group=Group.INBOX, rank=20),
            *_deadline_cards(user, mine=False, rank=20),
            *([_mine(user, rows=False)] if counts["mine"] else []),
        ]  # fmt: skip
    cards = [
        _mine(user, rows=False),
        *_deadline_cards(user, mine=False, rank=10),
        Card(key="alerts.open", title=_("待处置预警工作项"), url=_queue(), count=counts["open"], tone=Tone.WARN,
             empty=_("辖区内没有待处置的预警工作项"), group=Group.WATCH, rank=30),
    ]  # fmt: skip
    if role == Role.CITY_ADMIN or counts["triage"]:
        cards.append(Card(key="alerts.triage", title=_("待分派工作项"), url=_queue(view="triage"), count=counts["triage"],
                          tone=Tone.WARN, empty=_("没有待分派的工作项"), group=Group.TASKS, rank=5))  # fmt: skip
    return cards


@provider
def institution_cards(user: Any) -> list[Card] | None:
    """An institution's own indicators against their targets, and the open items about it it may see."""
    scope = scope_of(user)
    if scope.role != Role.INSTITUTION_USER or scope.institution_id is None:
        return None
    institution = Institution.objects.filter(pk=scope.institution_id).first()
    if institution is None:
        return None
    cards = []
    items = selectors.items_about_institution(user, institution.pk)
    n = items.count()
    if n:
        cards.append(Card(key="alerts.about_me", title=_("需要本机构处理的事项"), count=n, tone=Tone.WARN,
                          rows=tuple(_item_row(i) for i in items.select_related("institution")[:ROWS_SHOWN]),
                          group=Group.TASKS, rank=20))  # fmt: skip
    series = selectors.institution_indicators(user, institution)
    if series:
        rows = tuple(
            CardRow(_("%(label)s：%(value)s（%(period)s）") % {"label": s["label"], "value": latest["value"],
                                                          "period": latest["period"]}, note=latest["target_note"],
                    tone=Tone.BAD if latest["over"] else Tone.NEUTRAL)
            for s, latest in ((s, charts.latest(key, s)) for key, s in series.items())
        )  # fmt: skip
        url = reverse("registry:institution_detail", args=[institution.uscc]) + "#indicator-charts"
        cards.append(Card(key="alerts.indicators", title=_("监测指标（最近一月）"), url=url, rows=rows,
                          group=Group.OWN, rank=30))  # fmt: skip
    return cards

