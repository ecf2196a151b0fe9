"""A real 行政处罚决定书 through WeasyPrint, read back with poppler (pdffonts, pdftotext). The one slow test here."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from weijian.core.models import AuditEvent
from weijian.documents.services import document_issue
from weijian.documents.tests.conftest import Office, decision_context
from weijian.inspections import evidence

pytestmark = pytest.mark.django_db
POPPLER = shutil.which("pdffonts") and shutil.which("pdftotext")


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdffonts, pdftotext) not installed: make system-deps")
def test_a_decision_is_a_pdf_with_an_embedded_cjk_font_its_party_number_and_penalty(office: Office, tmp_path: Path) -> None:
    document = document_issue(
        actor=office.manager_a, kind="penalty_decision", subject=office.subject_a,
        context=decision_context(office.subject_a), region=office.region_a, department=office.health,
    )  # fmt: skip
    assert document.number.startswith("沪黄卫医罚〔") and document.number.endswith("〕001号")
    stored = evidence.evidence_root() / document.stored_name
    data = stored.read_bytes()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == document.sha256 == evidence.file_sha256(document.stored_name)

    fonts = subprocess.run(["pdffonts", str(stored)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk), fonts  # the "emb" column: the subset is embedded

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(stored), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    flat = "".join(text.split())
    assert office.subject_a.name in flat
    assert document.number in flat
    assert "警告，并处罚款人民币伍仟元整" in flat
    assert "60日内" in flat and "6个月内" in flat  # the remedies' time limits, from the rules file
    assert "15日内" in flat  # the payment limit passed in context

    event = AuditEvent.objects.get(action="documents.document.issue", object_id=str(document.pk))
    assert event.data["sha256"] == document.sha256 and event.data["number"] == document.number

    # a reprint is the stored file, byte for byte, under its Chinese name (RFC 5987)
    client: Any = Client()
    client.force_login(office.manager_a)
    first = client.get(reverse("documents:download", args=[document.pk]))
    second = client.get(reverse("documents:download", args=[document.pk]))
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first.content == second.content == data
    assert first["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A" in first["Content-Disposition"]  # 行政处罚
