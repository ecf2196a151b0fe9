"""Targeted inspections from alert work items (转定向检查) and clues from them (转为案源线索); the inspection's
close writes the item's outcome back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from weijian.alerts import services as alerts
from weijian.alerts.models import AnalyticsRun, WorkItem
from weijian.clues.models import Clue
from weijian.core.models import AuditEvent, Department
from weijian.inspections import services
from weijian.inspections.models import Inspection
from weijian.inspections.tests.conftest import Field, confirm_all

pytestmark = pytest.mark.django_db


def _item(field: Field, key: str) -> WorkItem:
    run, _ = AnalyticsRun.objects.get_or_create(
        fingerprint="targeted", defaults={"source": "t", "period_start": "2025-01-01", "period_end": "2025-12-31"}
    )
    return WorkItem.objects.create(
        rule_id="institution_licence", rule_name="无证/超期执业", severity="high", group_key=key,
        institution=field.a1, institution_code=field.a1.uscc, region=field.a1.district,
        department=Department.objects.get(code="health"), period_start="2025-01-01", period_end="2025-12-31",
        first_run=run, line_count=3, assignee=field.wang, due_date=timezone.localdate() + dt.timedelta(days=10),
    )  # fmt: skip


def test_disposal_as_targeted_inspection_creates_it_and_its_close_reports_back(field: Field) -> None:
    alone = _item(field, "t0")  # no team chosen: the assignee starts alone, a manager completes the team
    alerts.work_item_dispose(actor=field.wang, item_id=alone.pk, status="inspection", reason="现场核实")
    started = Inspection.objects.get(source_id=alone.pk)
    assert list(started.members.values_list("inspector__user", flat=True)) == [field.wang.pk]
    assert services.team_short(started) == 1
    with pytest.raises(services.InspectionError, match="只有科室负责人"):
        services.inspection_member_add(actor=field.wang, inspection_id=started.pk, inspector_id=field.team[1].pk)
    services.inspection_member_add(actor=field.manager, inspection_id=started.pk, inspector_id=field.team[1].pk)
    with pytest.raises(services.InspectionError, match="已在检查组中"):
        services.inspection_member_add(actor=field.manager, inspection_id=started.pk, inspector_id=field.team[1].pk)
    assert services.team_short(started) == 0
    item = _item(field, "t1")
    with pytest.raises(alerts.WorkItemError, match="不在您的数据权限范围内"):
        alerts.work_item_dispose(actor=field.wang, item_id=item.pk, status="inspection", reason="现场核实",
                                 inspectors=[services.inspector_of(field.zhao)])  # fmt: skip
    item.refresh_from_db()
    assert item.status == "open" and not Inspection.objects.filter(source_id=item.pk).exists(), "nothing half-done"
    alerts.work_item_dispose(actor=field.wang, item_id=item.pk, status="inspection", reason="现场核实",
                             inspectors=field.team)  # fmt: skip
    inspection = Inspection.objects.get(source_id=item.pk)
    assert (inspection.mode, inspection.source_kind, inspection.source_id) == ("targeted", "work_item", item.pk)
    assert inspection.due_date == item.due_date and inspection.item_codes == ["CC00227"]
    assert inspection.findings.count() == 20
    for index, finding in enumerate(inspection.findings.order_by("pk")):
        services.finding_record(actor=field.li, inspection_id=inspection.pk, item_code=finding.item_code,
                                line_no=finding.line_no, outcome="noncompliant" if index == 0 else "compliant",
                                note="许可证已过期" if index == 0 else "")  # fmt: skip
    services.inspection_submit(actor=field.li, inspection_id=inspection.pk)
    confirm_all(field, inspection)
    services.inspection_close(actor=field.li, inspection_id=inspection.pk, result="rectify", note="责令限期整改")
    item.refresh_from_db()
    assert item.outcome == "confirmed" and f"#{inspection.pk}" in item.outcome_note and item.finished


def test_disposal_as_clue_creates_the_clue_with_its_source(field: Field) -> None:
    item = _item(field, "t2")
    alerts.work_item_dispose(actor=field.wang, item_id=item.pk, status="clue", reason="证据充分")
    clue = Clue.objects.get()
    assert (clue.source_kind, clue.source_id, clue.institution) == ("work_item", item.pk, field.a1)
    assert "证据充分" in clue.facts and clue.number.startswith("XS-310101-")


def test_a_work_item_without_a_registered_institution_is_referred_without_an_inspection(field: Field) -> None:
    item = _item(field, "t3")
    WorkItem.objects.filter(pk=item.pk).update(institution=None)
    alerts.work_item_dispose(actor=field.wang, item_id=item.pk, status="inspection", reason="核实",
                             inspectors=field.team)  # fmt: skip
    item.refresh_from_db()
    assert item.status == "inspection" and not Inspection.objects.filter(source_id=item.pk).exists()
    assert "机构不在主体库中" in AuditEvent.objects.get(action="alerts.item.inspection_pending").data["reason"]


def test_pages_of_the_disposal_offer_the_team(field: Field, client: Any) -> None:
    item = _item(field, "t4")
    client.force_login(field.wang)
    page = client.get(f"/alerts/{item.pk}/").content.decode()
    assert 'name="inspectors"' in page and "李监督" in page
    response = client.post(f"/alerts/{item.pk}/", {"action": "dispose", "status": "inspection", "reason": "核实",
                                                   "inspectors": [str(i.pk) for i in field.team]})  # fmt: skip
    assert response.status_code == 302 and Inspection.objects.filter(source_id=item.pk).exists()
