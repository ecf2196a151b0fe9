"""Reads of issued documents, always through the data scope: the document's issuing office and its subject."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from weijian.core.scope import scoped
from weijian.documents.models import IssuedDocument
from weijian.inspections import evidence


def _subject_visible(user: Any, document: IssuedDocument) -> bool:
    model = document.subject_type.model_class()
    if model is None or getattr(model, "scope_rule", None) is None:
        return False
    return scoped(user, model._default_manager.filter(pk=document.subject_id)).exists()


def document_get(user: Any, pk: int) -> IssuedDocument:
    """One document, when both its issuing office and its subject are in the user's scope; else 404."""
    found = scoped(user, IssuedDocument.objects.select_related("subject_type", "region", "department")).filter(
        pk=pk
    ).first()
    if found is None or not _subject_visible(user, found):
        raise Http404(_("文书不存在或不在您的数据权限范围内"))
    return found


def documents_of(user: Any, subject: Model) -> QuerySet[IssuedDocument]:
    """The documents issued about ``subject`` that the user may see (none when the subject is out of scope)."""
    qs = scoped(user, IssuedDocument.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk))  # fmt: skip
    if not scoped(user, type(subject)._default_manager.filter(pk=subject.pk)).exists():
        return qs.none()
    return qs.order_by("issued_at", "pk")


def document_pdf(document: IssuedDocument) -> bytes:
    """The stored PDF, byte for byte as issued (a reprint); a missing or altered file answers 404."""
    try:
        with evidence.open_stored(document.stored_name) as fh:
            data = fh.read()
    except OSError:
        raise Http404(_("文书文件不存在")) from None
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise Http404(_("文书文件与登记的 SHA-256 不符"))
    return data
