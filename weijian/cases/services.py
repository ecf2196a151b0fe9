"""Writes of a case: one service ``case_<verb>`` per transition of :mod:`weijian.cases.states`.

Every service is keyword-only, runs in one transaction, locks its case (:func:`_locked`), checks the write-side
guard (the case and every linked record in the actor's scope), checks the state machine (a skipped step is
refused with its name) and the data guards (:mod:`weijian.cases.guards`), and writes one audit event
(``cases.case.<verb>``). Documents (执法文书) and the publication of the decision go through
:mod:`weijian.cases.parts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.cases import figures, guards, parts
from weijian.cases.models import Case, CaseEvidence, CaseHandler, CaseParty, JointTeamMember
from weijian.cases.states import CaseOutcome, CaseState, TransitionRefused, check_source
from weijian.clues.models import Clue, ClueStatus
from weijian.clues.services import clue_set_status
from weijian.core.audit import audit_record
from weijian.core.scope import OutOfScope, require_writable, scoped
from weijian.inspections import evidence as store
from weijian.registry.models import Inspector

S = CaseState
NUMBER_TRIES = 5
MAX_TEXT = 5000


class CaseError(TransitionRefused):
    """Bad input for a case service; the message names the field and the reason (Chinese)."""


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: str | None, field: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and len(text) < 2:
        raise CaseError(_("%(field)s：必须填写") % {"field": field})
    if len(text) > MAX_TEXT:
        raise CaseError(_("%(field)s：不超过 %(limit)s 字") % {"field": field, "limit": MAX_TEXT})
    return text


def _money(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise CaseError(_("%(field)s：不是有效的金额") % {"field": field}) from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e12"):
        raise CaseError(_("%(field)s：应为不小于 0、最多两位小数的金额") % {"field": field})
    return amount


def _refuse(problems: Sequence[str]) -> None:
    if problems:
        raise TransitionRefused(_("；").join(problems))


def _locked(actor: Any, case: Case) -> Case:
    """The case, fetched again inside the transaction, locked, and in the actor's scope (else 404)."""
    found = scoped(actor, Case.objects.select_for_update(of=("self",)).filter(pk=case.pk)).first()
    if found is None:
        raise OutOfScope()
    require_writable(actor, found)
    return found


def _audit(actor: Any, case: Case, verb: str, **data: Any) -> None:
    """The transition's audit event; also keeps the case's earliest running deadline (the queue's due filters)."""
    from weijian.cases.selectors import case_next_due

    case.refresh_from_db()
    case.next_due, case.next_warn_from = case_next_due(case)
    Case.objects.filter(pk=case.pk).update(next_due=case.next_due, next_warn_from=case.next_warn_from)
    audit_record(actor=actor, action=f"cases.case.{verb}", object_type="case", object_id=case.pk,
                 data={"number": case.number, "state": case.state, **data})  # fmt: skip


def _next_number(case: Case, year: int) -> str:
    """案号 per office (district × department) and year: ``AJ-310101-health-2026-00001``."""
    prefix = f"AJ-{case.region.code}-{case.department.code}-{year}-"
    last = Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


def _document(actor: Any, case: Case, kind: str) -> dict[str, Any] | None:
    """Issue the case's document ``kind`` (weijian.documents), its context from :mod:`weijian.cases.documents`."""
    from weijian.cases.documents import context_for
    from weijian.documents.kinds import DocumentError

    try:
        return parts.document_issue(actor=actor, kind=kind, subject=case, context=context_for(case, kind),
                                    region=case.region, department=case.department)  # fmt: skip
    except DocumentError as exc:  # a fact the document needs is missing: the step is refused, naming it
        raise CaseError(str(exc)) from exc


# --------------------------------------------------------------------------- clue → case


