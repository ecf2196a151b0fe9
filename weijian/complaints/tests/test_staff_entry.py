"""Staff entry of complaints received by telephone, in person or by letter (来电来访来信): the same service as the
public form — routing, duplicate linking, tracking code — with the channel; a refused form keeps what was typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from weijian.complaints import codes, services
from weijian.complaints.models import Complaint
from weijian.complaints.tests.conftest import Staff, district
from weijian.core.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/complaints/new/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**changes: str) -> dict[str, str]:
    values = {"channel": "hotline", "category": "illegal_practice", "description": "来电反映：小区里有人无证开诊所给老人输液",
              "region": "310101", "subject_name": "福州路无名诊所", "complainant_name": "王小明",
              "complainant_phone": "13812345678", "action": "submit"}  # fmt: skip
    values.update(changes)
    return values


def test_a_hotline_call_is_routed_and_gets_a_tracking_code(staff: Staff) -> None:
    client = _client(staff.manager_a)
    assert reverse("complaints:new") == URL and client.get(URL).status_code == 200
    answer = client.post(URL, _form())
    complaint = Complaint.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("complaints:detail", args=[complaint.pk])
    assert (complaint.source, complaint.channel, complaint.entered_by) == ("staff", "hotline", staff.manager_a)
    assert (complaint.district.code, complaint.department.code) == ("310101", "health")
    page = client.get(answer["Location"]).content.decode()
    assert codes.display(complaint.tracking_code) in page and "来电" in page
    event = AuditEvent.objects.get(action="complaints.complaint.file", object_id=str(complaint.pk))
    assert event.data["channel"] == "hotline" and event.data["source"] == "staff"


def test_a_letter_about_the_same_subject_is_linked_as_a_duplicate(staff: Staff) -> None:
    first = services.complaint_file(actor=None, source="web", description="有人在福州路开黑诊所给人输液", region=district(),
                                    category="illegal_practice", subject_name="福州路无名诊所", anonymous=True)  # fmt: skip
    _client(staff.manager_a).post(URL, _form(channel="letter", anonymous="1", complainant_name="", complainant_phone=""))
    entered = Complaint.objects.exclude(pk=first.pk).get()
    assert entered.duplicate_of == first and entered.channel == "letter" and entered.anonymous


def test_a_refused_form_keeps_what_was_typed(staff: Staff) -> None:
    client = _client(staff.inspector_a)
    answer = client.post(URL, _form(channel="", complainant_phone="555", description="来访人反映某诊所超范围开展医疗美容项目"))
    body = answer.content.decode()
    assert answer.status_code == 400 and not Complaint.objects.exists()
    assert "受理渠道" in body and "联系电话" in body  # both problems named
    assert "来访人反映某诊所超范围开展医疗美容项目" in body and 'value="王小明"' in body and 'value="555"' in body
    assert 'value="福州路无名诊所"' in body


def test_only_staff_roles_and_only_inside_their_scope(staff: Staff) -> None:
    from weijian.core.models import Role

    assert _client(staff.market_a).get(URL).status_code == 200  # partner departments record calls too
    public = staff.city.__class__.objects.create_user("someone", password="x")
    from weijian.core.models import Profile

    Profile.objects.create(user=public, role=Role.PUBLIC)
    assert _client(public).get(URL).status_code == 404
    answer = _client(staff.manager_a).post(URL, _form(region="310104", subject_name="徐汇某诊所"))
    assert answer.status_code == 400 and "数据权限范围以外" in answer.content.decode()
    assert not Complaint.objects.exists()
