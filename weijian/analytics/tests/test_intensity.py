"""抗菌药物使用强度: bed-day rule, DDD lookup and override, month clipping, indicators."""

from __future__ import annotations

import datetime as dt

from weijian.analytics.tests.builder import C1, H1, H2, Dataset
from weijian.analytics.tests.conftest import fired

D = dt.date


def ind(res, iid: str, inst: str, period: str) -> float | None:
    for r in res.indicators.to_pylist():
        if (r["indicator_id"], r["institution_id"], r["period"]) == (iid, inst, period):
            return r["value"]
    return None


def test_intensity_boundary_and_bed_days(ds: Dataset, run_ds) -> None:
    # H1: one stay 3/1–3/11 = 10 bed-days; ceftriaxone P DDD 2 g: 8 g = 4 DDD → 40.0: not > 40
    v = ds.visit(D(2025, 3, 1), D(2025, 3, 11), kind="inpatient")
    ds.rx(v, D(2025, 3, 2), atc="J01DD04", route="P", strength=1.0, quantity=8)
    # H2: same-day stay counts 1 bed-day; 0.82 DDD → 82 > 40
    w = ds.visit(D(2025, 3, 5), D(2025, 3, 5), kind="inpatient", inst=H2)
    ds.rx(w, D(2025, 3, 5), atc="J01DD04", route="P", strength=0.41, quantity=4, inst=H2)
    # lines left out: no strength, unknown DDD; outpatient J01 lines never count
    ds.rx(v, D(2025, 3, 3), strength=None, quantity=100)
    ds.rx(v, D(2025, 3, 3), atc="J01ZZ99", quantity=100)
    o = ds.visit(D(2025, 3, 3))
    ds.rx(o, D(2025, 3, 3), quantity=100)
    # C1 has no beds: indicator computed, never an alert
    c = ds.visit(D(2025, 3, 1), D(2025, 3, 2), kind="inpatient", inst=C1)
    ds.rx(c, D(2025, 3, 1), quantity=100, inst=C1)
    res = run_ds(ds, ["antimicrobial_intensity"])
    assert fired(res, "antimicrobial_intensity") == {f"{H2}|2025-03"}
    assert ind(res, "antimicrobial_intensity", H1, "2025-03") == 40.0
    assert ind(res, "inpatient_days", H1, "2025-03") == 10
    assert ind(res, "inpatient_days", H2, "2025-03") == 1
    assert ind(res, "antimicrobial_intensity", C1, "2025-03") == 5000.0
    assert res.report["ddd"]["lines_left_out"] == 2
    assert ind(res, "outpatient_antibiotic_rate", H1, "2025-03") == 1.0


def test_intensity_months_clipped_to_period(ds: Dataset, run_ds) -> None:
    # stay 2/25–3/10 over a period 3/1–4/15: March counts 3/1..3/9 = 9 bed-days
    v = ds.visit(D(2025, 2, 25), D(2025, 3, 10), kind="inpatient")
    ds.rx(v, D(2025, 2, 26), quantity=100)  # before the period: not counted
    ds.rx(v, D(2025, 3, 9), quantity=9)  # 4.5 DDD / 9 bed-days → 50
    # April: a stay 4/10–4/30 counts 4/10..4/15 = 6 bed-days only
    w = ds.visit(D(2025, 4, 10), D(2025, 4, 30), kind="inpatient")
    ds.rx(w, D(2025, 4, 20), quantity=1000)  # after the period end
    res = run_ds(ds, ["antimicrobial_intensity"], start=D(2025, 3, 1), end=D(2025, 4, 15))
    assert ind(res, "inpatient_days", H1, "2025-03") == 9
    assert ind(res, "antimicrobial_intensity", H1, "2025-03") == 50.0
    assert ind(res, "inpatient_days", H1, "2025-04") == 6
    assert ind(res, "antimicrobial_intensity", H1, "2025-04") == 0.0
    assert ind(res, "inpatient_days", H1, "2025-02") is None  # no month outside the period
    assert fired(res, "antimicrobial_intensity") == {f"{H1}|2025-03"}


def test_ddd_override_and_no_bed_days(ds: Dataset, run_ds) -> None:
    v = ds.visit(D(2025, 3, 1), D(2025, 3, 11), kind="inpatient")
    ds.rx(v, D(2025, 3, 2), quantity=8)  # 8 g; bundled DDD 2 → 40; dataset DDD 1 → 80
    ds.add("ddd", atc_code="J01DD04", route="P", ddd_g=1.0)
    # a month with J01 lines but no bed-days is not computed
    res = run_ds(ds, ["antimicrobial_intensity"])
    assert ind(res, "antimicrobial_intensity", H1, "2025-03") == 80.0
    assert ind(res, "antimicrobial_intensity", H2, "2025-03") is None
