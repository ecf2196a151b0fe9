"""The 列入告知书 of a credit-list entry: the notice before entry, issued as a numbered document of the documents app.

It names the facts, the records the entry rests on, the rule and its legal basis, the list, how long an entry lasts
and the right to 陈述申辩 with its period and last day. Every figure comes from the rules data: the duration from
``credit_lists.yaml`` (the list's ``months`` on the day of the notice), the defence period from ``deadlines.yaml``
``credit.list_defence`` (as recorded on the entry when it was proposed), the basis from ``credit_lists.yaml``
``legal_basis``. The document is a legal text in Chinese whatever the reader's language.

:func:`list_notice_issue` draws the number, renders and stores the PDF and records it — all through
:func:`weijian.documents.services.document_issue`, in its one transaction with its one audit event.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from weijian.core import deadlines
from weijian.core.models import Department
from weijian.credit import lists
from weijian.credit.models_lists import CreditListEntry, EntryStatus, SubjectKind
from weijian.documents.models import IssuedDocument
from weijian.documents.render import date_text
from weijian.rules import loader

KIND = "credit_list_notice"


def _rule_text(entry: CreditListEntry, field: str) -> str:
    """The Chinese text of the entry's list (``field`` of the rule, else of the list) on the day of the notice."""
    body = loader.value(lists.FILE, f"lists.{entry.list_kind}", entry.notified_on) or {}
    rule = (body.get("rules") or {}).get(entry.rule_code) or {}
    return str(rule.get(field) or body.get(field) or "")


def _defence_period(entry: CreditListEntry) -> dict[str, Any]:
    recorded = (entry.rules or {}).get("defence") or {}
    if recorded.get("amount") and recorded.get("unit"):
        return {"amount": int(recorded["amount"]), "unit": str(recorded["unit"])}
    found = deadlines.deadline("credit.list_defence", entry.notified_on)
    return {"amount": found.amount, "unit": found.unit}


def _address(entry: CreditListEntry) -> str:
    if entry.institution_id:
        return entry.institution.address or "—"
    if entry.practitioner_id:
        primary = entry.practitioner.registrations.select_related("institution").order_by("-is_primary", "pk").first()
        return f"{primary.institution.name} {primary.institution.address}".strip() if primary else "—"
    return f"见公安机关文书 {entry.police_document}"  # i18n: data (the legal text of the notice)


def _facts(entry: CreditListEntry, records: list[Any]) -> str:
    if entry.facts.strip():
        return entry.facts.strip()
    if entry.subject_kind == SubjectKind.PERSON:
        return f"你经公安机关依法处理（{entry.police_document}）。"  # i18n: data (the legal text of the notice)
    return "你（单位）有下列失信行为记录。" if records else ""  # i18n: data (the legal text of the notice)


def list_notice_context(entry: CreditListEntry) -> dict[str, Any]:
    """The context of the 列入告知书 of ``entry`` (what :func:`document_issue` checks against the kind)."""
    with translation.override("zh-hans"):
        records = list(entry.records.order_by("occurred_on", "pk"))
        lines = [f"{date_text(r.occurred_on)} {r.title}（{r.get_severity_display()}）"  # i18n: data (the legal text)
                 for r in records]
        context: dict[str, Any] = {
            "party_name": entry.subject_name, "party_address": _address(entry),
            "list_name": lists.list_label(entry.list_kind, entry.notified_on),
            "rule_label": _rule_text(entry, "label") or entry.rule_label, "facts": _facts(entry, records),
            "records": lines, "legal_basis": _rule_text(entry, "legal_basis"),
            "duration": {"amount": lists.months(entry.list_kind, entry.notified_on), "unit": "months"},
            "defence_deadline": _defence_period(entry), "defence_due": entry.defence_due,
            "notified_on": entry.notified_on,
        }  # fmt: skip
    if entry.institution_id:
        context["party_uscc"] = entry.institution.uscc
    return context


def list_notices(entry: CreditListEntry) -> list[IssuedDocument]:
    """The 列入告知书 issued for ``entry`` (the caller has the entry in scope), oldest first."""
    return list(IssuedDocument.objects.filter(kind=KIND, subject_type=ContentType.objects.get_for_model(entry),
                                              subject_id=entry.pk).order_by("issued_at", "pk"))  # fmt: skip


@transaction.atomic
def list_notice_issue(*, actor: Any, entry: CreditListEntry) -> IssuedDocument:
    """Issue the 列入告知书 of a notified entry (the city office): once — a second is refused while the first is not
    voided. Issued by the actor's office (its region, the health department)."""
    from weijian.documents.services import document_issue

    lists._require_city(actor)
    locked = CreditListEntry.objects.select_for_update(of=("self",)).select_related(
        "institution", "practitioner", "region").get(pk=entry.pk)  # fmt: skip
    if locked.status != EntryStatus.NOTIFIED:
        raise lists.ListError(_("列入告知书：该条目已%(status)s，不再出具告知书") % {"status": locked.get_status_display()})
    issued = [d for d in list_notices(locked) if not d.is_void]
    if issued:
        raise lists.ListError(_("列入告知书：已出具 %(number)s") % {"number": issued[0].number})
    region = getattr(getattr(actor, "profile", None), "region", None) or locked.region
    try:
        return document_issue(actor=actor, kind=KIND, subject=locked, context=list_notice_context(locked),
                              region=region, department=Department.objects.get(code="health"))  # fmt: skip
    except ValueError as exc:  # DocumentError: the context or the rules file (named)
        raise lists.ListError(str(exc)) from None