def _officers(actor: Any, ids: Sequence[int]) -> list[Inspector]:
    found = list(Inspector.objects.select_related("department").filter(pk__in=list(ids)))
    if len(found) != len(set(ids)):
        raise CaseError(_("承办人：所选执法人员不存在"))
    return found


@transaction.atomic
def case_register(*, actor: Any, clue: Clue, cause: str, handler_ids: Sequence[int], violation_code: str = "",
                  facts: str = "", extra_parties: Sequence[dict[str, Any]] = (), representative: str = "") -> Case:  # fmt: skip
    """立案: open a case on a clue with its handlers; the clue becomes 已立案. Starts ``case.decide`` (90 days)."""
    clue = Clue.objects.select_for_update(of=("self",)).select_related("institution", "region", "department").get(pk=clue.pk)
    if not scoped(actor, Clue.objects.filter(pk=clue.pk)).exists():
        raise OutOfScope()
    if clue.status not in (ClueStatus.NEW, ClueStatus.VERIFYING):
        raise CaseError(_("线索：处于「%(status)s」，不能立案") % {"status": clue.get_status_display()})
    today = _today()
    case = Case(clue=clue, cause=_text(cause, _("案由"))[:200], violation_code=(violation_code or "").strip()[:60],
                region=clue.region, department=clue.department, state=S.REGISTERED,
                facts=_text(facts, _("违法事实"), required=False) or clue.facts, registered_on=today,
                created_by=actor if getattr(actor, "pk", None) else None)  # fmt: skip
    require_writable(actor, case, linked=(clue, clue.institution))
    for _attempt in range(NUMBER_TRIES):
        case.number = _next_number(case, today.year)
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            case.pk = None
    else:
        raise CaseError(_("案号：生成编号冲突，请重试"))
    CaseParty.objects.create(case=case, institution=clue.institution, name=clue.subject_name,
                             address=clue.institution.address if clue.institution else "",
                             representative=(representative or "").strip()[:60])  # fmt: skip
    for extra in extra_parties:
        _add_party(actor, case, extra)
    officers = _officers(actor, handler_ids)
    _refuse(guards.handler_problems(case, officers, today))
    for index, officer in enumerate(officers):
        CaseHandler.objects.create(case=case, inspector=officer, lead=index == 0, added_on=today)
    clue_set_status(actor=actor, clue=clue, status=ClueStatus.CASE)
    document = _document(actor, case, "case_filing")
    _audit(actor, case, "register", clue=clue.number, handlers=[o.badge_no for o in officers], document=document)
    return case


@transaction.atomic
def case_not_register(*, actor: Any, clue: Clue, reason: str) -> Clue:
    """不予立案: the clue is closed with the reason (kept on the clue; the complainant's outcome reads it)."""
    if not scoped(actor, Clue.objects.filter(pk=clue.pk)).exists():
        raise OutOfScope()
    return clue_set_status(actor=actor, clue=clue, status=ClueStatus.CLOSED, reason=_text(reason, _("不予立案理由")))


def _add_party(actor: Any, case: Case, data: dict[str, Any]) -> CaseParty:
    institution = data.get("institution")
    name = (data.get("name") or (institution.name if institution else "")).strip()
    if not name:
        raise CaseError(_("当事人：未登记的当事人须填写名称"))
    if institution is not None:
        require_writable(actor, case, linked=(institution,))
    kind = data.get("kind") or CaseParty.Kind.ORGANISATION
    if kind not in CaseParty.Kind.values:
        raise CaseError(_("当事人类别：%(kind)s 不是已知的类别") % {"kind": kind})
    return CaseParty.objects.create(case=case, institution=institution, name=name[:200], kind=kind,
                                    address=(data.get("address") or "")[:200])  # fmt: skip


