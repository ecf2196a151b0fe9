"""Golden decision table of publication dates (crt-portal style): ``golden/publication/publication_windows.csv`` gives, for a
decision date, severity, issuing department and penalty kinds, the publish-due day, the minimum and maximum periods,
whether early removal (信用修复) is allowed, whether it is published at all, and — where a row names the day the
decision was overturned — the withdrawal deadline. Boundary rows: the 2026-04-01 rule change, the 2023 rule's first
days, SAMR 令45 records of 市场监管 / 药监, a month end, and 调休 working days inside the 3 working days.

Each row is checked twice: by the pure window functions, and through the disclosure service on the database (the
dates as stored), so the table holds on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from weijian.core.models import Department, Region
from weijian.portal import disclosure, windows
from weijian.portal.models import DisclosureStatus
from weijian.portal.tests.conftest import penalty_fields

GOLDEN = Path(__file__).resolve().parent / "golden" / "publication" / "publication_windows.csv"
ROWS = list(csv.DictReader(GOLDEN.open(encoding="utf-8")))
TZ = dt.timezone(dt.timedelta(hours=8))


def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _kinds(row: dict[str, str]) -> list[str]:
    return row["kinds"].split(";")


@pytest.mark.parametrize("row", ROWS, ids=[r["case"] for r in ROWS])
def test_golden_row_by_the_rules(row: dict[str, str]) -> None:
    day, kinds, issuer = _day(row["decided_on"]), _kinds(row), row["issuer"]
    assert day is not None
    found = windows.period(row["severity"], day, issuer=issuer, kinds=kinds)
    assert windows.publish_due(day, issuer) == _day(row["publish_due"])
    assert (found.min_until, found.max_until) == (_day(row["min_until"]), _day(row["max_until"]))
    assert windows.early_removal_possible(row["severity"], kinds, day, issuer) == (row["early_removal"] == "true")
    assert windows.is_published(row["severity"], kinds, day, issuer) == (row["published"] == "true")
    if row["overturned_on"]:
        assert windows.withdraw_due(_day(row["overturned_on"])) == _day(row["withdraw_due"])


@pytest.mark.django_db
def test_golden_table_through_the_disclosure_service(crew: dict[str, Any], time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 10, 12, 10, 0, tzinfo=TZ), tick=False)
    sources = list(Region.objects.order_by("pk")[: len(ROWS)])
    assert len(sources) == len(ROWS)
    for number, (row, source) in enumerate(zip(ROWS, sources, strict=True)):
        kinds = _kinds(row)
        fields = penalty_fields(crew["a1"], penalty_kinds=kinds, decision_number=f"金表〔2026〕{number}号",
                                fine_amount="0.5" if "fine" in kinds else None,
                                licence="许可证 PDY1" if "revoke_licence" in kinds else None)  # fmt: skip
        made = disclosure.disclosure_publish(
            actor=crew["city"], kind="penalty", source=source, fields=fields, decided_on=_day(row["decided_on"]),
            severity=row["severity"], department=Department.objects.get(code=row["issuer"]), region=crew["a1"].district,
        )  # fmt: skip
        shown = (made.publish_due, made.min_until, made.max_until, made.early_removal,
                 made.status != DisclosureStatus.EXEMPT)  # fmt: skip
        expected = (_day(row["publish_due"]), _day(row["min_until"]), _day(row["max_until"]),
                    row["early_removal"] == "true", row["published"] == "true")  # fmt: skip
        assert shown == expected, row["case"]
        if row["overturned_on"]:
            gone = disclosure.disclosure_withdraw(actor=crew["city"], disclosure=made, reason="行政复议决定撤销",
                                                  overturned_on=_day(row["overturned_on"]))  # fmt: skip
            assert gone.withdraw_due == _day(row["withdraw_due"]), row["case"]
            assert gone.withdrawn_late == (dt.date(2026, 10, 12) > gone.withdraw_due), row["case"]
