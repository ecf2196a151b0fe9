"""The public form, the receipt and tracking: bad input keeps what was typed, HTML is shown as text, rate limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from weijian.complaints import codes, services
from weijian.complaints.models import Complaint
from weijian.complaints.tests.conftest import Staff
from weijian.core.models import AccessEvent
from weijian.inspections.tests.conftest import png_bytes

pytestmark = pytest.mark.django_db

NEW = "/portal/complaints/new/"


def form(**changes: Any) -> dict[str, Any]:
    data = {"action": "submit", "category": "medical_aesthetics", "description": "美容店给我打了玻尿酸，现在脸肿了",
            "region": "310104", "subject_name": "衡山路美容店", "complainant_name": "王小明",
            "complainant_phone": "13812345678"}  # fmt: skip
    data.update(changes)
    return data


def test_the_form_opens_without_login() -> None:
    response = Client().get(NEW)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="description"' in body and 'name="photos"' in body and "匿名投诉" in body
    assert reverse("complaint_portal:new") == NEW


def test_a_complaint_with_photos_gets_a_code_shown_once_and_tracks(staff: Staff) -> None:
    client = Client()
    photo = SimpleUploadedFile("face.png", png_bytes("red"), content_type="image/png")
    response = client.post(NEW, {**form(), "photos": [photo]})
    assert response.status_code == 302 and response["Location"] == reverse("complaint_portal:receipt")
    receipt = client.get(response["Location"]).content.decode()
    complaint = Complaint.objects.get()
    shown = codes.display(complaint.tracking_code)
    assert shown in receipt and complaint.photos.count() == 1
    assert shown not in client.get(reverse("complaint_portal:receipt")).content.decode()  # only once
    services.complaint_accept(actor=staff.manager_b, complaint_id=complaint.pk)
    services.complaint_reply(actor=staff.manager_b, complaint_id=complaint.pk, text="经查该店无医疗美容资质，已立案查处。")
    page = Client().get(reverse("complaint_portal:track"), {"code": shown.lower()}).content.decode()
    assert "已答复" in page and "经查该店无医疗美容资质" in page
    assert "王小明" not in page and "13812345678" not in page and "玻尿酸" not in page  # never the filer, never the file
    stored = complaint.photos.get()
    officer = Client()
    officer.force_login(staff.manager_b)
    assert Client().get(reverse("complaints:photo", args=[stored.pk])).status_code == 302  # to the login page
    assert officer.get(reverse("complaints:photo", args=[stored.pk])).status_code == 200
    seen = AccessEvent.objects.get(action="complaints.photo.file", object_id=str(stored.pk))  # the access log
    assert seen.actor == staff.manager_b.username and seen.data["complaint"] == complaint.pk


def test_bad_input_keeps_everything_typed(staff: Staff) -> None:
    photo = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    response = Client().post(NEW, {**form(description="🙂🙂🙂", complainant_phone="010-12"), "photos": [photo]})
    body = response.content.decode()
    assert response.status_code == 400 and Complaint.objects.count() == 0
    assert "问题描述：" in body and "联系电话：" in body
    assert "🙂🙂🙂" in body and 'value="衡山路美容店"' in body and 'value="王小明"' in body and 'value="010-12"' in body
    assert "请重新选择照片" in body


def test_html_in_the_text_is_escaped(staff: Staff) -> None:
    client = Client()
    text = "<script>alert(1)</script><img src=x onerror=alert(2)> 美容店无证注射"
    client.post(NEW, form(description=text, subject_name="<b>店</b>"))
    complaint = Complaint.objects.get()
    assert complaint.description == text
    page = Client()
    page.force_login(staff.manager_b)
    body = page.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<b>店</b>" not in body
    bad = Client().post(NEW, form(description=text + "长" * 20_000)).content.decode()
    assert "<script>alert(1)" not in bad and "&lt;script&gt;" in bad and "最多 5000 字" in bad


def test_institution_search_keeps_the_form(staff: Staff) -> None:
    response = Client().post(NEW, form(action="find", find="美丽医疗"))
    body = response.content.decode()
    assert response.status_code == 200 and "上海美丽医疗美容门诊部" in body and "玻尿酸" in body
    Client().post(NEW, form(institution=staff.codes["b2"], subject_name=""))
    assert Complaint.objects.get().institution.uscc == staff.codes["b2"]


def test_the_form_is_rate_limited_per_address(staff: Staff) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [client.post(NEW, form(subject_name=f"店{n}")).status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]
    assert Complaint.objects.count() == 5
    assert "提交过于频繁" in client.post(NEW, form()).content.decode()
    assert Client(REMOTE_ADDR="203.0.113.10").post(NEW, form()).status_code == 302


def test_the_tracking_page_shows_the_clue_outcome(staff: Staff) -> None:
    Client().post(NEW, form(region="310101", category="illegal_practice"))
    complaint = Complaint.objects.get()
    services.complaint_accept(actor=staff.manager_a, complaint_id=complaint.pk)
    services.complaint_to_clue(actor=staff.manager_a, complaint_id=complaint.pk)
    page = Client().get(reverse("complaint_portal:track"), {"code": complaint.tracking_code}).content.decode()
    assert "处理结果" in page and "正在核查" in page  # the public one-line outcome of the clue (cases.selectors)
    assert "XS-" not in page  # never the case file: not even the clue's number


def test_unknown_codes_are_said_not_failed() -> None:
    for code in ("", "ABC", "0000000000", "<script>"):
        response = Client().get(reverse("complaint_portal:track"), {"code": code})
        assert response.status_code in (200, 404)
        assert "<script>" not in response.content.decode().split("<main>", 1)[1]
