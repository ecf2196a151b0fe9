"""The case's legal time limits at their boundaries (行政处罚法 arts. 54–72, 85), and the step → deadline table."""

from __future__ import annotations

import datetime as dt

import pytest

from weijian.cases import deadlines_table
from weijian.core import deadlines
from weijian.core.deadlines import DeadlineState as S
from weijian.core.tests.test_deadlines import assert_code_boundaries, assert_day_boundary, at

D = dt.date

CASE_CODES = [
    ("case.register", "working_days", 7),
    ("case.statement", "working_days", 3),
    ("case.hearing_request", "working_days", 5),  # art. 64(1) + art. 85
    ("case.decide", "calendar_days", 90),  # art. 60
    ("case.decide_extension", "calendar_days", 30),
    ("case.serve_decision", "working_days", 7),  # art. 61 + art. 85
    ("case.pay", "calendar_days", 15),  # art. 67
    ("case.evidence_preservation", "working_days", 7),  # art. 56 + art. 85
    ("case.cash_handover", "working_days", 2),  # art. 71 + art. 85
]


@pytest.mark.parametrize(("code", "unit", "amount"), CASE_CODES, ids=[c for c, _, _ in CASE_CODES])
def test_case_code_at_its_boundary(code: str, unit: str, amount: int) -> None:
    assert_code_boundaries(code, unit, amount)


def test_hearing_notice_is_due_seven_working_days_before_the_hearing() -> None:
    # Hearing Tuesday 03-03: back over 03-02, 02-28 (调休 Saturday), 02-27 … 02-24, the holiday, to 02-14 (调休 Saturday).
    found = deadlines.deadline_before("case.hearing_notice", D(2026, 3, 3))
    assert (found.unit, found.amount) == ("working_days", 7)
    assert_day_boundary(found, D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 24))
    assert found.state(at(D(2026, 2, 12))) == S.DUE_SOON  # warn 2 working days: 02-12 and 02-13
    assert found.state(at(D(2026, 2, 11), 23, 59)) == S.OK
    # Hearing Wednesday 02-25: 02-24, 02-14, 02-13, 02-12, 02-11, 02-10, 02-09.
    assert deadlines.deadline_before("case.hearing_notice", D(2026, 2, 25)).due_date() == D(2026, 2, 9)


def test_rules_as_of_the_start_day() -> None:
    # The 2025 procedure rule (国家卫生健康委令第13号) is in force from 2025-06-01; its own figure is unverified.
    assert "第13号" in deadlines.deadline("case.decide", D(2025, 6, 1)).basis
    assert "第13号" not in deadlines.deadline("case.decide", D(2025, 5, 31)).basis
    assert deadlines.deadline("case.decide", D(2025, 5, 31)).due_date() == D(2025, 8, 29)


def test_an_approved_extension_sets_its_own_amount() -> None:
    found = deadlines.deadline("case.decide_extension", D(2026, 3, 2), amount=60)  # 05-01 holiday → 05-06
    assert (found.amount, found.due_date()) == (60, D(2026, 5, 6))


def test_every_step_starts_a_known_deadline() -> None:
    # credit.* limits run from the credit app's own steps (points notice, objection), not from a case step
    assert set(deadlines_table.STARTED_BY.values()) == {c for c in deadlines.CODES if not c.startswith("credit.")}
    hearing = deadlines_table.deadline_for("hearing_scheduled", D(2026, 3, 3))
    assert hearing.due_date() == D(2026, 2, 14)
    assert deadlines_table.deadline_for("decision_served", D(2026, 2, 1)).due_date() == D(2026, 2, 24)
    with pytest.raises(KeyError):
        deadlines_table.deadline_for("case_closed", D(2026, 3, 3))