@transaction.atomic
def case_add_party(*, actor: Any, case: Case, name: str = "", institution: Any = None, kind: str = "",
                   address: str = "") -> CaseParty:  # fmt: skip
    """一案多查: one more subject of the case."""
    case = _locked(actor, case)
    if case.state in (S.CLOSED, S.NOT_REGISTERED, S.WITHDRAWN, S.TRANSFERRED_OUT):
        raise CaseError(_("当事人：案件已办结，不能增加"))
    party = _add_party(actor, case, {"name": name, "institution": institution, "kind": kind, "address": address})
    _audit(actor, case, "party", party=party.name, institution=institution.uscc if institution else None)
    return party


@transaction.atomic
def case_set_handlers(*, actor: Any, case: Case, handler_ids: Sequence[int]) -> Case:
    """Replace the handlers (承办人): the new team must pass the handler guard on today's date."""
    case = _locked(actor, case)
    officers = _officers(actor, handler_ids)
    today = _today()
    _refuse(guards.handler_problems(case, officers, today))
    case.handlers.all().delete()
    for index, officer in enumerate(officers):
        CaseHandler.objects.create(case=case, inspector=officer, lead=index == 0, added_on=today)
    _audit(actor, case, "handlers", handlers=[o.badge_no for o in officers])
    return case


@transaction.atomic
def case_add_team_member(*, actor: Any, case: Case, inspector: Inspector) -> JointTeamMember:
    """联合调查组: an officer of any department joins the case's joint team (their 执法证 must be valid today)."""
    case = _locked(actor, case)
    if not inspector.badge_valid_on(_today()) or not inspector.active:
        raise CaseError(_("联合调查组成员 %(name)s：执法证无效或不在岗") % {"name": inspector.name})
    member, _created = JointTeamMember.objects.get_or_create(case=case, inspector=inspector,
                                                             defaults={"added_on": _today()})  # fmt: skip
    _audit(actor, case, "team", inspector=inspector.badge_no, department=inspector.department.code)
    return member


@transaction.atomic
def case_add_evidence(*, actor: Any, case: Case, data: bytes, kind: str, note: str = "") -> CaseEvidence:
    """A photo into the evidence store (content-addressed, SHA-256), recorded on the case."""
    case = _locked(actor, case)
    if kind not in CaseEvidence.Kind.values:
        raise CaseError(_("证据类型：%(kind)s 不是已知的类型") % {"kind": kind})
    image = store.check_image(data, field=_("证据文件"))
    name, _written = store.store(image)
    item = CaseEvidence.objects.create(case=case, kind=kind, sha256=image.sha256, stored_name=name,
                                       content_type=image.content_type, size=len(image.data),
                                       note=(note or "").strip()[:300],
                                       added_by=actor if getattr(actor, "pk", None) else None)  # fmt: skip
    _audit(actor, case, "evidence", sha256=image.sha256, kind=kind)
    return item


# --------------------------------------------------------------------------- the procedure


@transaction.atomic
def case_investigate(*, actor: Any, case: Case) -> Case:
    case = _locked(actor, case)
    check_source("investigate", case.state)
    _refuse(guards.current_handler_problems(case, _today()))
    case.state = S.INVESTIGATING
    case.save(update_fields=["state", "updated_at"])
    _audit(actor, case, "investigate")
    return case


def _kinds(kinds: Sequence[str]) -> list[str]:
    allowed = _penalty_kinds()
    chosen = [k for k in dict.fromkeys(kinds) if k]
    unknown = [k for k in chosen if allowed and k not in allowed]
    if unknown:
        raise CaseError(_("处罚种类：%(kinds)s 不是已知的处罚种类") % {"kinds": _("、").join(unknown)})
    return chosen


def _penalty_kinds() -> tuple[str, ...]:
    module = parts.discretion()
    return tuple(getattr(module, "PENALTY_KINDS", ())) if module else ()


def _party_kind(case: Case) -> str:
    first = case.parties.first()
    return first.kind if first else CaseParty.Kind.ORGANISATION


