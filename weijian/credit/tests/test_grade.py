"""The credit grade: explained, with history; the loader refuses bad bands; a grade change moves the next draw."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from weijian.core.models import AuditEvent, Department, Role
from weijian.credit import grading
from weijian.credit.facts import credit_record_ingest
from weijian.credit.models import CreditGrade
from weijian.credit.services import credit_grade_recompute, point_event_record
from weijian.credit.tests.conftest import move, penalty
from weijian.registry.models import Institution

pytestmark = pytest.mark.django_db
D = dt.date


def fourteen_points(clinic: Institution, clock: Any | None = None) -> None:
    for item, day in (("L07", D(2026, 3, 2)), ("L08", D(2026, 3, 9)), ("L03", D(2026, 4, 1))):
        if clock is not None:
            move(clock, day)
        point_event_record(actor="test", institution=clinic, item_code=item, occurred_on=day)


def test_grade_moves_b_to_c_with_reasons_and_history(penalised: Institution, clock: Any) -> None:
    move(clock, D(2026, 2, 10))
    assert credit_grade_recompute(actor="test", on=D(2026, 2, 10)) == {"graded": 1, "changed": 1}
    fourteen_points(penalised, clock)  # each record regrades the clinic on its day, in the same transaction
    move(clock, D(2026, 5, 1))
    assert credit_grade_recompute(actor="test", on=D(2026, 5, 1))["changed"] == 0, "a row per change only"
    history = list(CreditGrade.objects.filter(institution=penalised).order_by("computed_on"))
    assert [(g.grade, g.score, g.computed_on) for g in history] == [
        ("B", 10.0, D(2026, 2, 10)), ("B", 22.0, D(2026, 3, 2)), ("C", 34.0, D(2026, 3, 9)), ("C", 38.0, D(2026, 4, 1))]
    reasons = history[-1].reasons
    assert [r["kind"] for r in reasons] == ["record", "points"] and reasons[1]["points"] == 28.0
    assert reasons[0]["record"] is not None and "14" in reasons[1]["label"]
    events = AuditEvent.objects.filter(action="credit.points.record").order_by("pk")
    assert [e.data["grade"]["grade"] for e in events] == ["B", "C", "C"], "one audit event per point, with its grade"
    assert AuditEvent.objects.filter(action="credit.grade.recompute").count() == 2, "only the two full recomputes"


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([{"grade": "A", "min": 0, "max": 10}, {"grade": "B", "min": 8, "max": 30}, {"grade": "C", "min": 30, "max": 60},
          {"grade": "D", "min": 60}], "B 档与上一档重叠"),
        ([{"grade": "A", "min": 0, "max": 10}, {"grade": "B", "min": 10, "max": 30}, {"grade": "C", "min": 35, "max": 60},
          {"grade": "D", "min": 60}], "C 档之前有空档"),
    ],
)  # fmt: skip
def test_bands_with_an_overlap_or_a_gap_are_refused_naming_the_band(bands: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(grading.GradeRulesError, match=message):
        grading.check_bands(bands)


def test_an_office_file_with_a_gap_is_refused(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from weijian.rules import loader

    text = (loader.BUNDLED_DIR / "credit_grade.yaml").read_text(encoding="utf-8").replace("min: 30, max: 60", "min: 31, max: 60")
    (tmp_path / "credit_grade.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))
    with pytest.raises(grading.GradeRulesError, match="C 档之前有空档"):
        grading.grade_for([], 0, D(2026, 3, 1))


def test_a_credit_grade_change_raises_the_next_draws_ratio(penalised: Institution, make_user: Any, clock: Any) -> None:
    from weijian.alerts.models import AnalyticsRun
    from weijian.inspections.models import Plan
    from weijian.inspections.planning.selectors import plan_population
    from weijian.risk.models import AnalyticsScore

    run = AnalyticsRun.objects.create(fingerprint="f" * 64, source="test", period_start=D(2025, 1, 1),
                                      period_end=D(2025, 12, 31))  # fmt: skip
    AnalyticsScore.objects.create(institution=penalised, run=run, period_end=D(2025, 12, 31), score=25.0, grade="B")
    manager = make_user("manager", role=Role.DISTRICT_MANAGER)
    plan = Plan.objects.create(
        name="2026年医疗机构依法执业随机抽查", year=2026, period_start=D(2026, 6, 1), period_end=D(2026, 12, 31),
        region=penalised.district, lead_department=Department.objects.get(code="health"), item_codes=["CC00227"],
        ratios={"A": "5", "B": "20", "C": "50", "D": "100"},
    )  # fmt: skip

    def ratio() -> str:
        member = plan_population(manager, plan).by_id()[penalised.pk]
        return str(plan.ratios[member.stratum])

    move(clock, D(2026, 2, 10))
    credit_grade_recompute(actor="test", on=D(2026, 2, 10))  # B: 25 + 0.3 × 30 = 34 → platform B
    assert ratio() == "20"
    fourteen_points(penalised, clock)  # the points regrade the clinic as they are recorded: C
    move(clock, D(2026, 5, 1))
    assert ratio() == "50"  # C: 25 + 0.3 × 60 = 43 → platform C


def test_a_corrected_record_counts_no_more(penalised: Institution) -> None:
    credit_record_ingest(actor="test", facts=[penalty(penalised, "fix-1", severity="minor", corrects_kind="case",
                                                      corrects_key="case-1")])  # fmt: skip
    credit_grade_recompute(actor="test", on=D(2026, 3, 1))
    assert CreditGrade.objects.get().score == 3.0
