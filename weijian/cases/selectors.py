"""Reads of cases, transfers and 督办, always through the data scope; deadlines computed when read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.cases.models import (
    Case,
    CaseEvidence,
    CaseParty,
    Supervision,
    Transfer,
    TransferKind,
    TransferStatus,
)
from weijian.cases.parts import DeadlineView, deadline_view
from weijian.cases.states import BEFORE_DECISION, CaseOutcome, CaseState
from weijian.clues.models import Clue, ClueStatus
from weijian.core.audit import action_label
from weijian.core.models import AuditEvent
from weijian.core.scope import scoped

S = CaseState
WARNING_STATES = ("due_soon", "due_today", "overdue")


SEARCH_KEYS_READ_ONCE = 2000  # matching cases kept as a list of keys (a query parameter each), not a subquery


def case_list(user: Any, *, state: str | None = None, q: str | None = None, due: str | None = None,
              supervised: bool = False) -> QuerySet[Case]:  # fmt: skip
    """The case queue. ``due`` (soon/overdue) keeps the cases with such a deadline (computed per case, so the
    filter runs over the open cases of the scope and returns them by id)."""
    qs = scoped(user, Case.objects.select_related("region", "department", "clue"))
    if state in S.values:
        qs = qs.filter(state=state)
    if q:
        text = q.strip()[:100]
        # The matching keys (no join, no DISTINCT), read once: the page and its count then look those rows up
        # instead of scanning every case and party again each. A text matching very many is kept as a subquery.
        own = Case.objects.filter(Q(number__contains=text) | Q(cause__contains=text)).order_by().values_list("pk")
        named = CaseParty.objects.filter(name__contains=text).order_by().values_list("case_id")
        matching = own.union(named)
        found = [pk for (pk,) in matching[: SEARCH_KEYS_READ_ONCE + 1]]
        qs = qs.filter(pk__in=found if len(found) <= SEARCH_KEYS_READ_ONCE else matching)
    if supervised:
        qs = qs.filter(supervisions__lifted_on__isnull=True).distinct()
    if due in ("soon", "overdue"):  # by the earliest running deadline kept on the case (next_due)
        today = timezone.localdate()
        qs = qs.exclude(state__in=(S.CLOSED, S.NOT_REGISTERED, S.WITHDRAWN, S.TRANSFERRED_OUT))
        qs = qs.filter(next_due__lt=today) if due == "overdue" else qs.filter(next_warn_from__lte=today,
                                                                              next_due__gte=today)
    return qs.order_by("-registered_on", "-pk")


def case_get(user: Any, pk: int) -> Case:
    found = scoped(user, Case.objects.select_related("region", "department", "clue", "clue__institution")).filter(
        pk=pk
    ).first()
    if found is None:
        raise Http404(_("案件不存在或不在您的数据权限范围内"))
    return found


def _decide_deadline(case: Case, now: dt.datetime | None) -> DeadlineView:
    base = deadline_view("case.decide", case.registered_on, now=now)
    if case.extension_approved_on is None or base.due is None:
        return base
    extended = deadline_view("case.decide_extension", base.due, now=now)
    return DeadlineView(base.code, _("%(label)s（已批准延期）") % {"label": base.label}, extended.basis, extended.due,
                        extended.state, extended.deadline)  # fmt: skip


def evidence_get(user: Any, pk: int) -> CaseEvidence:
    """A file of a case, only to those whose scope holds the case."""
    found = scoped(user, CaseEvidence.objects.filter(pk=pk)).first()
    if found is None:
        raise Http404(_("证据文件不存在或不在您的数据权限范围内"))
    return found


def case_deadlines(case: Case, now: dt.datetime | None = None) -> list[DeadlineView]:
    """The open deadlines of the case in its state, each with its state as of ``now``."""
    found: list[DeadlineView] = []
    if case.state in BEFORE_DECISION and case.registered_on:
        found.append(_decide_deadline(case, now))
    if case.state == S.NOTIFIED and case.notified_on:
        found.append(deadline_view("case.statement", case.notified_on, now=now))
        if case.hearing_offered:
            found.append(deadline_view("case.hearing_request", case.notified_on, now=now))
    if case.state == S.HEARING_REQUESTED and case.hearing_on:
        found.append(deadline_view("case.hearing_notice", case.hearing_on, before=True, now=now))
    if case.state == S.DECIDED and case.decided_on:
        found.append(deadline_view("case.serve_decision", case.decided_on, now=now))
    if case.state == S.SERVED and case.served_on and case.fine:
        found.append(deadline_view("case.pay", case.served_on, now=now))
    return found


def case_next_due(case: Case) -> tuple[dt.date | None, dt.date | None]:
    """The due day of the case's earliest running deadline and the day its warning starts (None: none runs)."""
    running = [v for v in case_deadlines(case) if v.due is not None]
    if not running:
        return None, None
    first = min(running, key=lambda v: v.due)
    warn = first.deadline.warn_from() if first.deadline is not None and hasattr(first.deadline, "warn_from") else None
    return first.due, (timezone.localdate(warn) if isinstance(warn, dt.datetime) else warn) or first.due


