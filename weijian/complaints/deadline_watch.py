"""The running deadline of every open complaint, for ``weijian deadlines notify`` (weijian.core.notifications).

Who is told: the officers who work the complaint's queue — the district managers and inspectors of its department
in its district (and the city office above it); a complaint awaiting triage, the city office.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.complaints.deadlines import ACCEPT, _compute, reply_computed
from weijian.complaints.models import OPEN_STATUSES, Complaint
from weijian.core.models import Role
from weijian.core.notifications import officers_covering

QUEUE_ROLES = (Role.DISTRICT_MANAGER, Role.INSPECTOR)


def _queue_users(complaint: Complaint) -> list[Any]:
    users = get_user_model().objects.filter(is_active=True)
    if complaint.department_id is None:  # 待分派: the city office routes it
        return list(users.filter(profile__role=Role.CITY_ADMIN))
    return officers_covering(complaint.district, complaint.department_id, QUEUE_ROLES, within=True)


def open_deadlines() -> Iterator[tuple[Iterable[Any], str, str, Any]]:
    now = timezone.now()
    running = Complaint.objects.filter(status__in=OPEN_STATUSES).select_related("district")
    for complaint in running.iterator(chunk_size=500):
        if complaint.accepted_at is None:
            deadline, _state = _compute(ACCEPT, complaint.received_at, now)
        elif complaint.replied_at is None:
            deadline, _state = reply_computed(complaint, now)  # the extended date once an extension is approved
        else:
            continue
        if deadline is None:
            continue
        label = _("投诉举报 #%(pk)s · %(label)s") % {"pk": complaint.pk, "label": deadline.label}  # no tracking code
        yield _queue_users(complaint), label, reverse("complaints:detail", args=[complaint.pk]), deadline
