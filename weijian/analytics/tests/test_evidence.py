"""An alert about one input row names that row (file and row/line) and its amount."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from weijian.analytics.runner import RunOptions, run
from weijian.analytics.tests.builder import C1, H1, Dataset

D = dt.date


def evidence(res: Any, rule: str) -> dict[str, dict[str, Any]]:
    return {r["subject_id"]: json.loads(r["evidence"]) for r in res.alerts.to_pylist() if r["rule_id"] == rule}


@pytest.mark.parametrize("text_prices", [False, True])
def test_visit_charge_bag_and_manifest_alerts_name_their_source_row(ds: Dataset, tmp_path: Path,
                                                                    text_prices: bool) -> None:
    """TEXT_PRICES: the charge files hold their prices as text, so each is validated into a copy of its own
    (not read in place): the alert still names the input file and row."""
    ds.rows["institutions"][2].update(status="suspended", status_since=D(2025, 3, 1))
    ok = ds.visit(D(2025, 3, 2))
    bad = ds.visit(D(2025, 3, 3), inst=C1, patient="P9")  # suspended clinic: fires
    ds.charge(ok, D(2025, 3, 2), kind="service", item_code="S1", unit_price=20.0)
    ds.charge(bad, D(2025, 3, 3), kind="service", item_code="S1", unit_price=12.5, inst=C1, patient="P9")
    ds.charge(bad, D(2025, 3, 3), kind="service", item_code="S1", unit_price=12.5, inst=C1, patient="P9")
    ds.charge(bad, D(2025, 4, 9), kind="drug", item_code="D1", unit_price=0.25, inst=C1, patient="P9")  # any date
    ds.add("waste_bags", bag_id="B1", institution_id=H1, category="sharps", weight_kg=1.0,
           sealed_at="2025-03-01T08:00:00", collected_at=None, manifest_id="M1")
    ds.add("waste_manifests", manifest_id="M1", institution_id=H1, carrier_id="X",
           handed_over_at="2025-03-02T09:00:00", declared_weight_kg=10.0, received_at="2025-03-02T12:00:00",
           received_weight_kg=9.0)
    folder = ds.write(tmp_path / "ds", csv_tables=("visits",))
    charges = pq.read_table(folder / "charges.parquet")
    if text_prices:
        i = charges.column_names.index("unit_price")
        charges = charges.set_column(i, "unit_price", pc.cast(charges.column(i), pa.string()))
    (folder / "charges.parquet").unlink()
    (folder / "charges").mkdir()
    pq.write_table(charges.slice(0, 1), folder / "charges" / "part-0.parquet")
    pq.write_table(charges.slice(1), folder / "charges" / "part-1.parquet")
    res = run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out", cache=False,
                         rules=["institution_licence", "duplicate_charge", "waste_overdue_storage",
                                "waste_weight_gap"]))
    visit = evidence(res, "institution_licence")[bad]
    assert (visit["source_file"], visit["source_row"]) == ("visits.csv", 3)  # CSV line 3: header, ok, bad
    assert visit["amount"] == 25.25  # every charge line of the visit, whatever its date
    charge = next(iter(evidence(res, "duplicate_charge").values()))
    assert (charge["source_file"], charge["source_row"]) == ("charges/part-1.parquet", 1)  # row 1 of that file
    assert charge["amount"] == 12.5
    bag = evidence(res, "waste_overdue_storage")["B1"]
    assert (bag["source_file"], bag["source_row"]) == ("waste_bags.parquet", 0)
    man = evidence(res, "waste_weight_gap")["M1"]
    assert (man["source_file"], man["source_row"]) == ("waste_manifests.parquet", 0)
