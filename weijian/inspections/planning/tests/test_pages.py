"""The planning pages for a district manager: form errors beside the field with input kept, plan page, commitment,
draw, draw page, record download, figures; other roles and districts get 403/404."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse

from weijian.core.models import AuditEvent, Role
from weijian.inspections.models import Draw, Plan
from weijian.inspections.planning import verify
from weijian.inspections.planning.tests.conftest import City


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


FORM = {"name": "黄浦区2026年医疗机构依法执业随机抽查", "region": "", "period_start": "2026-01-01",
        "period_end": "2026-12-31", "item_codes": ["CC00227"], "ratio_A": "5", "ratio_B": "20", "ratio_C": "50",
        "ratio_D": "100", "overall_target": "25", "exclusion_months": "12"}  # fmt: skip


def test_manager_makes_commits_and_draws_a_plan(city: City) -> None:
    client = _client(city.manager)
    data = {**FORM, "region": str(city.region.pk), "ratio_B": "130"}
    page = client.post(reverse("plans:create"), data)
    body = page.content.decode()
    assert page.status_code == 200 and "0–100" in body and FORM["name"] in body  # error beside the field, input kept
    assert not Plan.objects.exists()
    page = client.post(reverse("plans:create"), {**data, "ratio_B": "20"})
    plan = Plan.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse("plans:detail", kwargs={"pk": plan.pk})
    detail = client.get(reverse("plans:detail", kwargs={"pk": plan.pk})).content.decode()
    assert "CC00227 医疗机构依法执业" in detail and "50.0%" in detail  # 12 of 24 drawn against a 25 % target
    assert "与目标相差超过提示阈值" in detail
    client.post(reverse("plans:commit", kwargs={"pk": plan.pk}))
    made = Draw.objects.get(plan=plan)
    record = json.loads(client.get(reverse("plans:draw_record", kwargs={"pk": made.pk})).content)
    assert record["secret"] is None and record["commitment"] == made.commitment
    client.post(reverse("plans:draw_run", kwargs={"pk": made.pk}), {"public_value": "58 03 17", "witnesses": "张三"})
    page = client.get(reverse("plans:draw", kwargs={"pk": made.pk})).content.decode()
    assert "58 03 17" in page and "过期证" in page  # the expired badge is shown apart, with the reason
    record = json.loads(client.get(reverse("plans:draw_record", kwargs={"pk": made.pk})).content)
    assert verify.verify(record).ok
    exports = AuditEvent.objects.filter(action="inspections.draw.export", object_id=str(made.pk))
    assert exports.count() == 2 and {e.actor for e in exports} == {city.manager.get_username()}  # each copy taken is recorded
    figures = client.get(reverse("plans:figures"), {"year": "2026"}).content.decode()
    assert plan.name in figures and "计划覆盖的抽查事项" in figures


def test_other_roles_and_districts(city: City, make_user: Any) -> None:
    plan_page = reverse("plans:list")
    inspector = _client(make_user("insp_a", role=Role.INSPECTOR, region="310101"))
    assert inspector.get(plan_page).status_code == 200
    assert inspector.get(reverse("plans:create")).status_code == 403
    other = _client(make_user("manager_b", role=Role.DISTRICT_MANAGER, region="310104"))
    manager = _client(city.manager)
    manager.post(reverse("plans:create"), {**FORM, "region": str(city.region.pk)})
    plan = Plan.objects.get()
    assert other.get(reverse("plans:detail", kwargs={"pk": plan.pk})).status_code == 404
    assert other.post(reverse("plans:commit", kwargs={"pk": plan.pk})).status_code == 404
    assert not Draw.objects.exists()
