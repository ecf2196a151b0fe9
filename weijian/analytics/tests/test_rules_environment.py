"""Boundary cases of the medical-waste and wastewater rules."""

from __future__ import annotations

import datetime as dt

from weijian.analytics.tests.builder import C1, H1, H2, Dataset
from weijian.analytics.tests.conftest import fired

D = dt.date


def bag(ds: Dataset, bid: str, sealed: str, collected: str | None, manifest: str | None = None,
        kg: float = 1.0) -> str:
    ds.add("waste_bags", bag_id=bid, institution_id=H1, category="infectious", weight_kg=kg, sealed_at=sealed,
           collected_at=collected, manifest_id=manifest)
    return bid


def test_waste_overdue_storage(ds: Dataset, run_ds) -> None:
    bag(ds, "exact48", "2025-03-01T08:00:00", "2025-03-03T08:00:00")
    bag(ds, "48h1s", "2025-03-01T08:00:00", "2025-03-03T08:00:01")
    # +08:00 offset equals local; 00:00:00Z is 08:00 local → exactly 48 h: compliant
    bag(ds, "offset_ok", "2025-03-01T08:00:00+08:00", "2025-03-03T00:00:00Z")
    bag(ds, "offset_late", "2025-03-01T08:00:00", "2025-03-03T00:00:01Z")
    # uncollected: period ends 2025-03-31 24:00; sealed 03-29 24:00 → exactly 48 h: no; a second earlier: yes
    bag(ds, "open_ok", "2025-03-30T00:00:00", None)
    bag(ds, "open_late", "2025-03-29T23:59:59", None)
    bag(ds, "before_period", "2025-02-27T08:00:00", None)  # sealed outside the period
    bag(ds, "midnight_last", "2025-03-31T23:59:59", None)
    res = run_ds(ds, ["waste_overdue_storage"])
    assert fired(res, "waste_overdue_storage") == {"48h1s", "offset_late", "open_late"}
    notes = " ".join(res.report["tables"]["waste_bags"]["notes"])
    assert "mixed" in notes


def manifest(ds: Dataset, mid: str, handed: str, declared: float, received_at: str | None,
             received: float | None) -> str:
    ds.add("waste_manifests", manifest_id=mid, institution_id=H1, carrier_id="CAR", handed_over_at=handed,
           declared_weight_kg=declared, received_at=received_at, received_weight_kg=received)
    return mid


def test_waste_weight_gap_without_bags(ds: Dataset, run_ds) -> None:
    manifest(ds, "m95", "2025-03-02T10:00:00", 100.0, "2025-03-02T12:00:00", 95.0)  # exactly 0.95: ok
    manifest(ds, "m9499", "2025-03-02T10:00:00", 100.0, "2025-03-02T12:00:00", 94.99)
    manifest(ds, "m_small", "2025-03-02T10:00:00", 12.35, "2025-03-02T12:00:00", 11.7325)  # exactly 95 %
    manifest(ds, "m_nullw", "2025-03-02T10:00:00", 10.0, "2025-03-02T12:00:00", None)
    manifest(ds, "m_open_ok", "2025-03-30T00:00:00", 10.0, None, None)  # 48 h before 24:00 of 3/31
    manifest(ds, "m_open_late", "2025-03-29T23:59:59", 10.0, None, None)
    manifest(ds, "m_outside", "2025-04-01T00:00:00", 10.0, None, None)
    res = run_ds(ds, ["waste_weight_gap"])
    assert fired(res, "waste_weight_gap") == {"m9499", "m_open_late"}


def test_waste_weight_gap_with_bags(ds: Dataset, run_ds) -> None:
    manifest(ds, "exact5", "2025-03-02T10:00:00", 105.0, "2025-03-02T12:00:00", 105.0)
    bag(ds, "b1", "2025-03-01T08:00:00", "2025-03-02T10:00:00", "exact5", 60.0)
    bag(ds, "b2", "2025-03-01T08:00:00", "2025-03-02T10:00:00", "exact5", 40.0)
    manifest(ds, "over5", "2025-03-02T10:00:00", 105.01, "2025-03-02T12:00:00", 105.01)
    bag(ds, "b3", "2025-03-01T08:00:00", "2025-03-02T10:00:00", "over5", 100.0)
    manifest(ds, "under5", "2025-03-02T10:00:00", 94.99, "2025-03-02T12:00:00", 94.99)
    bag(ds, "b4", "2025-03-01T08:00:00", "2025-03-02T10:00:00", "under5", 100.0)
    manifest(ds, "nobags", "2025-03-02T10:00:00", 5.0, "2025-03-02T12:00:00", 5.0)  # S = 0
    manifest(ds, "nobags_zero", "2025-03-02T10:00:00", 0.0, "2025-03-02T12:00:00", 0.0)
    res = run_ds(ds, ["waste_weight_gap"])
    assert fired(res, "waste_weight_gap") == {"over5", "under5", "nobags"}


