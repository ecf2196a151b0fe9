"""Writes of the documents app: issue an enforcement document (执法文书) as a numbered PDF, void one.

:func:`document_issue` draws the number, renders the PDF, stores it and records it in one transaction: the
office's sequence row is locked (``select_for_update``) while the next 序号 is drawn, so two issues never get
the same number; if rendering or storing fails, everything rolls back and the number is not used (the next
document gets it, so the sequence has no gap). Once committed a number is never reused: a voided document keeps
it and is marked 作废 (:func:`document_void`). The PDF lies in the evidence store under its SHA-256; a reprint
serves those stored bytes, identical to the issued file.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core.audit import audit_record
from weijian.core.models import Department, Region
from weijian.core.scope import require_writable
from weijian.documents import kinds, render, selectors
from weijian.documents.kinds import DocumentError
from weijian.documents.models import DocumentSequence, IssuedDocument
from weijian.inspections import evidence
from weijian.rules import loader

__all__ = ["DocumentError", "document_download", "document_issue", "document_void"]


def _regions_up(region: Region) -> list[Region]:
    """The region and every region above it, nearest first."""
    chain, current = [], region
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.parent
    return chain


def _authority_name(region: Region, department: Department) -> str:
    """The issuing authority's full name by default: 上海市黄浦区 + the department (an office may pass its own)."""
    levels = (Region.Level.DISTRICT, Region.Level.CITY, Region.Level.PROVINCE)
    office = next((r for r in _regions_up(region) if r.level in levels), region)
    above = office.parent.name if office.level == Region.Level.DISTRICT and office.parent else ""
    return f"{above}{office.name}{department.name}"


def draw_sequence(*, region: Region, department: Department, group: str, year: int) -> int:
    """The next 序号 of an office's sequence, its row locked until the caller's transaction ends."""
    keys = {"region": region, "department": department, "group": group, "year": year}
    try:
        with transaction.atomic():  # a savepoint: a concurrent first issue may create the row first
            DocumentSequence.objects.get_or_create(**keys)
    except IntegrityError:
        pass
    row = DocumentSequence.objects.select_for_update().get(**keys)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


def _subject_type(subject: models.Model) -> ContentType:
    if subject is None or subject.pk is None:
        raise DocumentError(_("文书对象：必须是已保存的记录"))
    if getattr(type(subject), "scope_rule", None) is None:
        raise DocumentError(
            _("文书对象：%(model)s 没有数据权限规则，不能作为文书对象") % {"model": type(subject)._meta.verbose_name}
        )
    return ContentType.objects.get_for_model(subject)


def _page(found: kinds.Kind, *, number: str, cleaned: dict[str, Any], authority: str, issued_on: Any) -> dict[str, Any]:
    on = issued_on
    remedies = kinds.remedies(on) if found.code == "penalty_decision" else {}
    return {
        "kind": found, "number": number, "authority": authority, "c": cleaned,
        "issued_on": render.date_text(on), "labels": {f.key: f.label for f in found.fields},
        "periods": {k: render.period_text(v) for k, v in cleaned.items() if isinstance(v, dict)},
        "dates": {k: render.date_text(v) for k, v in cleaned.items()
                  if any(f.key == k and f.type == "date" for f in found.fields)},
        "remedies": {k: render.period_text(v) for k, v in remedies.items()},
    }  # fmt: skip


@transaction.atomic
def document_issue(
    *, actor: Any, kind: str, subject: models.Model, context: dict[str, Any], region: Region, department: Department
) -> IssuedDocument:
    """Issue one document of ``kind`` about ``subject`` from ``region``'s ``department``: number, PDF, row, audit."""
    today = timezone.localdate()
    found = kinds.kind(kind, today)
    cleaned = kinds.clean_context(found, context)
    subject_type = _subject_type(subject)
    document = IssuedDocument(
        kind=found.code, title=found.name, numbering=found.numbering, region=region, department=department,
        sequence_group=found.sequence, year=today.year, subject_type=subject_type, subject_id=subject.pk,
        context=cleaned, issued_on=today, issued_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    require_writable(actor, document, linked=(subject,))
    if found.has_wenhao:  # the letters first: a missing 简称 or 执法类别 is refused before a number is drawn
        prefix = kinds.region_abbreviation([r.code for r in _regions_up(region)], today)
        letter = kinds.category_letter(cleaned.get("field", ""), today)
    document.sequence = draw_sequence(region=region, department=department, group=found.sequence, year=today.year)
    if found.has_wenhao:
        document.number = kinds.wenhao(region=prefix, category=letter, nature=found.nature, year=today.year,
                                       sequence=document.sequence, on=today)  # fmt: skip
    else:
        document.number = kinds.serial(year=today.year, sequence=document.sequence, on=today)
    authority = cleaned.get("authority_name") or _authority_name(region, department)
    html = render.html_of(found, _page(found, number=document.number, cleaned=cleaned, authority=authority,
                                       issued_on=today))  # fmt: skip
    pdf = render.pdf_of(html)
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.stored_name, _written = evidence.store_bytes(pdf, document.sha256, "pdf")
    document.size = len(pdf)
    document.rules = loader.resolve(kinds.FILE, f"kinds.{found.code}", today).record() | {"value": None}
    document.save()
    audit_record(
        actor=actor, action="documents.document.issue", object_type="issued_document", object_id=document.pk,
        data={"kind": found.code, "number": document.number, "sha256": document.sha256,
              "subject": f"{subject_type.app_label}.{subject_type.model}:{subject.pk}",
              "region": region.code, "department": department.code},
    )  # fmt: skip
    return document


@transaction.atomic
def document_void(*, actor: Any, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Mark an issued document 作废: it keeps its number and its file; the number is never drawn again."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DocumentError(_("作废原因：必须填写"))
    locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    require_writable(actor, locked)
    if locked.voided_at is not None:
        raise DocumentError(_("文书 %(number)s：已经作废") % {"number": locked.number})
    locked.voided_at, locked.void_reason = timezone.now(), reason[:300]
    locked.voided_by = actor if getattr(actor, "pk", None) else None
    locked.save(update_fields=["voided_at", "void_reason", "voided_by"])
    audit_record(
        actor=actor, action="documents.document.void", object_type="issued_document", object_id=locked.pk,
        data={"kind": locked.kind, "number": locked.number, "sha256": locked.sha256, "reason": locked.void_reason},
    )  # fmt: skip
    return locked


def document_download(*, actor: Any, document: IssuedDocument) -> bytes:
    """The stored PDF of an issued document, its copy recorded (an export: who took a copy of which document).

    ``document`` comes from :func:`weijian.documents.selectors.document_get`, which already holds it to the
    actor's scope."""
    with transaction.atomic():
        audit_record(actor=actor, action="documents.document.download", object_type="documents.document",
                     object_id=document.pk)  # fmt: skip
    return selectors.document_pdf(document)
