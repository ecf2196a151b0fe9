"""What each enforcement document of a case says, taken from the case (the ``context`` of ``document_issue``).

The documents are legal texts in Chinese whatever the reader's language (as the documents app renders them), so
the phrases below are plain Chinese, not translated.

The keys each kind needs are declared in ``rules/data/enforcement_documents.yaml`` (卫生部令第87号); this module
only fills them from the case, its parties, handlers, evidence and deadlines. A document that lacks a required
fact (a decision without any evidence, 行政处罚法 art. 40) is refused by the documents app with the fact named,
so the transition that issues it is refused too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from weijian.cases import parts
from weijian.cases.models import Case, CaseParty
from weijian.registry.kinds import sector_of
from weijian.rules import loader

RULES = "enforcement_documents"  # its case_texts and authority_codes tables (the texts' basis is there)


def case_text(key: str, on: dt.date) -> str:
    """A text of ``case_texts`` in force on ``on`` (default_field, filing_basis, reconsideration_body, court)."""
    return str(loader.value(RULES, f"case_texts.{key}", on))


def authority_code(case: Case, on: dt.date) -> str:
    """The issuing office's 统一社会信用代码 (``authority_codes``: region → department), "" when not recorded."""
    entry = loader.as_of(loader.load(RULES).get("authority_codes") or {}, on, f"{RULES}: authority_codes")
    by_department = entry.get(case.region.code) if isinstance(entry, dict) else None
    return str((by_department or {}).get(case.department.code) or "") if isinstance(by_department, dict) else ""


def _first_party(case: Case) -> CaseParty | None:
    return case.parties.select_related("institution", "institution__district").order_by("pk").first()


def _field(case: Case, on: dt.date) -> str:
    """The case's 执法领域 (the 执法类别 of its 文号): the sector of the registered unit, else the rules' default."""
    institution = case.clue.institution
    return (sector_of(institution.kind) if institution is not None else "") or case_text("default_field", on)


def party_context(case: Case, on: dt.date | None = None) -> dict[str, Any]:
    on = on or timezone.localdate(parts.now())
    first = _first_party(case)
    institution = first.institution if first is not None else case.clue.institution
    address = (first.address if first else "") or (institution.address if institution else "")
    return {
        "party_name": first.name if first else case.clue.subject_name,
        "party_address": address or f"{case.region.name}（详细地址待核实）",  # i18n: data
        "party_uscc": institution.uscc if institution else "",
        "party_representative": first.representative if first else "",
        "field": _field(case, on),
        "authority_name": f"{case.region.name}{case.department.name}",
    }  # fmt: skip


def penalty_text(case: Case) -> str:
    from weijian.cases.discretion import kind_label

    kinds = [kind_label(k) for k in case.penalty_kinds or []]
    text = "、".join(kinds)  # i18n: data (Chinese enumeration comma of the document text)
    if case.fine:
        text += f"，罚款人民币 {case.fine:,.2f} 元"  # i18n: data
    return text


def _handlers(case: Case) -> list[str]:
    return [f"{h.inspector.name}（{h.inspector.badge_no}）"
            for h in case.handlers.select_related("inspector").order_by("-lead", "pk")]  # fmt: skip


def _evidence(case: Case) -> list[str]:
    return [e.note or e.get_kind_display() for e in case.evidence.order_by("pk")]


def issued_number(case: Case, kind: str) -> str:
    """The 文号 (or 编号) of the case's latest valid document of ``kind``, "" when none was issued."""
    from django.contrib.contenttypes.models import ContentType

    from weijian.documents.models import IssuedDocument

    found = IssuedDocument.objects.filter(subject_type=ContentType.objects.get_for_model(Case), subject_id=case.pk,
                                          kind=kind, voided_at__isnull=True).order_by("-pk").first()  # fmt: skip
    return found.number if found is not None else ""


def _bases(case: Case, on: dt.date) -> dict[str, str]:
    """违反的规定 and 处罚依据 of the case's violation (the discretion catalogue); none before one is chosen."""
    module = parts.discretion()
    if module is None or not case.violation_code:
        return {}
    try:
        item = module.violation(case.violation_code, on)
    except (KeyError, LookupError, ValueError):
        return {}
    return {"violated_basis": item.basis_violated, "penalty_basis": item.basis_penalty}


def _deadline(code: str, start: dt.date) -> Any:
    return parts.deadline_view(code, start).deadline


def context_for(case: Case, kind: str, **facts: Any) -> dict[str, Any]:
    """The context of document ``kind`` for ``case``; ``facts`` adds what only the transition knows. Labels (penalty
    kinds, outcome) are the Chinese of the legal text, whatever the reader's language."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return _context_for(case, kind, **facts)


def _context_for(case: Case, kind: str, **facts: Any) -> dict[str, Any]:
    today = timezone.localdate(parts.now())
    context = party_context(case, today)
    if kind == "case_filing":
        context.update(case_title=case.cause, facts=case.facts, handlers=_handlers(case),
                       filing_basis=case_text("filing_basis", today),
                       opinion="符合立案条件，建议立案调查")  # fmt: skip  # i18n: data
    elif kind in ("penalty_notice", "hearing_notice"):
        if kind == "penalty_notice":
            context.update(_bases(case, today))
        context.update(facts=case.facts, penalty=penalty_text(case),
                       hearing_deadline=_deadline("case.hearing_request", case.notified_on or today)
                       if case.hearing_offered else None)  # fmt: skip
        if kind == "penalty_notice":
            context["statement_deadline"] = _deadline("case.statement", case.notified_on or today)
    elif kind == "penalty_decision":
        context.update(_bases(case, today))
        context.update(facts=case.facts, evidence=_evidence(case), penalty=penalty_text(case),
                       pay_deadline=_deadline("case.pay", today) if case.fine else None,
                       payment="到指定银行缴纳罚款" if case.fine else "",  # i18n: data
                       reconsideration_body=case_text("reconsideration_body", today).format(region=case.region.name),
                       court=case_text("court", today).format(region=case.region.name))  # fmt: skip
    elif kind == "delivery_receipt":
        number = issued_number(case, "penalty_decision")
        context.update(served_document=f"行政处罚决定书 {number}" if number else "",  # i18n: data
                       recipient=context["party_name"],
                       place=context["party_address"], method="直接送达",  # i18n: data
                       served_at=(case.served_on or today).isoformat())  # fmt: skip
    elif kind == "closing_report":
        execution = "已缴纳罚款" if case.paid_on else "已申请人民法院强制执行" if case.enforced_on else "无需执行"  # i18n: data
        context.update(case_title=case.cause, summary=case.facts,
                       outcome=case.get_outcome_display() or "结案", execution=execution)  # fmt: skip  # i18n: data
    context.update(facts)
    return {key: value for key, value in context.items() if value is not None}


def disclosure_severity(case: Case) -> str:
    """The publication severity of the case's decision (``case_rules.yaml`` ``disclosure_severity``)."""
    from weijian.cases.surcharge import case_rule

    on = case.decided_on or timezone.localdate(parts.now())
    kinds = set(case.penalty_kinds or [])
    if kinds & set(case_rule("disclosure_severity.serious_kinds", on)):
        return "serious"
    if case.discussion_required and case_rule("disclosure_severity.major_case_serious", on):
        return "serious"
    if kinds and kinds <= set(case_rule("disclosure_severity.minor_kinds", on)):
        return "minor"
    return "general"
