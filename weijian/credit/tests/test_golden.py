"""The golden decision tables: each row of ``golden/<rule set>.csv`` → points, measures, grade, notice due day."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from weijian.core import deadlines
from weijian.credit import grading
from weijian.credit.points import rulesets, scoring

GOLDEN = Path(__file__).resolve().parent / "golden"


def _rows() -> list[object]:
    params = []
    for path in sorted(GOLDEN.glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            for number, row in enumerate(csv.DictReader(fh), start=2):
                params.append(pytest.param(path.stem, row, id=f"{path.stem}:{number}:{row['case']}"))
    return params


def _dates(text: str) -> list[dt.date]:
    return [dt.date.fromisoformat(p) for p in text.split(";") if p]


def test_every_rule_set_has_a_table() -> None:
    assert {p.stem for p in GOLDEN.glob("*.csv")} == set(rulesets.rule_sets())


@pytest.mark.parametrize(("code", "row"), _rows())
def test_golden_row(code: str, row: dict[str, str]) -> None:
    on = dt.date.fromisoformat(row["on"])
    events = []
    for part in filter(None, row["events"].split(";")):
        day, item, count = part.split(":")
        occurred = dt.date.fromisoformat(day)
        found = rulesets.rule_set(code, occurred).item(item)
        events.append(scoring.Scored(occurred, found.points * (1 if found.unit == "per_event" else int(count))))
    standing = scoring.standing(rulesets.rule_set(code, on), events, on, beds=int(row["beds"]),
                                passes=_dates(row["passes"]),
                                licence_from=dt.date.fromisoformat(row["licence_from"]) if row["licence_from"] else None,
                                jiaoyan=rulesets.jiaoyan_period(on))  # fmt: skip
    records = []
    for part in filter(None, row["records"].split(";")):
        category, severity, day = part.split(":")
        records.append(grading.GradeInput(None, category, severity, dt.date.fromisoformat(day)))
    grade = grading.grade_for(records, standing.period_points, on)
    due = deadlines.due_date("credit.points_notice", dt.date.fromisoformat(row["confirmed_on"]))
    expected = (int(row["period_points"]), int(row["year_points"]), [m for m in row["measures"].split(";") if m],
                row["grade"], dt.date.fromisoformat(row["notice_due"]))  # fmt: skip
    assert (standing.period_points, standing.year_points, standing.measures, grade.grade, due) == expected
