"""The demo hook: a second inspector with a login and targeted inspections from the demo's work items, once."""

from __future__ import annotations

from typing import Any

import pytest

from weijian.alerts.models import AnalyticsRun, WorkItem
from weijian.core.models import Department, Role
from weijian.inspections.demo import demo_inspections_setup
from weijian.inspections.models import Inspection
from weijian.registry.models import Inspector, Institution

pytestmark = pytest.mark.django_db


def test_demo_inspections_are_made_once(registry: dict[str, str], make_user: Any) -> None:
    make_user("inspector_a")
    make_user("district_manager", role=Role.DISTRICT_MANAGER)
    health = Department.objects.get(code="health")
    Inspector.objects.create(badge_no="31010100000008", name="第二", department=health,
                             region=Institution.objects.get(uscc=registry["a1"]).district)  # fmt: skip
    run = AnalyticsRun.objects.create(fingerprint="demo", source="t", period_start="2025-01-01", period_end="2025-12-31")
    for n, key in enumerate(("a1", "a2", "a1")):
        institution = Institution.objects.get(uscc=registry[key])
        WorkItem.objects.create(rule_id=f"rule{n}", rule_name="规则", severity="high", group_key=str(n),
                                institution=institution, institution_code=institution.uscc, region=institution.district,
                                department=health, period_start="2025-01-01", period_end="2025-12-31", first_run=run)  # fmt: skip
    lines = demo_inspections_setup("pw-demo-12345")
    assert "inspector_a2" in lines[0] and Inspection.objects.count() == 3
    statuses = sorted(Inspection.objects.values_list("status", flat=True))
    assert statuses == ["assigned", "closed", "submitted"]
    assert Inspection.objects.get(status="closed").published_at is not None
    demo_inspections_setup("pw-demo-12345")
    assert Inspection.objects.count() == 3
