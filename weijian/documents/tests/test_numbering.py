"""Numbering (卫生部令第87号 art. 4): per issuing office, sequence and year; restarts each year; never reused."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from weijian.core.models import AuditEvent
from weijian.core.scope import OutOfScope
from weijian.documents import render
from weijian.documents.models import DocumentSequence, IssuedDocument
from weijian.documents.services import DocumentError, document_issue, document_void
from weijian.documents.tests.conftest import Office, decision_context

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _decision(office: Office, *, who: str = "a", **changes: Any) -> IssuedDocument:
    subject = office.subject_a if who == "a" else office.subject_b
    return document_issue(
        actor=office.manager_a if who == "a" else office.manager_b, kind="penalty_decision", subject=subject,
        context=decision_context(subject, **changes), region=office.region_a if who == "a" else office.region_b,
        department=office.health,
    )  # fmt: skip


def _filing(office: Office) -> IssuedDocument:
    return document_issue(
        actor=office.manager_a, kind="case_filing", subject=office.subject_a, region=office.region_a,
        department=office.health,
        context={"party_name": office.subject_a.name, "party_address": office.subject_a.address, "case_title": "非法行医案",
                 "facts": "使用非卫生技术人员从事医疗卫生技术工作", "filing_basis": "行政处罚法第五十四条",
                 "handlers": ["王监督", "李监督"], "opinion": "同意立案"},
    )  # fmt: skip


def test_numbers_count_per_office_and_sequence_and_restart_next_year(office: Office, fake_pdf: list[str]) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI), tick=False):
        assert _decision(office).number == "沪黄卫医罚〔2026〕001号"
        assert _decision(office, field="infectious").number == "沪黄卫传罚〔2026〕002号"  # one sequence per kind
        assert _decision(office, who="b").number == "沪徐卫医罚〔2026〕001号"  # another office counts on its own
        assert _filing(office).number == "2026—001"  # an 编号, its own sequence
    # 2027-01-01 00:30 in Shanghai (still 2026-12-31 in UTC): the year of the office's day
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI), tick=False):
        assert _decision(office).number == "沪黄卫医罚〔2027〕001号"
        assert _decision(office).number == "沪黄卫医罚〔2027〕002号"
    assert DocumentSequence.objects.get(region=office.region_a, group="penalty_decision", year=2026).last == 2
    assert AuditEvent.objects.filter(action="documents.document.issue").count() == 6


def test_a_failed_render_uses_no_number_and_leaves_nothing(office: Office, monkeypatch: pytest.MonkeyPatch,
                                                           fake_pdf: list[str]) -> None:  # fmt: skip
    first = _decision(office)
    events = AuditEvent.objects.count()

    def broken(html: str) -> bytes:
        raise render.RenderError("no fonts")

    monkeypatch.setattr(render, "pdf_of", broken)
    with pytest.raises(render.RenderError):
        _decision(office)
    assert IssuedDocument.objects.count() == 1 and AuditEvent.objects.count() == events
    assert DocumentSequence.objects.get(region=office.region_a, group="penalty_decision").last == 1
    monkeypatch.undo()
    monkeypatch.setattr(render, "pdf_of", lambda html: b"%PDF-again " + html[-40:].encode())
    second = _decision(office)
    assert second.sequence == first.sequence + 1


def test_a_voided_document_keeps_its_number_and_the_number_is_not_drawn_again(office: Office, fake_pdf: list[str]) -> None:
    first = _decision(office)
    with pytest.raises(DocumentError, match="作废原因"):
        document_void(actor=office.manager_a, document=first, reason=" ")
    voided = document_void(actor=office.manager_a, document=first, reason="当事人名称有误，重新制作")
    assert voided.is_void and voided.number == first.number and "作废" in voided.filename
    assert _decision(office).sequence == first.sequence + 1
    with pytest.raises(DocumentError, match="已经作废"):
        document_void(actor=office.manager_a, document=first, reason="再次作废")
    with pytest.raises(OutOfScope):
        document_void(actor=office.manager_b, document=IssuedDocument.objects.get(pk=first.pk), reason="越权作废")
    assert AuditEvent.objects.filter(action="documents.document.void").count() == 1


def test_an_office_cannot_issue_about_a_subject_outside_its_scope(office: Office, fake_pdf: list[str]) -> None:
    with pytest.raises(OutOfScope):
        document_issue(actor=office.manager_a, kind="penalty_decision", subject=office.subject_b,
                       context=decision_context(office.subject_b), region=office.region_a, department=office.health)  # fmt: skip
    with pytest.raises(OutOfScope):  # nor in another district's name
        document_issue(actor=office.manager_a, kind="penalty_decision", subject=office.subject_a,
                       context=decision_context(office.subject_a), region=office.region_b, department=office.health)  # fmt: skip
    assert not DocumentSequence.objects.exists() and not IssuedDocument.objects.exists()