def reading(ds: Dataset, sensor: str, ts: str, cl: float | None, inst: str = H1) -> None:
    ds.add("wastewater_readings", institution_id=inst, sensor_id=sensor, ts=ts, residual_chlorine_mg_l=cl, ph=7.0)


def test_wastewater_chlorine_bounds(ds: Dataset, run_ds) -> None:
    # H1 infectious 6.5–10, H2 general_sewer 2–8, C1 no class (never judged)
    for sensor, values, inst in [("lo_ok", [6.5], H1), ("hi_ok", [10.0], H1), ("lo_bad", [6.4, 6.5], H1),
                                 ("hi_bad", [10.01], H1), ("mean_ok", [6.0, 7.0], H1), ("null_ok", [None, 7.0], H1),
                                 ("sewer_ok", [8.0], H2), ("sewer_bad", [8.1], H2), ("noclass", [0.0], C1)]:
        for i, v in enumerate(values):
            reading(ds, sensor, f"2025-03-05T{10 + i:02d}:00:00", v, inst)
    reading(ds, "outside", "2025-04-01T10:00:00", 0.0)
    reading(ds, "midnight", "2025-03-05T23:59:59", 0.0)
    reading(ds, "midnight", "2025-03-06T00:00:00", 7.0)
    res = run_ds(ds, ["wastewater_chlorine"])
    assert fired(res, "wastewater_chlorine") == {"lo_bad|2025-03-05", "hi_bad|2025-03-05", "sewer_bad|2025-03-05",
                                                  "midnight|2025-03-05"}


def test_wastewater_flatline(ds: Dataset, run_ds) -> None:
    # 12 equal readings spanning exactly 6 h (every 32 m 43.6 s ≈ use 30-min steps + last at 6 h)
    def series(sensor: str, day: str, times: list[str], value: float = 7.0) -> None:
        for t in times:
            reading(ds, sensor, f"{day}T{t}", value)

    twelve_6h = [f"{h:02d}:{m:02d}:00" for h, m in [(0, 0), (0, 30), (1, 0), (1, 30), (2, 0), (2, 30), (3, 0),
                                                     (3, 30), (4, 0), (4, 30), (5, 0), (6, 0)]]
    twelve_559 = [*twelve_6h[:-1], "05:59:00"]
    series("six", "2025-03-10", twelve_6h)
    series("fivefiftynine", "2025-03-10", twelve_559)
    series("eleven", "2025-03-10", twelve_6h[1:])
    # a different value in the middle breaks the run; a null reading does not
    series("broken", "2025-03-10", twelve_6h[:6])
    reading(ds, "broken", "2025-03-10T02:45:00", 7.1)
    series("broken", "2025-03-10", twelve_6h[6:])
    series("withnull", "2025-03-10", twelve_6h)
    reading(ds, "withnull", "2025-03-10T02:45:00", None)
    # stopped: reading on 3/20, none on 3/21 (nulls only) → 3/21 fires; 3/22 has no reading after none: no
    reading(ds, "stop", "2025-03-20T10:00:00", 7.0)
    reading(ds, "stop", "2025-03-21T10:00:00", None)
    # day before the period had a reading: 3/1 (first day) fires
    reading(ds, "edge", "2025-02-28T23:00:00", 7.0)
    # the last day of the period: its next day is outside → nothing
    reading(ds, "last", "2025-03-31T10:00:00", 7.0)
    res = run_ds(ds, ["wastewater_flatline"])
    got = fired(res, "wastewater_flatline")
    expected = {"six|2025-03-10", "withnull|2025-03-10", "stop|2025-03-21", "edge|2025-03-01"}
    # every sensor with readings on 3/10 only also stops on 3/11
    expected |= {f"{s}|2025-03-11" for s in ("six", "fivefiftynine", "eleven", "broken", "withnull")}
    assert got == expected