@transaction.atomic
def case_notify(*, actor: Any, case: Case, violation_code: str, circumstance: str, kinds: Sequence[str],
                fine: Any = None, illegal_income: Any = None) -> Case:  # fmt: skip
    """事先告知 (arts. 44–45): the proposed penalty is told to the party with the rights to 陈述、申辩 and, when the
    penalty meets the hearing thresholds, 听证. Starts ``case.statement`` and ``case.hearing_request``."""
    case = _locked(actor, case)
    check_source("notify", case.state)
    today = _today()
    _refuse(guards.current_handler_problems(case, today))
    case.violation_code = (violation_code or case.violation_code).strip()[:60]
    case.circumstance = (circumstance or "").strip()[:12]
    case.penalty_kinds = _kinds(kinds)
    case.fine = _money(fine, _("罚款金额"))
    case.illegal_income = _money(illegal_income, _("违法所得"))
    if not case.penalty_kinds:
        raise CaseError(_("处罚种类：事先告知须写明拟作出的处罚"))
    confiscated = case.illegal_income if "confiscate_income" in case.penalty_kinds else None
    case.hearing_offered = figures.hearing_offered(kinds=case.penalty_kinds, fine=case.fine, confiscated=confiscated,
                                                   party_kind=_party_kind(case), on=today)  # fmt: skip
    case.notified_on = today
    case.state = S.NOTIFIED
    case.save()
    document = _document(actor, case, "penalty_notice")
    if case.hearing_offered:
        _document(actor, case, "hearing_notice")
    _audit(actor, case, "notify", kinds=case.penalty_kinds, fine=str(case.fine) if case.fine is not None else None,
           hearing_offered=case.hearing_offered, document=document)  # fmt: skip
    return case


@transaction.atomic
def case_request_hearing(*, actor: Any, case: Case, requested_on: dt.date | None = None) -> Case:
    """The party asks for a hearing within ``case.hearing_request`` of the notice (art. 64)."""
    case = _locked(actor, case)
    check_source("request_hearing", case.state)
    if not case.hearing_offered:
        raise TransitionRefused(_("听证：拟作出的处罚不属于听证范围（未告知听证权利）"))
    requested_on = requested_on or _today()
    window = parts.deadline_view("case.hearing_request", case.notified_on)
    if window.due is not None and requested_on > window.due:
        raise TransitionRefused(_("申请听证日期：已超过听证申请期限（%(due)s）") % {"due": f"{window.due:%Y-%m-%d}"})
    case.hearing_requested_on = requested_on
    case.state = S.HEARING_REQUESTED
    case.save(update_fields=["hearing_requested_on", "state", "updated_at"])
    _audit(actor, case, "request_hearing", requested_on=f"{requested_on:%Y-%m-%d}")
    return case


@transaction.atomic
def case_schedule_hearing(*, actor: Any, case: Case, hearing_on: dt.date, notice_on: dt.date | None = None) -> Case:
    """Set the hearing day; the notice must go out ``case.hearing_notice`` before it (art. 64: 7 days)."""
    case = _locked(actor, case)
    if case.state != S.HEARING_REQUESTED:
        check_source("hold_hearing", case.state)
    notice_on = notice_on or _today()
    latest = parts.deadline_view("case.hearing_notice", hearing_on, before=True)
    if latest.due is not None and notice_on > latest.due:
        raise CaseError(_("听证日期：通知须在听证 %(due)s 前送达，请推后听证日期")
                        % {"due": f"{latest.due:%Y-%m-%d}"})  # fmt: skip
    case.hearing_on, case.hearing_notice_on = hearing_on, notice_on
    case.save(update_fields=["hearing_on", "hearing_notice_on", "updated_at"])
    _audit(actor, case, "schedule_hearing", hearing_on=f"{hearing_on:%Y-%m-%d}", notice_on=f"{notice_on:%Y-%m-%d}")
    return case


