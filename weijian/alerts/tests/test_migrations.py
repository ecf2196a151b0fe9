"""An existing database keeps its alerts (grouped into work items, disposals kept) and its grades (moved to risk)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

OLD = [("alerts", "0001_initial"), ("risk", None)]


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] in ("alerts", "risk")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_alerts_and_grades_survive_the_move(registry: dict[str, str], django_user_model: Any) -> None:
    inspector = django_user_model.objects.create_user(username="insp", password="correct-horse-9")
    executor = MigrationExecutor(connection)
    latest = _latest(executor)
    executor.migrate(OLD)
    try:
        apps = executor.loader.project_state([("alerts", "0001_initial")]).apps
        Run, Alert, Grade = (apps.get_model("alerts", m) for m in ("AnalyticsRun", "Alert", "RiskGrade"))
        Department, Region = apps.get_model("core", "Department"), apps.get_model("core", "Region")
        Institution = apps.get_model("registry", "Institution")
        a1 = Institution.objects.get(uscc=registry["a1"])
        run = Run.objects.create(fingerprint="f" * 64, source="out", period_start=dt.date(2025, 1, 1),
                                 period_end=dt.date(2025, 12, 31))  # fmt: skip
        common = {"run": run, "rule_id": "institution_licence", "rule_name": "无证/超期/停业期间执业",
                  "subject_type": "visit", "institution_code": a1.uscc, "institution": a1,
                  "department": Department.objects.get(code="health"), "district": Region.objects.get(code="310101"),
                  "period_start": dt.date(2025, 1, 1), "period_end": dt.date(2025, 12, 31), "severity": "high"}  # fmt: skip
        Alert.objects.create(subject_id="V1", evidence={"start_date": "2025-03-02"}, status="clue",
                             disposed_by="insp", disposed_at=timezone.now(), disposition_reason="立案",
                             due_date=dt.date(2026, 1, 9), **common)  # fmt: skip
        Alert.objects.create(subject_id="V2", evidence={"start_date": "2025-04-02", "amount": 9.5}, status="clue",
                             disposed_by="insp", disposed_at=timezone.now(), disposition_reason="立案",
                             due_date=dt.date(2026, 1, 8), **common)  # fmt: skip
        Alert.objects.create(subject_id="V3", evidence={"start_date": "2025-04-02"}, status="open",
                             **{**common, "rule_id": "out_of_scope_dept", "rule_name": "超范围诊疗"})
        Grade.objects.create(institution=a1, run=run, period_end=dt.date(2025, 12, 31), score=61.0, grade="D",
                             reasons=[{"points": 61.0, "rule_id": "institution_licence", "label": "无证"}])  # fmt: skip
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    from weijian.alerts.models import WorkItem
    from weijian.risk.models import AnalyticsScore

    licence = WorkItem.objects.get(rule_id="institution_licence")
    assert licence.line_count == 2 and licence.status == "clue" and licence.disposed_by == inspector
    assert (licence.first_date, licence.last_date, str(licence.amount)) == (dt.date(2025, 3, 2), dt.date(2025, 4, 2), "9.50")
    assert licence.deadline == dt.date(2026, 1, 8) and licence.department.code == "health" and licence.region.code == "310101"
    assert licence.routing["source"] == "migrated"
    assert WorkItem.objects.get(rule_id="out_of_scope_dept").status == "open"
    score = AnalyticsScore.objects.get()
    assert (score.score, score.grade, score.institution.uscc) == (61.0, "D", registry["a1"])
