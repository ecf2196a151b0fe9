"""The download of an issued document (its stored PDF), for those whose scope holds it and its subject."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from weijian.documents import selectors, services


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(request.user, pk)
    pdf = services.document_download(actor=request.user, document=document)
    response = HttpResponse(pdf, content_type="application/pdf")
    # RFC 6266 / 5987: the Chinese file name percent-encoded as filename*=utf-8''…
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
