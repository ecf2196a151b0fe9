"""The work-item workflow: disposal (one and many), assignment, routing out of triage, outcome of a referral."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from weijian.alerts import services
from weijian.alerts.loading import analytics_run_load
from weijian.alerts.models import ItemStatus, Outcome, WorkItem
from weijian.alerts.services import WorkItemError, WorkItemNotFound
from weijian.alerts.tests.runs import write_run
from weijian.core.audit import audit_verify
from weijian.core.models import AuditEvent, Role

# the items' deadlines are counted from today: in late December they reach a year the package may not ship
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calendar_ahead")]
TOMORROW = dt.date.today() + dt.timedelta(days=1)


@pytest.fixture
def loaded(registry: dict[str, str], tmp_path: Path) -> dict[str, str]:
    rows_extra = [("institution_licence", "visit", "V8", registry["a2"], None, None, "high", {"visit_id": "V8"})]
    from weijian.alerts.tests.runs import alert_rows

    analytics_run_load(folder=write_run(tmp_path / "out", registry, rows=[*alert_rows(registry), *rows_extra]), actor="t")
    return registry


def _item(rule_id: str, code: str) -> WorkItem:
    return WorkItem.objects.get(rule_id=rule_id, institution_code=code)


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_dispose_needs_a_reason_to_dismiss_and_is_audited_once(loaded: dict[str, str], make_user: Any) -> None:
    inspector = make_user("insp", role=Role.INSPECTOR, region="310101", department="health")
    item = _item("institution_licence", loaded["a1"])
    with pytest.raises(WorkItemError, match="理由"):
        services.work_item_dispose(actor=inspector, item_id=item.pk, status=ItemStatus.DISMISSED, reason="")
    services.work_item_dispose(actor=inspector, item_id=item.pk, status=ItemStatus.CLUE, reason="立案调查")
    item.refresh_from_db()
    assert item.status == ItemStatus.CLUE and item.disposed_by == inspector and item.awaiting_outcome
    with pytest.raises(WorkItemError, match="已处置"):
        services.work_item_dispose(actor=inspector, item_id=item.pk, status=ItemStatus.INSPECTION, reason="再次")
    assert _events("alerts.item.clue") == 1 and audit_verify().ok


def test_outside_the_scope_is_not_found_for_every_write(loaded: dict[str, str], make_user: Any) -> None:
    other_district = make_user("b", role=Role.DISTRICT_MANAGER, region="310104", department="health")
    insurance = make_user("ins", role=Role.PARTNER_OFFICER, region="310101", department="insurance")
    item = _item("institution_licence", loaded["a1"])
    for actor in (other_district, insurance):
        with pytest.raises(WorkItemNotFound, match="不存在或不在您的数据权限范围内"):
            services.work_item_dispose(actor=actor, item_id=item.pk, status=ItemStatus.CLUE, reason="x")
        with pytest.raises(WorkItemNotFound):
            services.work_items_dispose(actor=actor, item_ids=[item.pk], status=ItemStatus.CLUE, reason="x")
    with pytest.raises(WorkItemNotFound):
        services.work_item_assign(actor=other_district, item_id=item.pk, assignee_id=1, due_date=TOMORROW)
    with pytest.raises(WorkItemNotFound):
        services.work_item_dispose(actor=other_district, item_id=999999, status=ItemStatus.CLUE, reason="x")
    for role in (Role.INSTITUTION_USER, Role.PUBLIC):
        user = make_user(f"u-{role}", role=role, region=None, department=None)
        with pytest.raises(WorkItemError, match="角色"):
            services.work_item_dispose(actor=user, item_id=item.pk, status=ItemStatus.CLUE, reason="x")
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    assert not AuditEvent.objects.filter(action__startswith="alerts.item.").exclude(action="alerts.item.created").exists()


def test_bulk_disposal_is_all_or_nothing_with_one_event_per_item(loaded: dict[str, str], make_user: Any) -> None:
    manager = make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health")
    a1, a2 = _item("institution_licence", loaded["a1"]), _item("institution_licence", loaded["a2"])
    month = _item("antimicrobial_intensity", loaded["a1"])
    services.work_item_dispose(actor=manager, item_id=month.pk, status=ItemStatus.INSPECTION, reason="")
    with pytest.raises(WorkItemError, match=f"批量处置未执行.*工作项 {month.pk} 已处置"):
        services.work_items_dispose(actor=manager, item_ids=[a1.pk, a2.pk, month.pk], status=ItemStatus.DISMISSED,
                                    reason="经核实为系统误报")  # fmt: skip
    assert set(WorkItem.objects.filter(pk__in=[a1.pk, a2.pk]).values_list("status", flat=True)) == {"open"}
    done = services.work_items_dispose(actor=manager, item_ids=[str(a2.pk), a1.pk], status=ItemStatus.DISMISSED,
                                       reason="经核实为系统误报")  # fmt: skip
    assert [i.pk for i in done] == sorted([a1.pk, a2.pk])
    assert _events("alerts.item.dismissed") == 2
    assert set(AuditEvent.objects.filter(action="alerts.item.dismissed").values_list("object_id", flat=True)) == {
        str(a1.pk), str(a2.pk)}


def test_assignment_to_a_named_inspector_of_the_department_and_district(loaded: dict[str, str], make_user: Any) -> None:
    manager = make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health")
    wang = make_user("wang", role=Role.INSPECTOR, region="310101", department="health", first_name="王强")
    elsewhere = make_user("zhao", role=Role.INSPECTOR, region="310104", department="health", first_name="赵磊")
    market = make_user("qian", role=Role.INSPECTOR, region="310101", department="market", first_name="钱芳")
    item = _item("institution_licence", loaded["a1"])
    assert list(services.eligible_assignees(item)) == [wang]
    for wrong in (elsewhere, market):
        with pytest.raises(WorkItemError, match="承办人"):
            services.work_item_assign(actor=manager, item_id=item.pk, assignee_id=wrong.pk, due_date=TOMORROW)
    with pytest.raises(WorkItemError, match="承办期限"):
        services.work_item_assign(actor=manager, item_id=item.pk, assignee_id=wang.pk, due_date=None)
    with pytest.raises(WorkItemError, match="角色"):
        services.work_item_assign(actor=wang, item_id=item.pk, assignee_id=wang.pk, due_date=TOMORROW)
    services.work_item_assign(actor=manager, item_id=item.pk, assignee_id=wang.pk, due_date=TOMORROW)
    item.refresh_from_db()
    assert item.assignee == wang and item.due_date == TOMORROW and item.assigned_by == manager
    event = AuditEvent.objects.get(action="alerts.item.assign")
    assert event.data["assignee_name"] == "王强" and event.data["due_date"] == TOMORROW.isoformat()
    other = make_user("li", role=Role.INSPECTOR, region="310101", department="health")
    with pytest.raises(WorkItemError, match="指派给他人"):
        services.work_item_dispose(actor=other, item_id=item.pk, status=ItemStatus.CLUE, reason="")


def test_referral_waits_for_its_outcome_and_goes_overdue(loaded: dict[str, str], make_user: Any) -> None:
    manager = make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health")
    item = _item("institution_licence", loaded["a1"])
    services.work_item_dispose(actor=manager, item_id=item.pk, status=ItemStatus.INSPECTION, reason="现场核查",
                               due_date=TOMORROW)  # fmt: skip
    item.refresh_from_db()
    assert item.awaiting_outcome and not item.finished and item.effective_due == TOMORROW
    assert not item.is_overdue(dt.date.today()) and item.is_overdue(TOMORROW + dt.timedelta(days=1))
    with pytest.raises(WorkItemError, match="查处结果"):
        services.work_item_record_outcome(actor=manager, item_id=item.pk, outcome="maybe", note="x")
    with pytest.raises(WorkItemError, match="结果说明"):
        services.work_item_record_outcome(actor=manager, item_id=item.pk, outcome=Outcome.CONFIRMED, note="")
    services.work_item_record_outcome(actor=manager, item_id=item.pk, outcome=Outcome.CONFIRMED, note="现场查实无证执业")
    item.refresh_from_db()
    assert item.finished and item.outcome == Outcome.CONFIRMED and not item.is_overdue(TOMORROW + dt.timedelta(days=9))
    with pytest.raises(WorkItemError, match="不在等待查处结果"):
        services.work_item_record_outcome(actor=manager, item_id=item.pk, outcome=Outcome.UNFOUNDED, note="再次")
    assert _events("alerts.item.outcome") == 1


def test_open_item_is_overdue_after_its_rules_deadline(loaded: dict[str, str]) -> None:
    item = _item("institution_licence", loaded["a1"])
    assert item.effective_due == item.deadline and not item.is_overdue(item.deadline)
    assert item.is_overdue(item.deadline + dt.timedelta(days=1))


def test_city_office_routes_from_triage_keeping_the_history(registry: dict[str, str], tmp_path: Path,
                                                            make_user: Any) -> None:  # fmt: skip
    rows = [("a_rule_nobody_routes", "visit", "V77", registry["a1"], None, None, "low", {"visit_id": "V77"})]
    analytics_run_load(folder=write_run(tmp_path / "out", registry, rows=rows), actor="t")
    item = WorkItem.objects.get()
    city = make_user("city", role=Role.CITY_ADMIN, region="310000", department="health")
    manager = make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health")
    with pytest.raises(WorkItemNotFound):  # a district queue never sees triage
        services.work_item_dispose(actor=manager, item_id=item.pk, status=ItemStatus.CLUE, reason="x")
    with pytest.raises(WorkItemError, match="待分派"):
        services.work_item_dispose(actor=city, item_id=item.pk, status=ItemStatus.CLUE, reason="x")
    with pytest.raises(WorkItemError, match="只有市级"):
        services.work_item_route(actor=manager, item_id=item.pk, department_code="health", note="依据")
    with pytest.raises(WorkItemError, match="分派说明"):
        services.work_item_route(actor=city, item_id=item.pk, department_code="health", note="")
    services.work_item_route(actor=city, item_id=item.pk, department_code="health", note="属医疗机构执业监管")
    item.refresh_from_db()
    assert item.department.code == "health" and item.deadline is not None
    assert item.rules["deadline"]["start"] == timezone.localdate().isoformat()
    assert item.routing["source"] == "manual" and item.routing["by"] == "city"
    assert item.routing_history[0]["department"] is None and "no key" in item.routing_history[0]["reason"]
    services.work_item_route(actor=city, item_id=item.pk, department_code="insurance", note="涉及医保基金")
    item.refresh_from_db()
    assert [h["department"] for h in item.routing_history] == [None, "health"] and item.department.code == "insurance"
    assert _events("alerts.item.route") == 2
    services.work_item_dispose(actor=manager.__class__.objects.get(pk=city.pk), item_id=item.pk,
                               status=ItemStatus.CLUE, reason="")  # fmt: skip


def test_due_dates_never_outlast_the_rules_deadline_and_a_referral_keeps_only_its_own(
    loaded: dict[str, str], make_user: Any
) -> None:
    manager = make_user("mgr", role=Role.DISTRICT_MANAGER, region="310101", department="health")
    inspector = make_user("insp", role=Role.INSPECTOR, region="310101", department="health")
    item = _item("institution_licence", loaded["a1"])
    assert item.deadline is not None
    with pytest.raises(WorkItemError, match="不能晚于处置期限"):
        services.work_item_assign(actor=manager, item_id=item.pk, assignee_id=inspector.pk,
                                  due_date=item.deadline + dt.timedelta(days=1))  # fmt: skip
    services.work_item_assign(actor=manager, item_id=item.pk, assignee_id=inspector.pk, due_date=item.deadline)
    services.work_item_dispose(actor=inspector, item_id=item.pk, status=ItemStatus.CLUE, reason="转案源")
    item.refresh_from_db()
    assert item.due_date is None and not item.is_overdue(item.deadline + dt.timedelta(days=30))


def test_bulk_disposal_survives_a_forged_return_address(loaded: dict[str, str], make_user: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(make_user("mgr", role=Role.DISTRICT_MANAGER, region="310101", department="health"))
    item = _item("institution_licence", loaded["a1"])
    response = client.post("/alerts/", {"items": [item.pk], "status": "dismissed", "reason": "核实无误排除",
                                        "back": "?view=open\r\nSet-Cookie: x=1"})  # fmt: skip
    assert response.status_code == 302 and "\r" not in response["Location"] and "Set-Cookie" not in response.headers