@transaction.atomic
def case_hold_hearing(*, actor: Any, case: Case, record: str) -> Case:
    case = _locked(actor, case)
    check_source("hold_hearing", case.state)
    if case.hearing_on is None:
        raise TransitionRefused(_("听证：缺少步骤「送达听证通知」（尚未确定听证日期）"))
    if _today() < case.hearing_on:
        raise TransitionRefused(_("听证：听证日期为 %(day)s，尚未到期") % {"day": f"{case.hearing_on:%Y-%m-%d}"})
    case.hearing_held_on = _today()
    case.state = S.HEARING_HELD
    case.save(update_fields=["hearing_held_on", "state", "updated_at"])
    _audit(actor, case, "hold_hearing", record=_text(record, _("听证笔录摘要")))
    return case


@transaction.atomic
def case_legal_review(*, actor: Any, case: Case, opinion: str) -> Case:
    """法制审核 (art. 58), recorded with its opinion."""
    case = _locked(actor, case)
    check_source("legal_review", case.state)
    case.legal_review_opinion = _text(opinion, _("法制审核意见"))
    case.legal_review_on = _today()
    case.state = S.LEGAL_REVIEW
    case.save(update_fields=["legal_review_opinion", "legal_review_on", "state", "updated_at"])
    _audit(actor, case, "legal_review")
    return case


@transaction.atomic
def case_discuss(*, actor: Any, case: Case, minutes: str) -> Case:
    """负责人集体讨论 (art. 57), recorded with its minutes."""
    case = _locked(actor, case)
    check_source("discuss", case.state)
    case.discussion_minutes = _text(minutes, _("集体讨论记录"))
    case.discussed_on = _today()
    case.state = S.COLLECTIVE_DISCUSSION
    case.save(update_fields=["discussion_minutes", "discussed_on", "state", "updated_at"])
    _audit(actor, case, "discuss")
    return case


@transaction.atomic
def case_extend(*, actor: Any, case: Case, reason: str) -> Case:
    """Approve the extension of the decision limit (``case.decide_extension``), once, before the decision."""
    case = _locked(actor, case)
    if case.state not in (S.REGISTERED, S.INVESTIGATING, S.NOTIFIED, S.HEARING_REQUESTED, S.HEARING_HELD,
                          S.LEGAL_REVIEW, S.COLLECTIVE_DISCUSSION):  # fmt: skip
        raise TransitionRefused(_("延期：只有作出决定前的案件可以延期"))
    if case.extension_approved_on is not None:
        raise TransitionRefused(_("延期：本案已批准过延期"))
    case.extension_reason = _text(reason, _("延期理由"))
    case.extension_approved_on = _today()
    case.save(update_fields=["extension_reason", "extension_approved_on", "updated_at"])
    _audit(actor, case, "extend", reason=case.extension_reason)
    return case


def _snapshot(found: Any) -> dict[str, Any]:
    if found is None:
        return {}
    data = asdict(found) if is_dataclass(found) else dict(getattr(found, "__dict__", {}))
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}


def decision_check(case: Case, *, violation_code: str, circumstance: str, kinds: Sequence[str], fine: Decimal | None,
                   illegal_income: Decimal | None, on: dt.date) -> tuple[Any, Any]:  # fmt: skip
    """(suggestion, check) of the discretion rules for the facts entered; (None, None) when the catalog is absent."""
    module = parts.discretion()
    if module is None or not violation_code:
        return None, None
    suggestion = module.suggest(violation_code, circumstance, illegal_income=illegal_income, on=on)
    check = module.check_decision(violation_code, circumstance, kinds=kinds, fine=fine, illegal_income=illegal_income,
                                  on=on)  # fmt: skip
    return suggestion, check


