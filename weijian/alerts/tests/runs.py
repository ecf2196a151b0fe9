"""Hand-written analytics output folders (alerts, indicators, risk, report) for the platform's tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from weijian.analytics.output import ALERT_SCHEMA, INDICATOR_SCHEMA, RISK_SCHEMA

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
UNKNOWN = "91310101MA00000000"  # in 黄浦区 by its code, unknown to the registry
DOCTOR = "110310101000001"


def alert_rows(codes: dict[str, str]) -> list[tuple[Any, ...]]:
    """(rule, subject type, subject, institution, value, threshold, severity, evidence)."""
    a1, b1 = codes["a1"], codes["b1"]
    return [
        ("institution_licence", "visit", "V1", a1, None, None, "high",
         {"visit_id": "V1", "start_date": "2025-03-02", "licence_valid_from": "2020-01-01",
          "licence_valid_to": "2024-12-31", "status": "active", "status_since": "2020-01-01",
          "institution_known": True, "source_file": "visits.csv", "source_row": 12}),
        ("institution_licence", "visit", "V3", a1, None, None, "high",
         {"visit_id": "V3", "start_date": "2025-05-20", "licence_valid_from": "2020-01-01",
          "licence_valid_to": "2024-12-31", "status": "active", "status_since": "2020-01-01",
          "institution_known": True, "amount": 120.5}),
        ("duplicate_charge", "charge", "C9", b1, 30.0, None, "medium",
         {"line_id": "C9", "first_line_id": "C8", "visit_id": "V9", "date": "2025-04-01", "item_code": "X1",
          "quantity": 1.0, "unit_price": 30.0, "copies": 2, "amount": 30.0}),
        ("post_death_charge", "charge", "C10", a1, 2.0, 0.0, "high",
         {"line_id": "C10", "visit_id": "V10", "patient_id": "P0000123456", "date": "2025-06-03",
          "death_date": "2025-06-01", "amount": 88.0}),
        ("antimicrobial_intensity", "institution_month", f"{a1}|2025-02", a1, 52.0, 40.0, "medium",
         {"month": "2025-02", "ddds": 520.0, "bed_days": 1000, "counted_lines": 80, "beds": 800}),
        ("prescribing_outlier", "practitioner_drug_month", f"{DOCTOR}|J01CA04|2025-01", a1, 3.1, 2.5, "low",
         {"practitioner_id": DOCTOR, "atc_code": "J01CA04", "month": "2025-01", "dept": "03", "measure": "ddd",
          "total": 180.0, "lines": 20, "peers": 6, "peer_median": 12.0}),
        ("institution_licence", "visit", "V2", UNKNOWN, None, None, "high",
         {"visit_id": "V2", "start_date": "2025-07-01", "institution_known": False}),
        ("waste_weight_gap", "manifest", "M1", a1, 0.8, 0.95, "high",
         {"manifest_id": "M1", "carrier_id": "CR1", "handed_over_at": "2025-08-01T09:00:00",
          "received_at": "2025-08-01T11:00:00", "declared_weight_kg": 10.0, "received_weight_kg": 8.0,
          "bag_weight_kg": 10.0, "bags": 3, "short_received": True, "not_received": False, "bag_mismatch": False,
          "colour_of_bags": "yellow"}),
    ]  # fmt: skip


def report(rules_run: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"period": {"start": START.isoformat(), "end": END.isoformat()}, "engine": {"name": "duckdb"},
            "rules_run": rules_run if rules_run is not None else [], **extra}  # fmt: skip


def write_run(
    folder: Path,
    codes: dict[str, str],
    *,
    rows: list[tuple[Any, ...]] | None = None,
    risk: list[dict[str, Any]] | None = None,
    report_json: dict[str, Any] | None = None,
    start: dt.date = START,
    end: dt.date = END,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(
        [
            {"rule_id": r, "subject_type": t, "subject_id": s, "institution_id": i, "period_start": start,
             "period_end": end, "value": v, "threshold": th, "severity": sev, "evidence": json.dumps(ev)}
            for r, t, s, i, v, th, sev, ev in (rows if rows is not None else alert_rows(codes))
        ],
        schema=ALERT_SCHEMA,
    )  # fmt: skip
    pq.write_table(table, folder / "alerts.parquet")
    indicators = [
        {"indicator_id": "antimicrobial_intensity", "institution_id": codes["a1"], "period": f"2025-{m:02d}",
         "value": 30.0 + m}
        for m in range(1, 13)
    ]  # fmt: skip
    pq.write_table(pa.Table.from_pylist(indicators, schema=INDICATOR_SCHEMA), folder / "indicators.parquet")
    if risk is None:
        risk = [{"institution_id": codes["a1"], "score": 72.5, "grade": "D",
                 "reasons": [{"points": 40.0, "source": "alerts", "rule_id": "institution_licence", "alerts": 2,
                              "per_1000_visits": 4.0},
                             {"points": 12.5, "source": "indicator", "indicator_id": "outpatient_antibiotic_rate",
                              "target": 0.2, "mean_value": 0.25}]}]  # fmt: skip
    rows_risk = [{**r, "reasons": json.dumps(r["reasons"], ensure_ascii=False)} for r in risk]
    pq.write_table(pa.Table.from_pylist(rows_risk, schema=RISK_SCHEMA), folder / "risk.parquet")
    data = report_json if report_json is not None else report()
    (folder / "report.json").write_text(json.dumps(data, ensure_ascii=False))
    return folder
