"""The 列入告知书 of a credit-list entry: issued through the documents app from the entry page, every figure taken
from the rules data, once per entry, by the city office only."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.test import Client

from weijian.core.deadlines import deadline
from weijian.core.models import AuditEvent
from weijian.credit import lists
from weijian.credit.models_lists import CreditListEntry
from weijian.credit.tests.conftest import record
from weijian.documents.models import IssuedDocument

pytestmark = pytest.mark.django_db
RIC = "11010519491231002X"


@pytest.fixture
def fake_pdf(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Any) -> list[str]:
    from weijian.documents import render

    settings.DATA_DIR = tmp_path  # the evidence store of this test
    seen: list[str] = []

    def fake(html: str) -> bytes:
        seen.append(html)
        return b"%PDF-fake " + hashlib.sha256(html.encode()).hexdigest().encode()

    monkeypatch.setattr(render, "pdf_of", fake)
    return seen


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def notified(crew: dict[str, Any]) -> CreditListEntry:
    record(crew["a1"], "c2", severity="specially_serious", on=dt.date(2026, 5, 2))
    return lists.list_entry_propose(actor=crew["city"], list_kind="severe", rule_code="specially_serious",
                                    institution=crew["a1"], facts="2026年5月2日受到特定严重失信行政处罚。")  # fmt: skip


def test_the_city_issues_the_notice_from_the_entry_page(crew: dict[str, Any], clock: Any, fake_pdf: list[str]) -> None:
    entry = notified(crew)
    city = client_of(crew["city"])
    page = city.get(f"/credit/lists/{entry.pk}/").content.decode()
    assert "notice-form" in page
    response = city.post(f"/credit/lists/{entry.pk}/", {"action": "notice"}, follow=True)
    document = IssuedDocument.objects.get()
    page = response.content.decode()
    assert "已出具列入告知书" in page and document.number in page and f"/documents/{document.pk}/download/" in page
    html = fake_pdf[-1]
    defence = deadline("credit.list_defence", entry.notified_on)
    months = lists.months("severe", entry.notified_on)
    assert (document.kind, document.title, document.region.code) == ("credit_list_notice", "信用名单列入告知书", "310000")
    for text in (crew["a1"].name, crew["a1"].uscc, "严重失信名单", "受到特定严重失信行政处罚", "国办发〔2020〕49号",
                 "2026年5月2日 处罚 c2（特定严重）", f"列入期限为{months}个月", f"{defence.amount}个工作日内",
                 "即2026年6月22日前", "陈述、申辩", "2026年5月2日受到特定严重失信行政处罚。"):  # fmt: skip
        assert text in html, text
    assert AuditEvent.objects.filter(action="documents.document.issue").count() == 1
    download = city.get(f"/documents/{document.pk}/download/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    again = city.post(f"/credit/lists/{entry.pk}/", {"action": "notice"})
    assert again.status_code == 400 and f"列入告知书：已出具 {document.number}" in again.content.decode()
    assert IssuedDocument.objects.count() == 1


def test_the_figures_follow_the_rules_files(crew: dict[str, Any], clock: Any, fake_pdf: list[str], tmp_path: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from weijian.rules import loader

    entry = notified(crew)
    text = (loader.BUNDLED_DIR / "credit_lists.yaml").read_text(encoding="utf-8").replace("months: 36", "months: 24")
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "credit_lists.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(rules_dir))
    entry.rules = {**entry.rules, "defence": {**entry.rules["defence"], "amount": 9}}
    entry.save(update_fields=["rules"])
    document = lists_notice_issue(crew, entry)
    assert "列入期限为24个月" in fake_pdf[-1] and "9个工作日内" in fake_pdf[-1], "no figure is written in the template"
    assert document.context["duration"] == {"amount": 24, "unit": "months"}


def lists_notice_issue(crew: dict[str, Any], entry: CreditListEntry) -> IssuedDocument:
    from weijian.credit.list_notice import list_notice_issue

    return list_notice_issue(actor=crew["city"], entry=entry)


def test_a_person_is_named_with_the_police_finding_and_no_identity_number(crew: dict[str, Any], clock: Any,
                                                                          fake_pdf: list[str]) -> None:  # fmt: skip
    entry = lists.list_entry_propose(actor=crew["city"], list_kind="severe", rule_code="medical_order", person_name="张某",
                                     person_id=RIC, police_measure="detention", police_document="沪公（黄）行罚决字〔2026〕1号")  # fmt: skip
    lists_notice_issue(crew, entry)
    html = fake_pdf[-1]
    assert "张某" in html and "沪公（黄）行罚决字〔2026〕1号" in html and "发改财金〔2018〕1399号" in html
    assert RIC not in html and "110105" not in html


def test_only_the_city_office_issues_and_only_before_the_decision(crew: dict[str, Any], clock: Any,
                                                                 fake_pdf: list[str]) -> None:  # fmt: skip
    entry = notified(crew)
    assert client_of(crew["manager_a"]).post(f"/credit/lists/{entry.pk}/", {"action": "notice"}).status_code == 400
    assert client_of(crew["clinic"]).post(f"/credit/lists/{entry.pk}/", {"action": "notice"}).status_code == 400
    assert client_of(crew["manager_b"]).post(f"/credit/lists/{entry.pk}/", {"action": "notice"}).status_code == 404
    assert not IssuedDocument.objects.exists()
    entry.status = "dropped"  # decided: not entered
    entry.save(update_fields=["status"])
    refused = client_of(crew["city"]).post(f"/credit/lists/{entry.pk}/", {"action": "notice"})
    assert refused.status_code == 400 and "不再出具告知书" in refused.content.decode()
    assert not IssuedDocument.objects.exists()
