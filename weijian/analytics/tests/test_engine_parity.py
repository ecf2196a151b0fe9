"""DuckDB and Spark give the same rows for every rule (one Spark session, one small dataset)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from weijian.analytics.rules import base
from weijian.analytics.runner import RunOptions, run
from weijian.analytics.tests.builder import C1, DOC, DOC2, H1, H2, NURSE, Dataset

D = dt.date


def mixed_dataset() -> Dataset:
    ds = Dataset()
    ds.rows["institutions"][2].update(status="suspended", status_since=D(2025, 3, 20))
    ds.rows["practitioners"][1].update(status="suspended", status_since=D(2025, 3, 10))
    ds.add("deaths", patient_id="PX", death_date=D(2025, 3, 10))
    for i, (inst, dept, doc) in enumerate([(H1, "03.01", DOC), (H2, "14", DOC2), (C1, "30", NURSE),
                                           (H1, "20", DOC2), (H2, "07", "999999999999999")]):
        v = ds.visit(D(2025, 3, 2 + 5 * i), inst=inst, dept=dept, doc=doc, patient=f"O{i}")
        ds.charge(v, D(2025, 3, 2 + 5 * i), kind="exam", item_code="CT", patient="Q", inst=inst)
        ds.rx(v, D(2025, 3, 2 + 5 * i), quantity=2, doc=doc or DOC, inst=inst)
    a = ds.visit(D(2025, 2, 1), D(2025, 2, 14), kind="inpatient", patient="PX")
    b = ds.visit(D(2025, 3, 1), D(2025, 3, 12), kind="inpatient", patient="PX")
    ds.rx(b, D(2025, 3, 2), quantity=30)
    ds.rx(b, D(2025, 3, 3), atc="J01CA04", route="O", strength=0.5, quantity=12)
    for d in (2, 3, 9, 11):
        ds.charge(b, D(2025, 3, d), kind="drug", item_code="DR", patient="PX")
        ds.charge(b, D(2025, 3, d), kind="drug", item_code="DR", patient="PX")
    del a
    for i in range(13):
        ds.add("wastewater_readings", institution_id=H1, sensor_id="S1", ts=f"2025-03-05T{i:02d}:00:00",
               residual_chlorine_mg_l=7.0, ph=7.0)
        ds.add("wastewater_readings", institution_id=H2, sensor_id="S2", ts=f"2025-03-05T{i:02d}:30:00+08:00",
               residual_chlorine_mg_l=1.0 + i / 10, ph=7.0)
    ds.add("waste_bags", bag_id="B1", institution_id=H1, category="sharps", weight_kg=9.5,
           sealed_at="2025-03-01T08:00:00", collected_at="2025-03-03T08:00:01", manifest_id="M1")
    ds.add("waste_manifests", manifest_id="M1", institution_id=H1, carrier_id="X",
           handed_over_at="2025-03-03T09:00:00Z", declared_weight_kg=10.0, received_at="2025-03-03T12:00:00",
           received_weight_kg=9.5)
    ds.add("waste_manifests", manifest_id="M2", institution_id=H1, carrier_id="X",
           handed_over_at="2025-03-29T23:59:59", declared_weight_kg=10.0, received_at=None,
           received_weight_kg=None)
    return ds


def _rows(t: Any) -> list[dict[str, Any]]:
    return t.to_pylist()


@pytest.mark.spark
def test_duckdb_and_spark_agree(tmp_path: Path, spark_session: Any) -> None:
    folder = mixed_dataset().write(tmp_path / "ds")
    opts = {"dataset": folder, "start": D(2025, 3, 1), "end": D(2025, 3, 31)}
    duck = run(RunOptions(out=tmp_path / "duck", **opts))
    spark = run(RunOptions(out=tmp_path / "spark", engine="spark", spark_session=spark_session, **opts))
    assert not duck.report["rules_failed"] and not spark.report["rules_failed"]
    assert len({r["rule_id"] for r in _rows(duck.alerts)}) >= 10
    assert _rows(spark.alerts) == _rows(duck.alerts)
    assert _rows(spark.indicators) == _rows(duck.indicators)
    assert _rows(spark.risk) == _rows(duck.risk)


@pytest.mark.spark
def test_a_rule_over_several_months_agrees_on_spark(tmp_path: Path, spark_session: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules that judge each month on its own and unite them, and one over stays across months: the same rows."""
    monkeypatch.setattr(base, "PART_ROWS", 1)  # one month a part, as at a city's scale
    folder = mixed_dataset().write(tmp_path / "ds")
    opts = {"dataset": folder, "start": D(2025, 2, 1), "end": D(2025, 3, 31),
            "rules": ["duplicate_charge", "repeat_exam", "idle_inpatient_days"]}
    duck = run(RunOptions(out=tmp_path / "duck", **opts))
    spark = run(RunOptions(out=tmp_path / "spark", engine="spark", spark_session=spark_session, **opts))
    assert duck.alerts.num_rows > 0 and _rows(spark.alerts) == _rows(duck.alerts)