@transaction.atomic
def case_decide(*, actor: Any, case: Case, violation_code: str, circumstance: str, kinds: Sequence[str],
                fine: Any = None, illegal_income: Any = None, departure_reason: str = "") -> Case:  # fmt: skip
    """作出行政处罚决定 (arts. 57–60). Refused: above the legal maximum; outside the suggested band without a
    written reason; a major case (or one outside the band) without 法制审核, a major case without 集体讨论; fewer
    than two valid handlers; a fine while a crime transfer stands (以罚代刑). Starts ``case.serve_decision``."""
    case = _locked(actor, case)
    check_source("decide", case.state)
    today = _today()
    problems = guards.current_handler_problems(case, today)
    chosen = _kinds(kinds)
    if not chosen:
        problems.append(_("处罚种类：必须选择"))
    amount = _money(fine, _("罚款金额"))
    income = _money(illegal_income, _("违法所得"))
    if "fine" in chosen and not amount:
        problems.append(_("罚款金额：选择了罚款，须填写金额"))
    problems += guards.no_penalty_instead_of_crime(case)
    problems += guards.statement_period_running(case, today)
    if case.hearing_requested_on and not case.hearing_held_on:
        problems.append(_("缺少步骤「举行听证」"))
    suggestion, check = decision_check(case, violation_code=violation_code, circumstance=circumstance, kinds=chosen,
                                       fine=amount, illegal_income=income, on=today)  # fmt: skip
    reason = (departure_reason or "").strip()
    review_needed = case.legal_review_required
    if check is not None:
        if check.above_legal_max:
            _refuse([*problems, *check.problems] or [_("罚款金额：超过法定最高限额")])
        if not check.within_band:
            review_needed = True
            if len(reason) < 2:
                problems.append(_("偏离裁量基准的理由：决定超出裁量基准建议的幅度，须写明理由（并经法制审核）"))
    major = figures.major_case(kinds=chosen, fine=amount, hearing_held=case.hearing_held_on is not None, on=today,
                               party_kind=_party_kind(case))  # fmt: skip
    if (major or review_needed) and case.legal_review_on is None:
        problems.append(_("缺少步骤「法制审核」：%(why)s")
                        % {"why": _("重大案件") if major else _("决定超出裁量基准的幅度")})  # fmt: skip
    if major and case.discussed_on is None:
        problems.append(_("缺少步骤「负责人集体讨论」：重大案件"))
    _refuse(problems)
    case.violation_code = (violation_code or "").strip()[:60]
    case.circumstance = (circumstance or "").strip()[:12]
    case.penalty_kinds, case.fine, case.illegal_income = chosen, amount, income
    case.suggested = _snapshot(suggestion)
    case.departure_reason = reason
    case.legal_review_required, case.discussion_required = review_needed or major, major
    case.outcome = CaseOutcome.PENALTY
    case.decided_on = today
    case.state = S.DECIDED
    case.save()
    document = _document(actor, case, "penalty_decision")
    _audit(actor, case, "decide", kinds=chosen, fine=str(amount) if amount is not None else None,
           within_band=None if check is None else check.within_band, reason=reason, document=document)  # fmt: skip
    return case


PARTY_TYPES = {CaseParty.Kind.ORGANISATION: "legal_person", CaseParty.Kind.PERSON: "natural_person",
               CaseParty.Kind.INDIVIDUAL_BUSINESS: "individual_business"}  # CaseParty kinds → 双公示 party types


