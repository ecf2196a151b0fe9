"""The inspectors' and managers' pages over the services: tabs, a line saved as JSON or refused with the
reason, photos only in scope, publication one or many; the public portal shows only what is published."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from weijian.core.models import AccessEvent, Department
from weijian.inspections.models import Draw, Plan
from weijian.inspections.tests.conftest import Field, close_passed, png_bytes

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_task_list_and_a_line_saved_by_the_page(field: Field) -> None:
    inspection = field.create()
    wang = _client(field.wang)
    tasks = wang.get("/inspections/").content.decode()
    assert f"/inspections/{inspection.pk}/" in tasks and field.a1.name in tasks
    page = wang.get(f"/inspections/{inspection.pk}/").content.decode()
    assert page.count('class="line-form"') == 4 and 'capture="environment"' in page
    first = inspection.findings.order_by("pk")[0]
    url = f"/inspections/{inspection.pk}/finding/"
    refused = wang.post(url, {"item_code": first.item_code, "line_no": "9.9", "outcome": "compliant"},
                        HTTP_ACCEPT="application/json")  # fmt: skip
    assert refused.status_code == 400 and "不在本次检查的检查表中" in refused.json()["error"]
    photo = io.BytesIO(png_bytes())
    photo.name = "p.png"
    saved = wang.post(url, {"item_code": first.item_code, "line_no": first.line_no, "outcome": "noncompliant",
                            "note": "未备案", "photos": photo}, HTTP_ACCEPT="application/json")  # fmt: skip
    assert saved.status_code == 200 and saved.json() == {"ok": True, "outcome": "noncompliant",
                                                         "outcome_label": "不合规", "photos": 1}  # fmt: skip
    plain = wang.post(url, {"item_code": first.item_code, "line_no": first.line_no, "outcome": "compliant"})
    assert plain.status_code == 302 and plain["Location"].endswith(f"#line-{first.item_code}-{first.line_no}")
    attachment = first.attachments.get()
    assert wang.get(f"/inspections/attachments/{attachment.pk}/").status_code == 200
    assert _client(field.zhao).get(f"/inspections/attachments/{attachment.pk}/").status_code == 404
    assert Client().get(f"/inspections/attachments/{attachment.pk}/").status_code == 302  # to the login page
    seen = AccessEvent.objects.filter(action="inspections.attachment.file", object_id=str(attachment.pk))
    assert list(seen.values_list("actor", flat=True)) == [field.wang.username]  # the access log: only the copy served
    assert _client(field.zhao).get(f"/inspections/{inspection.pk}/").status_code == 404


def test_manager_publishes_and_the_portal_shows_only_published_results(field: Field) -> None:
    inspection = close_passed(field)
    public = Client()
    assert public.get(f"/portal/results/{inspection.pk}/").status_code == 404
    manager = _client(field.manager)
    due = manager.get("/inspections/publication/").content.decode()
    assert f"/inspections/{inspection.pk}/" in due and 'name="inspections"' in due
    assert 'name="inspections"' not in _client(field.wang).get("/inspections/publication/").content.decode()
    response = manager.post("/inspections/publication/", {"inspections": [str(inspection.pk)]})
    assert response.status_code == 302
    result = public.get(f"/portal/results/{inspection.pk}/")
    body = result.content.decode()
    assert result.status_code == 200 and field.a1.name in body and "合格" in body
    assert "public" in result["Cache-Control"] and "Cookie" in result["Vary"]
    assert "王监督" not in body and "3101********01" in body, "inspectors shown as masked 执法证号 only"
    sheet = load_workbook(io.BytesIO(public.get("/portal/results/", {"format": "xlsx"}).content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [field.a1.name]


def test_portal_plan_shows_the_commitment_and_never_the_secret_before_the_draw(field: Field) -> None:
    plan = Plan.objects.create(
        name="2026年医疗机构依法执业随机抽查", year=2026, period_start="2026-01-01", period_end="2026-12-31",
        region=field.a1.district, lead_department=Department.objects.get(code="health"), item_codes=["CC00227"],
        status="committed",
    )  # fmt: skip
    draw = Draw.objects.create(plan=plan, algorithm="wj-draw-1", population_hash="p" * 64, commitment="c" * 64,
                               secret="s" * 64, committed_at=timezone.now(), seed="e" * 64)  # fmt: skip
    page = Client().get(f"/portal/plans/{plan.pk}/").content.decode()
    assert "c" * 64 in page and "医疗机构依法执业" in page
    assert "s" * 64 not in page and "e" * 64 not in page, "neither secret nor seed before the draw"
    Draw.objects.filter(pk=draw.pk).update(drawn_at=timezone.now(), public_value="上证指数 3000.00")
    page = Client().get(f"/portal/plans/{plan.pk}/").content.decode()
    assert "e" * 64 in page and "s" * 64 not in page
    Plan.objects.filter(pk=plan.pk).update(status="draft")
    assert Client().get(f"/portal/plans/{plan.pk}/").status_code == 404
