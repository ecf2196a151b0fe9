"""Case pages: scope across districts, deadlines shown with their state, forms that keep what was typed, the
partner inbox, evidence files, the complainant's one-line outcome, the deadline notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from weijian.cases import selectors, services, transfers
from weijian.cases.models import Case, CaseEvidence, Transfer
from weijian.cases.states import CaseState
from weijian.cases.tests.conftest import register
from weijian.core.models import AccessEvent, Notification
from weijian.core.notifications import unread_count

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_another_districts_case_is_404_and_not_writable(world: Any) -> None:
    case = register(world)
    other = _client(world.users["manager_b"])
    for name in ("cases:detail", "cases:decide"):
        assert other.get(reverse(name, args=[case.pk])).status_code == 404
    response = other.post(reverse("cases:detail", args=[case.pk]), {"action": "investigate"})
    assert response.status_code == 404
    assert other.post(reverse("cases:decide", args=[case.pk]), {"kinds": ["fine"], "fine": "1"}).status_code == 404
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED
    with pytest.raises(Exception) as refused:
        services.case_investigate(actor=world.users["manager_b"], case=case)
    assert refused.value.__class__.__name__ == "OutOfScope"
    queue = other.get(reverse("cases:queue")).content.decode()
    assert case.number not in queue
    assert case.number in _client(world.users["manager_a"]).get(reverse("cases:queue")).content.decode()


def test_case_page_shows_each_open_deadline_with_its_state(world: Any, time_machine: Any) -> None:
    case = register(world)
    client = _client(world.users["inspector_a"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-code="case.decide" data-state="ok"' in page and "2026-05-31" in page
    time_machine.move_to(dt.datetime(2026, 5, 30, 9, 0, tzinfo=dt.UTC), tick=False)
    client = _client(world.users["inspector_a"])  # a new session: the old one expired with the clock
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-code="case.decide" data-state="due_soon"' in page
    assert case.number in client.get(reverse("cases:queue"), {"due": "soon"}).content.decode()
    assert case.number not in client.get(reverse("cases:queue"), {"due": "overdue"}).content.decode()
    time_machine.move_to(dt.datetime(2026, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    client = _client(world.users["inspector_a"])
    assert case.number in client.get(reverse("cases:queue"), {"due": "overdue"}).content.decode()


def test_unknown_deadline_is_shown_not_a_500(world: Any, monkeypatch: Any) -> None:
    from weijian.cases import parts

    case = register(world)
    monkeypatch.setattr(parts, "_module", lambda name: None)
    page = _client(world.users["inspector_a"]).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200 and 'data-state="unknown"' in page.content.decode()


def test_refused_forms_keep_what_was_typed(world: Any) -> None:
    client = _client(world.users["manager_a"])
    clue = world.clues["a"]
    response = client.post(reverse("cases:register", args=[clue.pk]), {
        "action": "register", "cause": "超范围执业案", "facts": "我写下的事实", "handlers": [world.officers["a1"].pk]})
    body = response.content.decode()
    assert response.status_code == 400 and "至少需要 2 名" in body and "超范围执业案" in body and "我写下的事实" in body
    response = client.post(reverse("cases:register", args=[clue.pk]), {
        "action": "register", "cause": "超范围执业案", "handlers": [world.officers["a1"].pk, world.officers["a2"].pk]})
    case = Case.objects.get(clue=clue)
    assert response.status_code == 302 and case.state == CaseState.REGISTERED
    client.post(reverse("cases:detail", args=[case.pk]), {"action": "investigate"})
    client.post(reverse("cases:notify", args=[case.pk]), {"violation_code": "physician_outside_scope",
                                                          "circumstance": "general", "kinds": ["fine"], "fine": "15000"})
    case.refresh_from_db()
    assert case.state == CaseState.NOTIFIED
    page = client.get(reverse("cases:decide", args=[case.pk]), {"violation_code": "physician_outside_scope",
                                                                 "circumstance": "general"}).content.decode()
    assert "13000" in page and "20000" in page, "the suggested band for the facts entered"
    response = client.post(reverse("cases:decide", args=[case.pk]), {
        "violation_code": "physician_outside_scope", "circumstance": "general", "kinds": ["fine"], "fine": "25000"})
    body = response.content.decode()
    assert response.status_code == 400 and "偏离裁量基准的理由" in body and 'value="25000"' in body
    response = client.post(reverse("cases:detail", args=[case.pk]), {"action": "withdraw", "text": "<b>想撤销</b>"})
    assert response.status_code == 400 and "&lt;b&gt;想撤销&lt;/b&gt;" in response.content.decode()


def test_department_transfer_cycle_with_refusal_and_acceptance(world: Any) -> None:
    actor, market = world.users["inspector_a"], world.users["market"]
    case = register(world)
    first = transfers.case_refer(actor=actor, case=case, department_code="market", note="涉及药品价格")
    inbox = _client(market)
    assert case.number in inbox.get(reverse("cases:inbox")).content.decode()
    assert case.number not in _client(world.users["manager_b"]).get(reverse("cases:inbox")).content.decode()
    url = reverse("cases:transfer", args=[first.pk])
    assert inbox.post(url, {"action": "accept"}).status_code == 400, "accept before receipt: refused"
    inbox.post(url, {"action": "receive"})
    response = inbox.post(url, {"action": "refuse", "text": ""})
    assert response.status_code == 400 and "不予受理理由" in response.content.decode()
    inbox.post(url, {"action": "refuse", "text": "不属于本部门职责"})
    first.refresh_from_db()
    assert first.status == "refused" and first.refusal_reason == "不属于本部门职责"
    second = transfers.case_refer(actor=actor, case=case, department_code="market", note="涉及收费")
    transfers.transfer_receive(actor=market, transfer=second)
    second = transfers.transfer_accept(actor=market, transfer=second)
    assert second.clue is not None and second.clue.department.code == "market" and second.clue.source_kind == "transfer"
    second = transfers.transfer_answer(actor=market, transfer=second, result="已立案查处")
    assert second.status == "answered"
    detail = _client(world.users["manager_a"]).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "不属于本部门职责" in detail and second.clue.number in detail


def test_evidence_is_stored_by_hash_and_served_in_scope_only(world: Any) -> None:
    from weijian.inspections.tests.conftest import png_bytes

    case = register(world)
    client = _client(world.users["inspector_a"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.png", png_bytes("red"), content_type="image/png")
    client.post(reverse("cases:detail", args=[case.pk]), {"action": "evidence", "kind": "photo", "file": upload})
    item = CaseEvidence.objects.get(case=case)
    import hashlib

    assert item.sha256 == hashlib.sha256(png_bytes("red")).hexdigest()
    assert client.get(reverse("cases:evidence", args=[item.pk])).status_code == 200
    assert _client(world.users["manager_b"]).get(reverse("cases:evidence", args=[item.pk])).status_code == 404
    seen = AccessEvent.objects.filter(action="cases.evidence.file", object_id=str(item.pk))  # the access log
    assert seen.count() == 1 and seen.get().data == {"case": case.pk, "fields": ["file"], "sha256": item.sha256}


def test_outcome_for_clue_is_one_public_line(world: Any) -> None:
    assert selectors.outcome_for_clue(world.clues["a"]) == "正在核查。"
    case = register(world)
    line = selectors.outcome_for_clue(world.clues["a"])
    assert line == "已立案调查（2026-03-02）。"
    assert case.number not in line and world.institutions["a1"].name not in line
    services.case_not_register(actor=world.users["manager_b"], clue=world.clues["b"], reason="不属实，举报人不知")
    world.clues["b"].refresh_from_db()
    assert selectors.outcome_for_clue(world.clues["b"]) == "经核查，不予立案。"


def test_supervision_by_the_city(world: Any) -> None:
    case = register(world)
    with pytest.raises(Exception, match="记录不存在"):
        transfers.supervision_start(actor=world.users["manager_a"], case=case, reason="重大案件")
    made = transfers.supervision_start(actor=world.users["city"], case=case, reason="重大案件")
    transfers.supervision_report(actor=world.users["manager_a"], supervision=made, text="调查取证中")
    page = _client(world.users["city"]).get(reverse("cases:supervision")).content.decode()
    assert case.number in page and "supervision.report" in page
    transfers.supervision_lift(actor=world.users["city"], supervision=made, note="已结案")
    made.refresh_from_db()
    assert made.lifted_on is not None and len(made.reports) == 1


def test_deadlines_notify_is_idempotent_per_day(world: Any, time_machine: Any) -> None:
    case = register(world)
    transfers.case_refer(actor=world.users["inspector_a"], case=case, department_code="market", note="移送")
    time_machine.move_to(dt.datetime(2026, 5, 30, 9, 0, tzinfo=dt.UTC), tick=False)
    call_command("deadlines", "notify")
    handler = world.users["inspector_a"]
    mine = Notification.objects.filter(user=handler)
    assert mine.count() == 1 and case.number in mine.get().text and mine.get().link.endswith(f"/cases/{case.pk}/")
    assert Notification.objects.filter(user=world.users["manager_a"]).count() == 1
    assert Notification.objects.filter(user=world.users["market"]).count() == 1, "the transfer is overdue for receipt"
    assert not Notification.objects.filter(user=world.users["manager_b"]).exists()
    call_command("deadlines", "notify")
    assert mine.count() == 1
    time_machine.move_to(dt.datetime(2026, 5, 31, 9, 0, tzinfo=dt.UTC), tick=False)
    call_command("deadlines", "notify")
    assert mine.count() == 2 and unread_count(handler) == 2
    assert Transfer.objects.count() == 1


def test_bell_counts_and_notifications_page(world: Any) -> None:
    handler = world.users["inspector_a"]
    Notification.objects.create(user=handler, text="案件期限提醒", link="/cases/", key="k1")
    Notification.objects.create(user=world.users["manager_b"], text="别人的提醒", link="/cases/", key="k1")
    client = _client(handler)
    page = client.get(reverse("notifications")).content.decode()
    assert "案件期限提醒" in page and "别人的提醒" not in page
    assert 'id="bell"' in page and '<span class="tag warn">1</span>' in page
    client.post(reverse("notifications"))
    assert unread_count(handler) == 0 and unread_count(world.users["manager_b"]) == 1


@pytest.mark.parametrize("read_once", [2000, 0])  # the keys read once, or (very many matches) kept as a subquery
def test_the_queue_search_finds_by_number_cause_or_any_party_and_only_in_scope(
    world: Any, read_once: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "SEARCH_KEYS_READ_ONCE", read_once)
    case = register(world)
    from weijian.cases.models import CaseParty

    CaseParty.objects.create(case=case, name="第二当事人某某美容工作室")
    manager_a, manager_b = world.users["manager_a"], world.users["manager_b"]
    for text in (case.number[-6:], case.cause[:4], "某某美容工作室"):
        assert list(selectors.case_list(manager_a, q=text)) == [case]
        assert list(selectors.case_list(manager_b, q=text)) == []  # another district's: never found
    assert list(selectors.case_list(manager_a, q="没有这个当事人")) == []
    page = _client(manager_a).get(reverse("cases:queue"), {"q": "某某美容工作室"}).content.decode()
    assert case.number in page
