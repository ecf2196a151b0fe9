"""A plain DuckDB SQL reading of the deterministic rules, the yardstick of the analytics benchmark.

Written as a newcomer would: straight over the raw Parquet files (no validation, no reject
handling, no provenance, no dated parameters: the contract's figures 15, 7 and 3 days), one
query per rule, each counting the subjects it fires on. The benchmark times it next to the
engine on the same data and checks that every rule's count agrees with the engine's.

Not covered: ``antimicrobial_intensity`` (it needs the engine's dated WHO DDD reference) and the two
statistical rules; the four environment rules read tables of a few thousand rows and are left out
too (they cost nothing either way).

``python -m benchmarks.plain_sql_rules DATASET START END OUT.json [THREADS] [MEMORY_LIMIT]``
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from weijian.analytics.io import locate

RULES: dict[str, str] = {
    "institution_licence": """
        SELECT count(DISTINCT v.visit_id) FROM {visits} v
        LEFT JOIN {institutions} i ON i.institution_id = v.institution_id
        WHERE v.start_date BETWEEN {start} AND {end}
          AND (i.institution_id IS NULL
               OR v.start_date < i.licence_valid_from OR v.start_date > i.licence_valid_to
               OR (i.status IN ('suspended', 'revoked', 'closed') AND i.status_since <= v.start_date))""",
    "out_of_scope_dept": """
        SELECT count(DISTINCT v.visit_id) FROM {visits} v
        WHERE v.start_date BETWEEN {start} AND {end}
          AND NOT EXISTS (SELECT 1 FROM {institution_depts} d
                          WHERE d.institution_id = v.institution_id
                            AND (d.dept_code = v.dept_code OR d.dept_code = substr(v.dept_code, 1, 2))
                            AND d.valid_from <= v.start_date
                            AND (d.valid_to IS NULL OR v.start_date <= d.valid_to))""",
    "unregistered_practice": """
        SELECT count(DISTINCT v.visit_id) FROM {visits} v
        WHERE v.start_date BETWEEN {start} AND {end} AND v.practitioner_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {registrations} r
                          WHERE r.practitioner_id = v.practitioner_id AND r.institution_id = v.institution_id
                            AND r.valid_from <= v.start_date
                            AND (r.valid_to IS NULL OR v.start_date <= r.valid_to))""",
    "invalid_licence": """
        SELECT count(DISTINCT v.visit_id) FROM {visits} v
        LEFT JOIN {practitioners} p ON p.practitioner_id = v.practitioner_id
        WHERE v.start_date BETWEEN {start} AND {end} AND v.practitioner_id IS NOT NULL
          AND (p.practitioner_id IS NULL
               OR (p.status IN ('suspended', 'revoked') AND p.status_since <= v.start_date)
               OR p.licence_valid_to < v.start_date)""",
    "practitioner_scope": """
        SELECT count(DISTINCT v.visit_id) FROM {visits} v
        JOIN {practitioners} p ON p.practitioner_id = v.practitioner_id
        WHERE v.start_date BETWEEN {start} AND {end}
          AND p.kind IN ('physician', 'assistant_physician') AND substr(v.dept_code, 1, 2) <> '20'
          AND NOT EXISTS (SELECT 1 FROM {practitioner_scopes} s
                          WHERE s.practitioner_id = v.practitioner_id
                            AND (s.dept_code = v.dept_code OR s.dept_code = substr(v.dept_code, 1, 2)))""",
    "split_admission": """
        SELECT count(DISTINCT b.visit_id) FROM {visits} b
        JOIN {visits} a ON a.patient_id = b.patient_id AND a.institution_id = b.institution_id
                       AND substr(a.diagnosis, 1, 3) = substr(b.diagnosis, 1, 3)
                       AND a.start_date < b.start_date
        WHERE b.kind = 'inpatient' AND a.kind = 'inpatient' AND b.start_date BETWEEN {start} AND {end}
          AND b.start_date - a.end_date BETWEEN 0 AND 15""",
    "idle_inpatient_days": """
        WITH stays AS (
            SELECT visit_id, start_date, end_date FROM {visits}
            WHERE kind = 'inpatient' AND start_date BETWEEN {start} AND {end}),
        days AS (
            SELECT DISTINCT s.visit_id, c.date AS day FROM stays s JOIN {charges} c ON c.visit_id = s.visit_id
            WHERE c.item_kind <> 'bed' AND c.date > s.start_date AND c.date < s.end_date
            UNION SELECT visit_id, start_date FROM stays
            UNION SELECT visit_id, end_date FROM stays),
        gaps AS (
            SELECT visit_id, day - lag(day) OVER (PARTITION BY visit_id ORDER BY day) - 1 AS idle FROM days)
        SELECT count(DISTINCT visit_id) FROM gaps WHERE idle >= 3""",
    "duplicate_charge": """
        SELECT count(DISTINCT c.line_id) FROM {charges} c
        JOIN (SELECT visit_id, date, item_code, quantity, unit_price, min(line_id) AS first_line
              FROM {charges} WHERE date BETWEEN {start} AND {end}
              GROUP BY visit_id, date, item_code, quantity, unit_price HAVING count(*) > 1) g
          ON g.visit_id = c.visit_id AND g.date = c.date AND g.item_code = c.item_code
         AND g.quantity = c.quantity AND g.unit_price = c.unit_price
        WHERE c.line_id > g.first_line""",
    "post_death_charge": """
        SELECT count(DISTINCT c.line_id) FROM {charges} c
        JOIN (SELECT patient_id, min(death_date) AS death_date FROM {deaths} GROUP BY patient_id) d
          ON d.patient_id = c.patient_id
        WHERE c.date BETWEEN {start} AND {end} AND c.date > d.death_date""",
    "repeat_exam": """
        SELECT count(DISTINCT l.line_id) FROM {charges} l
        JOIN {charges} k ON k.patient_id = l.patient_id AND k.item_code = l.item_code AND k.visit_id <> l.visit_id
        WHERE l.item_kind IN ('exam', 'lab') AND l.date BETWEEN {start} AND {end}
          AND l.date - k.date BETWEEN 1 AND 7""",
}


def relation(dataset: Path, table: str) -> str:
    found = locate(dataset, table)
    if found is None:
        raise FileNotFoundError(f"{table} not in {dataset}")
    return "read_parquet([" + ", ".join(f"'{f}'" for f in found[1]) + "])"


def run(dataset: Path, start: dt.date, end: dt.date, threads: int | None = None,
        memory_limit: str | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {"preserve_insertion_order": False}
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(config=config)
    con.execute("SET enable_progress_bar = false")
    names = {t: relation(dataset, t) for t in ("visits", "institutions", "institution_depts", "registrations",
                                                "practitioners", "practitioner_scopes", "charges", "deaths")}
    alerts: dict[str, int] = {}
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    for rule, sql in RULES.items():
        t = time.perf_counter()
        row = con.execute(sql.format(start=f"DATE '{start}'", end=f"DATE '{end}'", **names)).fetchone()
        alerts[rule] = int(row[0]) if row else 0
        timings[rule] = round(time.perf_counter() - t, 3)
    return {"wall_s": round(time.perf_counter() - t0, 3), "alerts": alerts, "timings_s": timings}


def child_main(argv: list[str]) -> int:
    res = run(Path(argv[0]), dt.date.fromisoformat(argv[1]), dt.date.fromisoformat(argv[2]),
              int(argv[4]) if len(argv) > 4 else None, argv[5] if len(argv) > 5 else None)
    Path(argv[3]).write_text(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(child_main(sys.argv[1:]))