def transfer_deadlines(transfer: Transfer, now: dt.datetime | None = None) -> list[DeadlineView]:
    crime = transfer.kind in (TransferKind.POLICE, TransferKind.PROCURATORATE)
    if transfer.status == TransferStatus.SENT:
        if crime and transfer.kind == TransferKind.POLICE:
            return [deadline_view("crime.police_review", transfer.sent_at, now=now)]
        return [deadline_view("transfer.receipt", transfer.sent_at, now=now)]
    if transfer.status in (TransferStatus.RECEIVED, TransferStatus.ACCEPTED) and transfer.received_at:
        code = "crime.police_review" if transfer.kind == TransferKind.POLICE else "transfer.answer"
        if transfer.kind == TransferKind.POLICE and transfer.status == TransferStatus.ACCEPTED:
            return [deadline_view("crime.hand_over", transfer.decided_at or transfer.received_at, now=now)]
        return [deadline_view(code, transfer.received_at, now=now)]
    if transfer.status == TransferStatus.REFUSED and transfer.kind == TransferKind.POLICE and transfer.decided_at:
        return [deadline_view("crime.reconsider_request", transfer.decided_at, now=now)]
    return []


def supervision_deadlines(supervision: Supervision, now: dt.datetime | None = None) -> list[DeadlineView]:
    if supervision.lifted_on is not None:
        return []
    last = supervision.reports[-1]["on"] if supervision.reports else None
    start = dt.date.fromisoformat(last) if last else supervision.started_on
    return [deadline_view("supervision.report", start, now=now)]


def case_transfers(case: Case) -> list[Transfer]:
    """The transfers of a case the reader already may see (the case is scoped): the sender follows them."""
    return list(case.transfers.select_related("to_department", "clue").order_by("sent_at", "pk"))


def transfer_inbox(user: Any, *, status: str | None = None) -> QuerySet[Transfer]:
    """The transfers sent to the reader's department (the city office sees all of its region)."""
    qs = scoped(user, Transfer.objects.select_related("case", "to_department", "region"))
    if status in TransferStatus.values:
        qs = qs.filter(status=status)
    elif status != "all":
        qs = qs.filter(status__in=(TransferStatus.SENT, TransferStatus.RECEIVED, TransferStatus.ACCEPTED))
    return qs.order_by("sent_at", "pk")


def transfer_get(user: Any, pk: int) -> Transfer:
    found = scoped(user, Transfer.objects.select_related("case", "to_department", "region")).filter(pk=pk).first()
    if found is None:
        raise Http404(_("移送记录不存在或不在您的数据权限范围内"))
    return found


def supervision_list(user: Any, *, open_only: bool = True) -> QuerySet[Supervision]:
    qs = scoped(user, Supervision.objects.select_related("case", "case__region", "case__department"))
    if open_only:
        qs = qs.filter(lifted_on__isnull=True)
    return qs.order_by("-started_on", "-pk")


def case_timeline(case: Case) -> list[AuditEvent]:
    """The case's audit events (执法全过程记录), oldest first."""
    events = list(AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).order_by("at", "pk"))
    for event in events:
        event.label = action_label(event.action) or event.action  # type: ignore[attr-defined]
    return events


def case_for_clue(user: Any, clue: Clue) -> Case | None:
    return scoped(user, Case.objects.filter(clue=clue)).order_by("-pk").first()


