"""The download of an issued document (its stored PDF), for those whose scope holds it and its subject."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from weijian.core.audit import audit_record
from weijian.documents import selectors


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(request.user, pk)
    with transaction.atomic():  # an export: who took a copy of which document
        audit_record(actor=request.user, action="documents.document.download", object_type="documents.document",
                     object_id=document.pk)  # fmt: skip
    response = HttpResponse(selectors.document_pdf(document), content_type="application/pdf")
    # RFC 6266 / 5987: the Chinese file name percent-encoded as filename*=utf-8''…
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
