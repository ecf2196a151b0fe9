"""The guards of the case transitions that need the case's data (the state machine's own are in states.py).

Each guard returns the problems it finds (Chinese, each naming the officer, field or missing step); a service
refuses the transition with all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from weijian.cases import figures, parts
from weijian.cases.models import Case, Transfer, TransferKind, TransferStatus
from weijian.registry.models import Inspector, InspectorConflict

CRIME_KINDS = (TransferKind.POLICE, TransferKind.PROCURATORATE)
CRIME_BLOCKING = (TransferStatus.SENT, TransferStatus.RECEIVED, TransferStatus.ACCEPTED)


def handler_problems(case: Case, inspectors: Sequence[Inspector], on: dt.date) -> list[str]:
    """Two officers (or the rules' minimum) of the case's department, in post, 执法证 valid on ``on``, no 回避."""
    problems: list[str] = []
    institutions = {p.institution_id: p.name for p in case.parties.all() if p.institution_id}
    conflicts = {
        (c.inspector_id, c.institution_id)
        for c in InspectorConflict.objects.filter(inspector__in=[i.pk for i in inspectors], institution__in=institutions)
        if c.in_force_on(on)
    }
    valid = 0
    for officer in inspectors:
        name = officer.name
        before = len(problems)
        if officer.department_id != case.department_id:
            problems.append(_("承办人 %(name)s：不是承办部门（%(department)s）的执法人员")
                            % {"name": name, "department": case.department.name})  # fmt: skip
        if not officer.active:
            problems.append(_("承办人 %(name)s：不在岗") % {"name": name})
        if not officer.badge_valid_on(on):
            problems.append(_("承办人 %(name)s：执法证在 %(day)s 无效（有效期 %(start)s 至 %(end)s）") % {
                "name": name, "day": f"{on:%Y-%m-%d}",
                "start": f"{officer.badge_valid_from:%Y-%m-%d}" if officer.badge_valid_from else "—",
                "end": f"{officer.badge_valid_to:%Y-%m-%d}" if officer.badge_valid_to else "—"})  # fmt: skip
        for institution_id, party in institutions.items():
            if (officer.pk, institution_id) in conflicts:
                problems.append(_("承办人 %(name)s：与当事人 %(party)s 有申报回避") % {"name": name, "party": party})
        if len(problems) == before:
            valid += 1
    needed = figures.min_handlers(on)
    if valid < needed:
        problems.append(_("承办人：至少需要 %(needed)s 名持有效执法证的执法人员，现有 %(valid)s 名")
                        % {"needed": needed, "valid": valid})  # fmt: skip
    return problems


def current_handler_problems(case: Case, on: dt.date) -> list[str]:
    officers = [h.inspector for h in case.handlers.select_related("inspector", "inspector__department")]
    return handler_problems(case, officers, on)


def crime_transfer_blocking(case: Case) -> Transfer | None:
    """An open or accepted transfer of a suspected crime: while it stands, no fine and no closure (以罚代刑)."""
    return case.transfers.filter(kind__in=CRIME_KINDS, status__in=CRIME_BLOCKING).first()


def no_penalty_instead_of_crime(case: Case) -> list[str]:
    blocking = crime_transfer_blocking(case)
    if blocking is None:
        return []
    return [_("涉嫌犯罪移送（%(status)s）：公安机关不予立案或退回前，不得以行政处罚代替刑事追究（以罚代刑），也不得结案")
            % {"status": blocking.get_status_display()}]  # fmt: skip


def statement_period_running(case: Any, today: dt.date) -> list[str]:
    """陈述、申辩 (行政处罚法 arts. 44–45, 62): no decision while the party's statement period runs, unless a hearing
    was held (the party was heard)."""
    if case.notified_on is None or case.hearing_held_on is not None:
        return []
    window = parts.deadline_view("case.statement", case.notified_on)
    if window.due is None or today > window.due:
        return []
    return [_("缺少步骤「陈述申辩期满」：当事人陈述、申辩的期限至 %(due)s，期满后才能作出决定")
            % {"due": f"{window.due:%Y-%m-%d}"}]