def outcome_for_clue(clue: Clue) -> str | None:
    """One public line on what became of a clue, for the complainant's tracking page — never the case file.

    No names, facts, amounts or officers: only the stage reached (立案, 处罚决定, 结案 …) and its date.
    """
    case = Case.objects.filter(clue=clue).order_by("-pk").first()
    if case is None:
        if clue.status == ClueStatus.CLOSED:
            return _("经核查，不予立案。")
        if clue.status in (ClueStatus.NEW, ClueStatus.VERIFYING):
            return _("正在核查。")
        return None
    day = case.closed_on or case.decided_on or case.registered_on or timezone.localdate()
    if case.state == S.CLOSED:
        text = (_("已依法作出行政处罚，案件已办结") if case.outcome == CaseOutcome.PENALTY
                else _("经调查，不予行政处罚，案件已办结"))  # fmt: skip
    elif case.state in (S.DECIDED, S.SERVED, S.PAID, S.ENFORCED):
        text = _("已依法作出行政处罚决定")
    elif case.state == S.WITHDRAWN:
        text = _("已撤销立案")
    elif case.state == S.TRANSFERRED_OUT:
        text = _("已移送有管辖权的部门处理")
    else:
        text = _("已立案调查")
    return _("%(text)s（%(day)s）。") % {"text": text, "day": f"{day:%Y-%m-%d}"}


def violation_choices() -> list[tuple[str, str]]:
    """The violations of the discretion catalogue in force today, (code, name), for the decision form."""
    from weijian.cases.parts import discretion

    module = discretion()
    if module is None:
        return []
    return [(code, getattr(v, "name", code)) for code, v in module.violations(timezone.localdate()).items()]


def decision_preview(case: Case, values: dict[str, Any]) -> tuple[Any, Any, str]:
    """The discretion table's suggestion and the check of the facts entered on the decision form; a bad amount
    or an unknown violation is the third value (shown beside the form, never a 500)."""
    from weijian.cases import services

    try:
        fine = services._money(values["fine"], _("罚款金额"))
        income = services._money(values["illegal_income"], _("违法所得"))
        suggestion, check = services.decision_check(
            case, violation_code=values["violation_code"], circumstance=values["circumstance"], kinds=values["kinds"],
            fine=fine, illegal_income=income, on=timezone.localdate())  # fmt: skip
    except (ValueError, LookupError, ArithmeticError) as exc:
        return None, None, str(exc)
    return suggestion, check, ""


def credit_facts(since: dt.date) -> list[Any]:
    """What credit records of cases (``weijian.credit.facts``): every penalty decided on or after ``since``, one
    fact per registered party, with its publication. A system read (the credit sync), not a user's page."""
    from django.contrib.contenttypes.models import ContentType

    from weijian.cases.documents import disclosure_severity
    from weijian.credit.facts import CreditFact
    from weijian.portal.models import Disclosure

    cases = list(
        Case.objects.filter(outcome=CaseOutcome.PENALTY, decided_on__gte=since)
        .select_related("region", "department").prefetch_related("parties").order_by("pk")
    )  # fmt: skip
    kind = ContentType.objects.get_for_model(Case)
    disclosures = dict(Disclosure.objects.filter(source_type=kind, source_id__in=[c.pk for c in cases])
                       .values_list("source_id", "pk"))  # fmt: skip
    facts = []
    for case in cases:
        assert case.decided_on is not None
        for party in case.parties.all():
            if party.institution_id is None:
                continue
            facts.append(CreditFact(
                source_kind="case", source_key=f"case-{case.pk}-party-{party.institution_id}",
                occurred_on=case.decided_on, severity=disclosure_severity(case), category="penalty",
                title=case.cause, region_code=case.region.code, department_code=case.department.code,
                institution_id=party.institution_id, violation_code=case.violation_code,
                disclosure_id=disclosures.get(case.pk),
                detail={"case_number": case.number or "", "penalty_kinds": list(case.penalty_kinds or []),
                        "fine": str(case.fine) if case.fine is not None else None},
            ))  # fmt: skip
            if case.overturned_on is not None:  # a correction, never a rewrite: the penalty record stays in history
                facts.append(CreditFact(
                    source_kind="correction", source_key=f"case-{case.pk}-party-{party.institution_id}-overturned",
                    occurred_on=case.overturned_on, severity=disclosure_severity(case), category="penalty",
                    title=_("处罚决定被撤销或变更：%(cause)s") % {"cause": case.cause}, region_code=case.region.code,
                    department_code=case.department.code, institution_id=party.institution_id,
                    violation_code=case.violation_code, corrects_kind="case",
                    corrects_key=f"case-{case.pk}-party-{party.institution_id}",
                    detail={"case_number": case.number or "", "basis": case.overturn_basis},
                ))  # fmt: skip
    return facts