def _publication_fields(case: Case) -> dict[str, Any]:
    """The 双公示 fields (domain rules §13.5, ``publication_windows.yaml`` ``fields``) of a decision."""
    from django.utils import translation

    from weijian.cases.documents import authority_code, issued_number, party_context, penalty_text

    first = case.parties.select_related("institution").first()
    party = party_context(case)
    with translation.override("zh-hans"):  # the published record is the Chinese text of the decision
        content = penalty_text(case)
    fields = {
        "party_name": party["party_name"],
        "party_type": PARTY_TYPES.get(first.kind if first else CaseParty.Kind.ORGANISATION, "legal_person"),
        "party_code": party["party_uscc"],
        "decision_number": issued_number(case, "penalty_decision") or case.number, "violation_type": case.cause,
        "facts": case.facts, "basis": str(case.suggested.get("basis", "")), "penalty_kinds": case.penalty_kinds,
        "penalty_content": content, "authority": party["authority_name"],
        "authority_code": authority_code(case, case.decided_on or _today()),  # "" until the office records it
        "legal_representative": first.representative if first else "",
    }  # fmt: skip
    wan = Decimal(10000)
    if case.fine:
        fields["fine_amount"] = str((case.fine / wan).quantize(Decimal("0.000001")))
    if {"confiscate_income", "confiscate_property"} & set(case.penalty_kinds or []):
        # the illegal income the decision confiscates (the value of confiscated property is not recorded)
        fields["confiscated_amount"] = str(((case.illegal_income or Decimal(0)) / wan).quantize(Decimal("0.000001")))
    return {key: value for key, value in fields.items() if value not in ("", None)}


@transaction.atomic
def case_serve(*, actor: Any, case: Case, served_on: dt.date | None = None) -> Case:
    """送达 (art. 61; 13号令 arts. 53–57); starts ``case.pay``; the decision is published (双公示)."""
    case = _locked(actor, case)
    check_source("serve", case.state)
    case.served_on = served_on or _today()
    if case.served_on < case.decided_on:
        raise CaseError(_("送达日期：不能早于决定日期"))
    case.state = S.SERVED
    case.save(update_fields=["served_on", "state", "updated_at"])
    document = _document(actor, case, "delivery_receipt")
    # Publication (weijian.portal.disclosure): one call site, skipped until that part is installed.
    from weijian.cases.documents import disclosure_severity

    severity = disclosure_severity(case)
    from weijian.portal.disclosure import DisclosureError

    try:
        disclosure = parts.disclosure_publish(actor=actor, source=case, fields=_publication_fields(case),
                                              decided_on=case.decided_on, severity=severity)  # fmt: skip
    except DisclosureError as exc:  # the 双公示 data lacks a fact: say which, serve nothing
        raise CaseError(_("公示（双公示）：%(problem)s") % {"problem": exc}) from exc
    _audit(actor, case, "serve", served_on=f"{case.served_on:%Y-%m-%d}", document=document, disclosure=disclosure)
    return case


@transaction.atomic
def case_pay(*, actor: Any, case: Case, paid_on: dt.date, amount: Any) -> Case:
    """The fine is paid: late payment after ``case.pay`` adds the surcharge (art. 72), which must be paid too."""
    case = _locked(actor, case)
    check_source("pay", case.state)
    paid = _money(amount, _("实缴金额"))
    if not case.fine:
        raise TransitionRefused(_("缴款：本案未处罚款"))
    if paid is None:
        raise CaseError(_("实缴金额：必须填写"))
    if paid_on < case.served_on:
        raise CaseError(_("缴款日期：不能早于送达日期"))
    due = parts.deadline_view("case.pay", case.served_on).due
    surcharge = parts.late_surcharge(case.fine, due, paid_on) if due is not None else None
    owed = case.fine + (surcharge or Decimal(0))
    if paid < owed:
        raise CaseError(_("实缴金额：应缴 %(owed)s 元（罚款 %(fine)s 元，加处罚款 %(surcharge)s 元）")
                        % {"owed": owed, "fine": case.fine, "surcharge": surcharge or Decimal(0)})  # fmt: skip
    case.paid_on, case.paid_amount, case.surcharge = paid_on, paid, surcharge
    case.state = S.PAID
    case.save(update_fields=["paid_on", "paid_amount", "surcharge", "state", "updated_at"])
    _audit(actor, case, "pay", paid=str(paid), surcharge=str(surcharge) if surcharge is not None else None)
    return case


