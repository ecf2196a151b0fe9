"""In-app notifications (消息提醒) and the deadline watch behind ``weijian deadlines notify``.

Each app may expose a module ``<app>.deadline_watch`` with ``open_deadlines()`` yielding
``(users, label, link, deadline)``, where ``deadline`` is a :class:`weijian.core.deadlines.Deadline`. The command
asks every installed app, computes each deadline's state now and writes one notification per user, deadline and
day for those due soon, due today or overdue; a second run the same day writes nothing.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from weijian.core.models import Notification, Region, Role

NOTIFY_STATES = ("due_soon", "due_today", "overdue")
STATE_WORDS = {"due_soon": gettext_noop("即将到期"), "due_today": gettext_noop("今日到期"), "overdue": gettext_noop("已超期")}


def watched() -> Iterator[tuple[Iterable[Any], str, str, Any]]:
    """Every open deadline every installed app reports."""
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.deadline_watch")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.endswith("deadline_watch"):
                continue
            raise
        yield from module.open_deadlines()


def _state(deadline: Any, now: dt.datetime) -> str:
    try:
        return str(deadline.state(now))
    except Exception:  # a due date in a year nobody has published: unknown, no notice
        return "unknown"


def deadlines_notify(*, now: dt.datetime | None = None) -> int:
    """Write the notifications of today; returns how many were new."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    written = 0
    for users, label, link, deadline in watched():
        state = _state(deadline, now)
        if state not in NOTIFY_STATES:
            continue
        due = deadline.due_date()
        text = _("%(label)s：%(state)s（期限 %(due)s）") % {"label": label, "state": _(STATE_WORDS[state]),
                                                         "due": f"{due:%Y-%m-%d}"}  # fmt: skip
        key = f"{deadline.code}|{link}|{due:%Y-%m-%d}|{today:%Y-%m-%d}"[:200]
        for user in {u.pk: u for u in users if u is not None}.values():
            try:
                with transaction.atomic():
                    Notification.objects.create(user=user, text=text[:300], link=link[:300], key=key)
                written += 1
            except IntegrityError:
                pass  # already told today
    return written


def notifications_of(user: Any) -> QuerySet[Notification]:
    """The reader's own notifications (nobody reads another's)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(user: Any) -> int:
    return notifications_of(user).filter(read__isnull=True).count()


def notifications_mark_read(*, actor: Any) -> int:
    return notifications_of(actor).filter(read__isnull=True).update(read=timezone.now())


def officers_covering(region: Region, department_id: int, roles: Iterable[str], *, within: bool = False) -> list[Any]:
    """Active users of ``roles`` in the department whose region is ``region`` or a region above it (the city
    office; a city official without a region too) — and, ``within``, a region inside it (a street's officers)."""
    codes, current = {region.code}, region
    while current.parent_id:
        current = current.parent
        codes.add(current.code)
    where = Q(profile__region__code__in=codes) | Q(profile__region__isnull=True, profile__role=Role.CITY_ADMIN)
    if within:
        where |= Q(profile__region__code__startswith=region.code)
    users = get_user_model().objects.filter(where, profile__role__in=list(roles), is_active=True)
    return list(users.filter(profile__department_id=department_id))
