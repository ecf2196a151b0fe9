"""加处罚款 (行政处罚法 art. 72): 3 % of the fine a day from the day after the deadline, never more than the fine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from weijian.cases import surcharge

D = dt.date
DUE = D(2026, 2, 24)  # e.g. a 15-day limit from 02-01 that ended after the Spring Festival


@pytest.mark.parametrize(
    ("fine", "paid_on", "expected"),
    [
        ("5000", D(2026, 2, 23), "0.00"),  # early
        ("5000", DUE, "0.00"),  # on the last day
        ("5000", D(2026, 2, 25), "150.00"),  # the day after: one day, 3 %
        ("5000", D(2026, 3, 3), "1050.00"),  # 7 days (calendar days: 02-28, 03-01 count)
        ("5000", D(2026, 3, 28), "4800.00"),  # 32 days: 96 %
    ],
)
def test_surcharge_per_day(fine: str, paid_on: dt.date, expected: str) -> None:
    assert surcharge.late_surcharge(Decimal(fine), DUE, paid_on) == Decimal(expected)


def test_surcharge_is_capped_at_the_fine() -> None:
    fine = Decimal("5000")
    assert surcharge.late_surcharge(fine, DUE, DUE + dt.timedelta(days=33)) == Decimal("4950.00")  # 99 %
    assert surcharge.late_surcharge(fine, DUE, DUE + dt.timedelta(days=34)) == Decimal("5000.00")  # 102 % → cap
    assert surcharge.late_surcharge(fine, DUE, DUE + dt.timedelta(days=400)) == Decimal("5000.00")


def test_surcharge_rounds_to_the_fen() -> None:
    # 3 % of 333.33 = 9.9999 → 10.00; two days 19.9998 → 20.00; 0.15 × 3 % = 0.0045 → 0.00
    assert surcharge.late_surcharge(Decimal("333.33"), DUE, DUE + dt.timedelta(days=1)) == Decimal("10.00")
    assert surcharge.late_surcharge(Decimal("333.33"), DUE, DUE + dt.timedelta(days=2)) == Decimal("20.00")
    assert surcharge.late_surcharge(Decimal("0.15"), DUE, DUE + dt.timedelta(days=1)) == Decimal("0.00")
    assert surcharge.late_surcharge(Decimal("0.50"), DUE, DUE + dt.timedelta(days=1)) == Decimal("0.02")  # 0.015 ↑


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("NaN"), 100.0])
def test_bad_fine_is_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(ValueError, match="罚款金额"):
        surcharge.late_surcharge(bad, DUE, DUE + dt.timedelta(days=1))  # type: ignore[arg-type]


def test_case_rules_file_has_exactly_the_declared_keys() -> None:
    surcharge.check()
    assert surcharge.case_rule("min_handlers", D(2026, 3, 1)) == 2