@transaction.atomic
def case_enforce(*, actor: Any, case: Case, note: str) -> Case:
    case = _locked(actor, case)
    check_source("enforce", case.state)
    case.enforced_on = _today()
    case.state = S.ENFORCED
    case.save(update_fields=["enforced_on", "state", "updated_at"])
    _audit(actor, case, "enforce", note=_text(note, _("申请强制执行说明")))
    return case


@transaction.atomic
def case_close(*, actor: Any, case: Case, outcome: str = "", note: str = "") -> Case:
    """结案. After a decision: served (no fine), paid or enforced. Before one: only as 不予处罚 (art. 57(2)(3)).
    Never while a crime transfer stands (以罚代刑)."""
    case = _locked(actor, case)
    check_source("close", case.state)
    problems = guards.no_penalty_instead_of_crime(case)
    if case.state in (S.INVESTIGATING, S.NOTIFIED):
        if outcome not in (CaseOutcome.NO_PENALTY, CaseOutcome.NOT_ESTABLISHED):
            problems.append(_("缺少步骤「作出行政处罚决定」（或选择不予处罚的结果）"))
        else:
            case.outcome = outcome
    elif case.state == S.SERVED and case.fine:
        problems.append(_("缺少步骤「登记缴纳罚款」或「申请强制执行」"))
    _refuse(problems)
    case.closed_on = _today()
    case.state = S.CLOSED
    case.end_reason = (note or "").strip()[:MAX_TEXT]
    case.save(update_fields=["closed_on", "state", "outcome", "end_reason", "updated_at"])
    document = _document(actor, case, "closing_report")
    _audit(actor, case, "close", outcome=case.outcome, document=document)
    return case


@transaction.atomic
def case_overturn(*, actor: Any, case: Case, overturned_on: dt.date | None, basis: str) -> Case:
    """The decision was revoked, changed or found void (行政复议决定、判决): recorded on the case, and its publication
    taken down within the rules' deadline (行政处罚法 art. 48 par. 2; ``publication_windows.yaml``). The case keeps its
    state; the credit archive receives the correction from the next ``weijian credit sync``."""
    case = _locked(actor, case)
    if case.decided_on is None:
        raise CaseError(_("决定被撤销或变更：案件 %(number)s 尚未作出行政处罚决定") % {"number": case.number})
    if case.overturned_on is not None:
        raise CaseError(_("决定被撤销或变更：已于 %(day)s 登记") % {"day": f"{case.overturned_on:%Y-%m-%d}"})
    day = overturned_on or _today()
    if day < case.decided_on:
        raise CaseError(_("撤销或变更日期：不能早于决定日期 %(day)s") % {"day": f"{case.decided_on:%Y-%m-%d}"})
    if day > _today():
        raise CaseError(_("撤销或变更日期：不能晚于今天"))
    case.overturn_basis = _text(basis, _("撤销或变更依据"))
    case.overturned_on = day
    case.save(update_fields=["overturned_on", "overturn_basis", "updated_at"])
    from weijian.portal.disclosure import DisclosureError

    try:
        disclosure = parts.disclosure_withdraw(actor=actor, source=case, reason=case.overturn_basis[:500],
                                               overturned_on=day)  # fmt: skip
    except DisclosureError as exc:
        raise CaseError(_("公示（撤下）：%(problem)s") % {"problem": exc}) from exc
    _audit(actor, case, "overturn", overturned_on=f"{day:%Y-%m-%d}", basis=case.overturn_basis, disclosure=disclosure)
    return case


@transaction.atomic
def case_withdraw(*, actor: Any, case: Case, reason: str) -> Case:
    case = _locked(actor, case)
    check_source("withdraw", case.state)
    case.end_reason = _text(reason, _("撤销立案理由"))
    case.closed_on = _today()
    case.state = S.WITHDRAWN
    case.save(update_fields=["end_reason", "closed_on", "state", "updated_at"])
    _audit(actor, case, "withdraw", reason=case.end_reason)
    return case
