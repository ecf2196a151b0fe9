"""The officials' queue and complaint page: scoped lists, actions through the services, masked complainant."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from weijian.complaints import services
from weijian.complaints.models import ComplaintStatus
from weijian.complaints.tests.conftest import Staff, district
from weijian.core.workbench import cards_for

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(subject: str, region: str = "310101", category: str = "illegal_practice") -> object:
    return services.complaint_file(actor=None, source="web", description="有人在家里开诊所给人看病", region=district(region),
                                   category=category, subject_name=subject, anonymous=False,
                                   complainant_name="李四", complainant_phone="13912345678")  # fmt: skip


def test_the_queue_shows_only_the_scope_and_the_page_masks_the_phone(staff: Staff) -> None:
    mine, theirs = _file("黄浦黑诊所"), _file("徐汇黑诊所", "310104")
    body = _client(staff.manager_a).get(reverse("complaints:queue")).content.decode()
    assert "黄浦黑诊所" in body and "徐汇黑诊所" not in body
    assert _client(staff.manager_a).get(reverse("complaints:detail", args=[theirs.pk])).status_code == 404
    page = _client(staff.manager_a).get(reverse("complaints:detail", args=[mine.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page and "李*" in page


def test_actions_on_the_page(staff: Staff) -> None:
    complaint = _file("黄浦黑诊所")
    client = _client(staff.manager_a)
    url = reverse("complaints:detail", args=[complaint.pk])
    refused = client.post(url, {"action": "reply", "reply": "已经处理完毕，谢谢。"})
    assert refused.status_code == 400 and "须先受理" in refused.content.decode()
    assert client.post(url, {"action": "accept"}).status_code == 302
    kept = client.post(url, {"action": "not_accept", "reason": ""})
    assert kept.status_code == 400
    assert client.post(url, {"action": "to_clue", "facts": ""}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.TO_CLUE and complaint.clue is not None
    assert complaint.clue.number in client.get(url).content.decode()


def test_workbench_cards(staff: Staff, propose: object) -> None:
    _file("黄浦黑诊所")
    services.complaint_file(actor=None, source="web", description="不知道归谁管的事情", region=district(),
                            category="", subject_name="某单位", anonymous=True)  # fmt: skip
    manager = {c.key: c for c in cards_for(staff.manager_a)}
    city = {c.key: c for c in cards_for(staff.city)}
    assert manager["complaints.due"].count == 1 and "complaints.triage" not in manager
    assert city["complaints.triage"].count == 1
    assert _client(staff.city).get(reverse("complaints:queue"), {"view": "triage"}).content.decode().count("某单位") == 1
