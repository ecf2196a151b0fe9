"""The open deadlines of cases, transfers and 督办, for ``weijian deadlines notify`` (weijian.core.notifications).

Who is told: a case's handlers (their accounts) and the district managers of its office; a transfer's receiving
department officers; a 督办's handlers and the city office that set it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from weijian.cases import selectors
from weijian.cases.models import Case, Supervision, Transfer, TransferStatus
from weijian.cases.states import FINAL_STATES
from weijian.core.models import Role
from weijian.core.notifications import officers_covering


def _case_users(case: Case) -> list[Any]:
    handlers = [h.inspector.user for h in case.handlers.select_related("inspector__user") if h.inspector.user_id]
    return handlers + officers_covering(case.region, case.department_id, (Role.DISTRICT_MANAGER,))


def open_deadlines() -> Iterator[tuple[Iterable[Any], str, str, Any]]:
    open_cases = Case.objects.exclude(state__in=FINAL_STATES).select_related("region", "region__parent", "department")
    for case in open_cases.iterator(chunk_size=500):
        views = [v for v in selectors.case_deadlines(case) if v.deadline is not None]
        if not views:
            continue
        users = _case_users(case)
        link = reverse("cases:detail", args=[case.pk])
        for view in views:
            yield users, _("案件 %(number)s · %(label)s") % {"number": case.number, "label": view.label}, link, view.deadline
    waiting = Transfer.objects.exclude(status=TransferStatus.ANSWERED).select_related("case", "region", "to_department")
    for transfer in waiting.iterator(chunk_size=500):
        for view in selectors.transfer_deadlines(transfer):
            if view.deadline is None:
                continue
            users = officers_covering(transfer.region, transfer.to_department_id, (Role.PARTNER_OFFICER, Role.DISTRICT_MANAGER))
            if transfer.status == TransferStatus.REFUSED:
                users = _case_users(transfer.case)
            label = _("移送 %(number)s · %(label)s") % {"number": transfer.case.number, "label": view.label}
            yield users, label, reverse("cases:transfer", args=[transfer.pk]), view.deadline
    for supervision in Supervision.objects.filter(lifted_on__isnull=True).select_related("case", "created_by"):
        for view in selectors.supervision_deadlines(supervision):
            if view.deadline is None:
                continue
            users = [*_case_users(supervision.case), supervision.created_by]
            label = _("督办 %(number)s · %(label)s") % {"number": supervision.case.number, "label": view.label}
            yield users, label, reverse("cases:detail", args=[supervision.case_id]), view.deadline
