"""Transfers (线索移送, 移送管辖, 行刑衔接) and 督办: the writes, each one transaction and one audit event.

A transfer goes sent → received → accepted / refused (with reason) → answered (with the result). The sending
office writes it from the case; the receiving department (its partner officers, the police …) works it from its
inbox: its scope is the receiving department. Deadlines per step: ``transfer.receipt`` / ``transfer.answer`` for
departments; ``crime.transfer`` (24 h after the head's approval), ``crime.police_review`` after receipt,
``crime.reconsider_request`` after a refusal for the police (国务院令第310号 arts. 5, 8, 9).

A department transfer that is accepted becomes a clue of the receiving department (``clue_create`` with
source_kind ``transfer``), linked to the case: 一案多查.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.cases.models import Case, Supervision, Transfer, TransferKind, TransferStatus
from weijian.cases.services import CaseError, _audit, _locked, _text
from weijian.cases.states import CaseState, TransitionRefused, check_source
from weijian.clues.models import ClueSource
from weijian.clues.services import clue_create
from weijian.core.audit import audit_record
from weijian.core.models import Department, Role
from weijian.core.scope import OutOfScope, require_writable, scope_of, scoped

S = CaseState


def _department(code: str) -> Department:
    found = Department.objects.filter(code=code).first()
    if found is None:
        raise CaseError(_("接收部门：%(code)s 不是已知的部门") % {"code": code})
    return found


def _new_transfer(case: Case, kind: str, department: Department, note: str,
                  approved_at: dt.datetime | None = None) -> Transfer:  # fmt: skip
    return Transfer.objects.create(case=case, kind=kind, to_department=department, region=case.region, note=note,
                                   sent_at=timezone.now(), approved_at=approved_at)  # fmt: skip


@transaction.atomic
def case_refer(*, actor: Any, case: Case, department_code: str, note: str) -> Transfer:
    """线索移送 (一案多查): tell another department of what concerns it; the case goes on here."""
    case = _locked(actor, case)
    if case.state in (S.CLOSED, S.NOT_REGISTERED, S.WITHDRAWN, S.TRANSFERRED_OUT):
        raise TransitionRefused(_("移送：案件已办结"))
    department = _department(department_code)
    if department.pk == case.department_id:
        raise CaseError(_("接收部门：不能移送给本部门"))
    made = _new_transfer(case, TransferKind.DEPARTMENT, department, _text(note, _("移送说明")))
    _audit(actor, case, "refer", transfer=made.pk, department=department.code)
    return made


@transaction.atomic
def case_transfer_out(*, actor: Any, case: Case, department_code: str, note: str) -> Transfer:
    """移送管辖: the case belongs to another department; it ends here as 已移送管辖."""
    case = _locked(actor, case)
    check_source("transfer_out", case.state)
    department = _department(department_code)
    made = _new_transfer(case, TransferKind.JURISDICTION, department, _text(note, _("移送理由")))
    case.state, case.end_reason, case.closed_on = S.TRANSFERRED_OUT, made.note, timezone.localdate()
    case.save(update_fields=["state", "end_reason", "closed_on", "updated_at"])
    _audit(actor, case, "transfer_out", transfer=made.pk, department=department.code)
    return made


@transaction.atomic
def case_transfer_crime(*, actor: Any, case: Case, note: str, approved_at: dt.datetime | None = None) -> Transfer:
    """涉嫌犯罪移送 (行政处罚法 art. 27; 国务院令第310号): to the police of the same level, after the head's approval.
    The case waits in 涉嫌犯罪已移送; no fine and no closure until the police refuse or return it (以罚代刑)."""
    case = _locked(actor, case)
    check_source("transfer_crime", case.state)
    police = _department("police")
    made = _new_transfer(case, TransferKind.POLICE, police, _text(note, _("涉嫌犯罪事实")),
                         approved_at=approved_at or timezone.now())  # fmt: skip
    case.state = S.TRANSFERRED_CRIME
    case.save(update_fields=["state", "updated_at"])
    _audit(actor, case, "transfer_crime", transfer=made.pk)
    return made


@transaction.atomic
def case_crime_returned(*, actor: Any, case: Case, note: str) -> Case:
    """The police refused (不予立案) or returned the case: the administrative case resumes (art. 27)."""
    case = _locked(actor, case)
    check_source("crime_returned", case.state)
    standing = case.transfers.filter(kind__in=(TransferKind.POLICE, TransferKind.PROCURATORATE),
                                     status__in=(TransferStatus.SENT, TransferStatus.RECEIVED, TransferStatus.ACCEPTED))
    if standing.exists():
        raise TransitionRefused(_("恢复办理：缺少步骤「公安机关不予立案或退回」（移送尚在办理或已立案）"))
    case.state = S.INVESTIGATING
    case.save(update_fields=["state", "updated_at"])
    _audit(actor, case, "crime_returned", note=_text(note, _("恢复办理说明")))
    return case


@transaction.atomic
def case_ask_procuratorate(*, actor: Any, case: Case, transfer: Transfer, note: str) -> Transfer:
    """After the police refuse: ask the procuratorate for 立案监督 (国务院令第310号 art. 9)."""
    case = _locked(actor, case)
    if transfer.case_id != case.pk or transfer.kind != TransferKind.POLICE or transfer.status != TransferStatus.REFUSED:
        raise TransitionRefused(_("立案监督：缺少步骤「公安机关不予立案」"))
    made = _new_transfer(case, TransferKind.PROCURATORATE, _department("procuratorate"), _text(note, _("提请理由")))
    case.state = S.TRANSFERRED_CRIME
    case.save(update_fields=["state", "updated_at"])
    _audit(actor, case, "procuratorate", transfer=made.pk)
    return made


# --------------------------------------------------------------------------- the receiving side (inbox)


def _inbox_locked(actor: Any, transfer: Transfer) -> Transfer:
    found = scoped(actor, Transfer.objects.select_for_update(of=("self",)).filter(pk=transfer.pk)).first()
    if found is None or scope_of(actor).role == Role.INSTITUTION_USER:
        raise OutOfScope()
    require_writable(actor, found)
    return found


def _transfer_audit(actor: Any, transfer: Transfer, verb: str, **data: Any) -> None:
    audit_record(actor=actor, action=f"cases.transfer.{verb}", object_type="transfer", object_id=transfer.pk,
                 data={"case": transfer.case.number, "kind": transfer.kind, "status": transfer.status,
                       "department": transfer.to_department.code, **data})  # fmt: skip


def _step(transfer: Transfer, allowed: tuple[str, ...], missing: str) -> None:
    if transfer.status not in allowed:
        raise TransitionRefused(_("移送处于「%(status)s」：缺少步骤「%(missing)s」")
                                % {"status": transfer.get_status_display(), "missing": missing})  # fmt: skip


@transaction.atomic
def transfer_receive(*, actor: Any, transfer: Transfer) -> Transfer:
    transfer = _inbox_locked(actor, transfer)
    _step(transfer, (TransferStatus.SENT,), _("移送"))
    transfer.status, transfer.received_at = TransferStatus.RECEIVED, timezone.now()
    transfer.save(update_fields=["status", "received_at"])
    _transfer_audit(actor, transfer, "receive")
    return transfer


@transaction.atomic
def transfer_accept(*, actor: Any, transfer: Transfer) -> Transfer:
    """受理 (police: 立案). A department transfer becomes a clue of the receiving department, linked to the case."""
    transfer = _inbox_locked(actor, transfer)
    _step(transfer, (TransferStatus.RECEIVED,), _("签收"))
    transfer.status, transfer.decided_at = TransferStatus.ACCEPTED, timezone.now()
    if transfer.kind in (TransferKind.DEPARTMENT, TransferKind.JURISDICTION):
        case = transfer.case
        first = case.parties.select_related("institution").first()
        transfer.clue = clue_create(
            actor=actor, source_kind=ClueSource.TRANSFER, source_id=transfer.pk, facts=transfer.note,
            department=transfer.to_department, region=case.region,
            institution=first.institution if first else None, subject_name=first.name if first else "",
            source_label=_("案件 %(number)s 移送") % {"number": case.number},
        )  # fmt: skip
    transfer.save(update_fields=["status", "decided_at", "clue"])
    _transfer_audit(actor, transfer, "accept", clue=transfer.clue.number if transfer.clue else None)
    return transfer


@transaction.atomic
def transfer_refuse(*, actor: Any, transfer: Transfer, reason: str) -> Transfer:
    transfer = _inbox_locked(actor, transfer)
    _step(transfer, (TransferStatus.RECEIVED,), _("签收"))
    transfer.refusal_reason = _text(reason, _("不予受理理由"))
    transfer.status, transfer.decided_at = TransferStatus.REFUSED, timezone.now()
    transfer.save(update_fields=["status", "decided_at", "refusal_reason"])
    _transfer_audit(actor, transfer, "refuse", reason=transfer.refusal_reason)
    return transfer


@transaction.atomic
def transfer_answer(*, actor: Any, transfer: Transfer, result: str) -> Transfer:
    transfer = _inbox_locked(actor, transfer)
    _step(transfer, (TransferStatus.ACCEPTED,), _("受理"))
    transfer.result = _text(result, _("处理结果"))
    transfer.status, transfer.answered_at = TransferStatus.ANSWERED, timezone.now()
    transfer.save(update_fields=["status", "answered_at", "result"])
    _transfer_audit(actor, transfer, "answer")
    return transfer


# --------------------------------------------------------------------------- 督办


@transaction.atomic
def supervision_start(*, actor: Any, case: Case, reason: str) -> Supervision:
    """督办 by the city office; starts ``supervision.report`` (the district's report)."""
    if scope_of(actor).role != Role.CITY_ADMIN:
        raise OutOfScope()
    case = _locked(actor, case)
    if case.supervisions.filter(lifted_on__isnull=True).exists():
        raise TransitionRefused(_("督办：本案已在督办中"))
    made = Supervision.objects.create(case=case, reason=_text(reason, _("督办事由")), started_on=timezone.localdate(),
                                      created_by=actor if getattr(actor, "pk", None) else None)  # fmt: skip
    _audit(actor, case, "supervise", supervision=made.pk)
    return made


def _supervision_locked(actor: Any, supervision: Supervision) -> Supervision:
    found = scoped(actor, Supervision.objects.select_for_update(of=("self",)).filter(pk=supervision.pk)).first()
    if found is None:
        raise OutOfScope()
    require_writable(actor, found.case)
    return found


@transaction.atomic
def supervision_report(*, actor: Any, supervision: Supervision, text: str) -> Supervision:
    supervision = _supervision_locked(actor, supervision)
    if supervision.lifted_on is not None:
        raise TransitionRefused(_("督办：已解除"))
    supervision.reports = [*supervision.reports, {"on": f"{timezone.localdate():%Y-%m-%d}",
                                                  "text": _text(text, _("办理情况")), "by": str(actor)}]  # fmt: skip
    supervision.save(update_fields=["reports"])
    _audit(actor, supervision.case, "supervision_report", supervision=supervision.pk)
    return supervision


@transaction.atomic
def supervision_lift(*, actor: Any, supervision: Supervision, note: str) -> Supervision:
    if scope_of(actor).role != Role.CITY_ADMIN:
        raise OutOfScope()
    supervision = _supervision_locked(actor, supervision)
    if supervision.lifted_on is not None:
        raise TransitionRefused(_("督办：已解除"))
    supervision.lifted_on, supervision.lift_note = timezone.localdate(), _text(note, _("解除说明"))
    supervision.save(update_fields=["lifted_on", "lift_note"])
    _audit(actor, supervision.case, "supervision_lift", supervision=supervision.pk)
    return supervision
