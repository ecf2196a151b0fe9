"""Loading analytics output: lines grouped into work items, routed by rules data, idempotent."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from weijian.alerts.loading import analytics_run_load
from weijian.alerts.models import Alert, Indicator, WorkItem
from weijian.alerts.tests.runs import DOCTOR, UNKNOWN, alert_rows, report, write_run
from weijian.core.models import AuditEvent
from weijian.risk.models import AnalyticsScore
from weijian.rules import loader

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("calendar_ahead")  # its deadlines are counted from today
def test_lines_become_one_item_per_institution_rule_and_period(registry: dict[str, str], tmp_path: Path) -> None:
    result = analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    assert (result.alerts_created, result.items_created, result.unknown_institutions) == (8, 7, 1)
    licence = WorkItem.objects.get(rule_id="institution_licence", institution__uscc=registry["a1"])
    assert licence.line_count == 2 and set(licence.lines.values_list("subject_id", flat=True)) == {"V1", "V3"}
    assert (licence.first_date, licence.last_date) == (dt.date(2025, 3, 2), dt.date(2025, 5, 20))
    assert licence.amount == Decimal("120.50")  # the one line that carries an amount
    assert licence.department.code == "health" and licence.region.code == "310101"
    assert licence.rule_name == "无证/超期/停业期间执业" and licence.severity == "high"
    assert licence.deadline is not None and licence.deadline > dt.date.today() and licence.queued_at is not None
    month = WorkItem.objects.get(rule_id="antimicrobial_intensity")
    assert month.first_date == dt.date(2025, 2, 1) and month.amount is None
    assert Alert.objects.get(rule_id="prescribing_outlier").practitioner.cert_no == DOCTOR
    assert Indicator.objects.count() == 12 and AnalyticsScore.objects.get().score == 72.5
    created = AuditEvent.objects.filter(action="alerts.item.created")
    assert created.count() == 7 and created.get(object_id=str(licence.pk)).data["lines_added"] == 2


def test_routing_follows_rules_data(registry: dict[str, str], tmp_path: Path) -> None:
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    departments = dict(WorkItem.objects.values_list("rule_id", "department__code"))
    assert departments["duplicate_charge"] == departments["post_death_charge"] == "insurance"
    assert departments["waste_weight_gap"] == "eco"
    assert departments["prescribing_outlier"] == "health"
    routing = WorkItem.objects.get(rule_id="waste_weight_gap").routing
    assert routing["source"] == "rules" and routing["department"] == "eco"
    assert routing["rule"]["file"] == "alert_routing.yaml"
    assert routing["rule"]["key"] == "routes.waste_weight_gap.duty" and routing["duty"] == "eco.waste"
    assert routing["rule"]["effective_from"] == "2020-01-01" and routing["rule"]["as_of"] == "2025-01-01"
    assert routing["rule"]["sha256"] == loader.file_hash("alert_routing")
    assert "生态环境" in routing["rule"]["basis"]


def test_unknown_institution_is_found_by_its_code_in_its_district(registry: dict[str, str], tmp_path: Path) -> None:
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    item = WorkItem.objects.get(group_key=UNKNOWN)
    assert item.institution is None and item.institution_code == UNKNOWN
    assert item.region.code == "310101" and item.department.code == "health"


def test_no_matching_route_goes_to_triage_never_to_a_default(registry: dict[str, str], tmp_path: Path) -> None:
    rows = [("a_rule_nobody_routes", "visit", "V77", registry["a1"], None, None, "low", {"visit_id": "V77"})]
    result = analytics_run_load(folder=write_run(tmp_path / "out", registry, rows=rows), actor="t")
    item = WorkItem.objects.get()
    assert result.items_in_triage == 1 and item.department is None and item.in_triage
    assert item.deadline is None and item.queued_at is None  # the clock starts when it reaches a queue
    assert "no key" in item.routing["reason"] and item.routing["rule"] is None
    old = [("institution_licence", "visit", "V78", registry["a1"], None, None, "high", {"visit_id": "V78"})]
    analytics_run_load(folder=write_run(tmp_path / "old", registry, rows=old, start=dt.date(2019, 1, 1),
                                        end=dt.date(2019, 12, 31),
                                        report_json={"period": {"start": "2019-01-01", "end": "2019-12-31"}}),
                       actor="t")  # fmt: skip
    assert WorkItem.objects.get(lines__subject_id="V78").in_triage  # no routing entry in force in 2019


def test_item_records_the_rules_it_used(registry: dict[str, str], tmp_path: Path) -> None:
    rules_run = [{"id": "antimicrobial_intensity", "alerts": 1, "params": {
        "threshold": {"value": 40.0, "effective_from": "2012-08-01", "basis": "卫生部令第84号",
                      "file": "antimicrobial.yaml"}}}]  # fmt: skip
    data = report(rules_run, rules_data={"hash": "ab" * 32, "files": {"antimicrobial": "cd" * 32}})
    analytics_run_load(folder=write_run(tmp_path / "out", registry, report_json=data), actor="t")
    item = WorkItem.objects.get(rule_id="antimicrobial_intensity")
    deadline = item.rules["deadline"]
    assert deadline["file"] == "alert_disposal.yaml" and deadline["key"] == "deadline_working_days.medium"
    assert deadline["working_days"] == 10 and deadline["sha256"] == loader.file_hash("alert_disposal")
    assert deadline["start"] == timezone.localdate(item.queued_at).isoformat()  # the office's day, not UTC's
    analytics = item.rules["analytics"]
    assert analytics["params"]["threshold"]["value"] == 40.0 and analytics["params"]["threshold"]["file"] == "antimicrobial.yaml"
    assert analytics["rules_data"]["hash"] == "ab" * 32
    assert WorkItem.objects.get(rule_id="duplicate_charge").rules["analytics"]["params"] == {}  # old reports: none


def test_loading_twice_creates_nothing_and_a_later_run_adds_lines(registry: dict[str, str], tmp_path: Path) -> None:
    out = write_run(tmp_path / "out", registry)
    analytics_run_load(folder=out, actor="t")
    call_command("analytics", "load", str(out))
    assert Alert.objects.count() == 8 and WorkItem.objects.count() == 7 and AnalyticsScore.objects.count() == 1
    rows = [*alert_rows(registry), ("institution_licence", "visit", "V4", registry["a1"], None, None, "high",
                                    {"visit_id": "V4", "start_date": "2025-09-09"})]  # fmt: skip
    second = analytics_run_load(folder=write_run(tmp_path / "again", registry, rows=rows), actor="t")
    assert (second.alerts_created, second.items_created) == (1, 0)
    licence = WorkItem.objects.get(rule_id="institution_licence", institution__uscc=registry["a1"])
    assert licence.line_count == 3 and licence.last_date == dt.date(2025, 9, 9)
    assert AuditEvent.objects.get(action="alerts.item.lines_added").object_id == str(licence.pk)


def test_every_rule_of_the_library_is_routed_to_a_known_department() -> None:
    from weijian.alerts import routing
    from weijian.analytics.registry import RULES
    from weijian.core.responsibility import departments

    known = set(departments(dt.date.today()))
    for rule_id in RULES:
        department = routing.department_for(rule_id, dt.date.today())
        assert department in known, (rule_id, department)
