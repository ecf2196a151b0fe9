"""The monthly indicators of visits and charges: each month's days inside the period, per institution."""

from __future__ import annotations

import datetime as dt

from weijian.analytics.tests.builder import H1, H2, Dataset

D = dt.date


def _values(res, indicator: str) -> dict[tuple[str, str], float]:
    return {(r["institution_id"], r["period"]): r["value"] for r in res.indicators.to_pylist()
            if r["indicator_id"] == indicator}


def test_visits_and_charges_per_visit_count_each_month_inside_the_period(ds: Dataset, run_ds) -> None:
    before = ds.visit(D(2025, 2, 5))
    ds.charge(before, D(2025, 2, 5), unit_price=999)  # before the period's first day: neither counted
    b = ds.visit(D(2025, 2, 12))
    ds.charge(b, D(2025, 2, 12), quantity=2, unit_price=50)
    ds.charge(b, D(2025, 2, 20), unit_price=50)
    c = ds.visit(D(2025, 2, 25))
    ds.charge(c, D(2025, 3, 1), unit_price=30)  # a line counts in the month of its own date
    d = ds.visit(D(2025, 3, 3))
    ds.charge(d, D(2025, 3, 3), unit_price=20)
    ds.charge(d, D(2025, 4, 1), unit_price=77)  # after the period's last day
    ds.visit(D(2025, 3, 10), inst=H2)  # a visit without lines: charges per visit 0
    res = run_ds(ds, ["institution_licence"], start=D(2025, 2, 10), end=D(2025, 3, 31))
    assert _values(res, "visits") == {(H1, "2025-02"): 2, (H1, "2025-03"): 1, (H2, "2025-03"): 1}
    assert _values(res, "charges_per_visit") == {(H1, "2025-02"): 75.0, (H1, "2025-03"): 50.0,
                                                 (H2, "2025-03"): 0.0}
