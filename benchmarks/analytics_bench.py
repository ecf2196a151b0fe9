"""Benchmarks of weijian.analytics (prints figures; not a test).

(a) a city-scale one-month run (DuckDB): wall time per rule and peak RSS;
(b) a plain pandas implementation of some deterministic rules on the prescription/charge
    lines, and the ratio to the engine's time for the same rules;
(c) the floor: one DuckDB pass reading every column the rules use, and the ratio;
(d) Spark local mode on the small dataset next to DuckDB.

Data: ``weijian sim activity`` output when that generator is available, else a built-in
vectorised generator (DuckDB SQL, contract shape, a few violations) into ``.bench-cache/``.
Scale with ``WEIJIAN_BENCH_VISITS`` (default 2 000 000; the city figure is ≈ 25 000 000 visits,
80 M prescription lines and 150 M charge lines) and ``WEIJIAN_BENCH_SPARK=0`` to skip (d).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import time
from pathlib import Path

import duckdb

CACHE = Path(os.environ.get("WEIJIAN_BENCH_CACHE", ".bench-cache"))
START, END = dt.date(2025, 3, 1), dt.date(2025, 3, 31)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(folder: Path, visits: int, seed: int = 7) -> Path:
    """Contract tables for one month, vectorised in DuckDB (≈3.2 prescription and 6 charge lines per visit)."""
    from stdnum.cn import uscc

    if (folder / "_done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    n_inst = max(10, visits // 50_000)
    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed / 100})")
    ids = []
    for i in range(n_inst):
        base = f"12110000MB{i:07d}"
        ids.append(base + uscc.calc_check_digit(base))
    con.execute("CREATE TABLE inst_ids AS SELECT * FROM (VALUES " + ", ".join(f"({i}, '{x}')" for i, x in
                                                                             enumerate(ids)) + ") t(i, id)")
    n_doc = max(50, visits // 2_000)

    def copy(name: str, sql: str) -> None:
        con.execute(f"COPY ({sql}) TO '{folder / (name + '.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")

    copy("institutions", """SELECT id AS institution_id, 'H' || i AS name, 'hospital' AS kind, 'II' AS level,
        '110101' AS district_code, 500 AS beds, DATE '2020-01-01' AS licence_valid_from,
        CASE WHEN i % 17 = 3 THEN DATE '2025-03-15' ELSE DATE '2030-12-31' END AS licence_valid_to,
        'active' AS status, DATE '2020-01-01' AS status_since,
        CASE WHEN i % 3 = 0 THEN 'infectious' ELSE 'general_sewer' END AS wastewater_class FROM inst_ids""")
    copy("institution_depts", """SELECT id AS institution_id, d AS dept_code, DATE '2020-01-01' AS valid_from,
        NULL::DATE AS valid_to FROM inst_ids, (VALUES ('03'), ('04'), ('07'), ('20'), ('30')) t(d)""")
    copy("practitioners", f"""SELECT lpad(CAST(110000000000000 + i AS VARCHAR), 15, '0') AS practitioner_id,
        'D' || i AS name, 'physician' AS kind, CASE WHEN i % 97 = 5 THEN 'suspended' ELSE 'active' END AS status,
        DATE '2025-03-10' AS status_since, NULL::DATE AS licence_valid_to FROM range({n_doc}) t(i)""")
    copy("practitioner_scopes", f"""SELECT lpad(CAST(110000000000000 + i AS VARCHAR), 15, '0') AS practitioner_id,
        d AS dept_code FROM range({n_doc}) t(i), (VALUES ('03'), ('04'), ('20')) s(d)""")
    copy("registrations", f"""SELECT lpad(CAST(110000000000000 + i AS VARCHAR), 15, '0') AS practitioner_id,
        (SELECT id FROM inst_ids WHERE inst_ids.i = t.i % {n_inst}) AS institution_id, true AS is_primary,
        DATE '2020-01-01' AS valid_from, NULL::DATE AS valid_to FROM range({n_doc}) t(i)""")
    con.execute(f"""CREATE TABLE v AS SELECT 'V' || i AS visit_id, i,
        (i // 7) % {n_doc} AS doc, 'P' || (hash(i * 31 + {seed}) % {max(1, visits // 4)}) AS patient_id,
        CASE WHEN i % 20 = 0 THEN 'inpatient' WHEN i % 20 = 1 THEN 'emergency' ELSE 'outpatient' END AS kind,
        DATE '2025-03-01' + CAST(hash(i) % 31 AS INTEGER) AS start_date FROM range({visits}) t(i)""")
    copy("visits", f"""SELECT visit_id, (SELECT id FROM inst_ids WHERE inst_ids.i = v.doc % {n_inst}) AS institution_id,
        CASE WHEN i % 211 = 0 THEN '14' WHEN i % 20 = 1 THEN '20' ELSE '03' END AS dept_code,
        lpad(CAST(110000000000000 + doc AS VARCHAR), 15, '0') AS practitioner_id, patient_id, kind, start_date,
        CASE WHEN kind = 'inpatient' THEN start_date + CAST(1 + hash(i) % 12 AS INTEGER) ELSE start_date END AS end_date,
        'J18.' || (i % 10) AS diagnosis, true AS insured FROM v""")
    vv = "read_parquet('" + str(folder / "visits.parquet") + "')"
    copy("prescriptions", f"""SELECT visit_id || '-' || k AS line_id, visit_id, start_date AS date, institution_id,
        practitioner_id, patient_id, 'D' || k AS drug_code, 'drug' AS drug_name,
        CASE WHEN k = 0 THEN 'J01DD04' WHEN k = 1 THEN 'J01CA04' ELSE 'N02BE01' END AS atc_code,
        CASE WHEN k = 1 THEN 'O' ELSE 'P' END AS route, 0.5 AS unit_strength_g, 1.0 + k AS quantity,
        1 AS days_supply, 12.5 AS amount FROM {vv}, range(3 + CAST(hash(visit_id) % 2 AS INTEGER)) t(k)
        WHERE k > 0 OR hash(visit_id) % 4 = 0""")
    copy("charges", f"""SELECT visit_id || '-c' || k AS line_id, visit_id, start_date AS date, institution_id,
        patient_id, CASE WHEN k = 0 THEN 'CT' WHEN k = 1 THEN 'LAB1' ELSE 'SRV' || (k % 3) END AS item_code,
        CASE WHEN k = 0 THEN 'exam' WHEN k = 1 THEN 'lab' WHEN k = 5 THEN 'bed' ELSE 'service' END AS item_kind,
        1.0 AS quantity, CASE WHEN k >= 3 AND hash(visit_id) % 50 = 0 THEN 20.0 ELSE 10.0 + k END AS unit_price,
        10.0 AS amount, 5.0 AS insured_amount FROM {vv}, range(6) t(k)""")
    copy("deaths", f"SELECT 'P' || i AS patient_id, DATE '2025-03-10' AS death_date FROM range({max(1, visits // 400)}) t(i)")
    copy("wastewater_readings", """SELECT id AS institution_id, 'S' || i AS sensor_id,
        strftime(TIMESTAMP '2025-03-01' + to_minutes(CAST(m * 30 AS BIGINT)), '%Y-%m-%dT%H:%M:%S') AS ts,
        CASE WHEN i % 5 = 0 THEN 7.0 ELSE 5 + (hash(i * 100000 + m) % 400) / 100.0 END AS residual_chlorine_mg_l,
        7.0 AS ph FROM inst_ids, range(31 * 48) t(m)""")
    (folder / "_done").write_text("ok")
    return folder


def dataset(visits: int) -> Path:
    return generate(CACHE / f"analytics-{visits}", visits)


def city_run(folder: Path) -> dict[str, float]:
    from weijian.analytics.runner import RunOptions, run

    t = time.perf_counter()
    res = run(RunOptions(folder, START, END, CACHE / "out-duckdb"))
    wall = time.perf_counter() - t
    print(f"(a) DuckDB run: {wall:.1f} s wall, peak RSS {_peak_rss_mb():.0f} MB, "
          f"{res.alerts.num_rows:,} alerts")
    for k, v in res.report["timings_s"].items():
        print(f"    {k:<26} {v:>8.2f} s")
    rows = {n: t["rows_read"] for n, t in res.report["tables"].items()}
    print("    rows:", ", ".join(f"{n}={r:,}" for n, r in rows.items()))
    return {**res.report["timings_s"], "wall": wall}


def pandas_rules(folder: Path) -> float:
    """duplicate_charge, post_death_charge, split_admission, institution_licence in plain pandas."""
    import pandas as pd

    t = time.perf_counter()
    c = pd.read_parquet(folder / "charges.parquet")
    c = c[(c.date >= pd.Timestamp(START).date()) & (c.date <= pd.Timestamp(END).date())]
    keys = ["visit_id", "date", "item_code", "quantity", "unit_price"]
    first = c.groupby(keys)["line_id"].transform("min")
    dup = c[c.line_id > first]
    d = pd.read_parquet(folder / "deaths.parquet").groupby("patient_id", as_index=False).death_date.min()
    pdc = c.merge(d, on="patient_id")
    pdc = pdc[pdc.date > pdc.death_date]
    v = pd.read_parquet(folder / "visits.parquet")
    inp = v[v.kind == "inpatient"].assign(d3=lambda x: x.diagnosis.str[:3])
    j = inp.merge(inp, on=["patient_id", "institution_id", "d3"], suffixes=("", "_a"))
    j = j[(j.start_date_a < j.start_date)]
    gap = (pd.to_datetime(j.start_date) - pd.to_datetime(j.end_date_a)).dt.days
    split = j[(gap >= 0) & (gap <= 15)].visit_id.unique()
    inst = pd.read_parquet(folder / "institutions.parquet")
    vi = v.merge(inst, on="institution_id", how="left")
    lic = vi[(vi.start_date < vi.licence_valid_from) | (vi.start_date > vi.licence_valid_to)]
    wall = time.perf_counter() - t
    print(f"(b) pandas, 4 rules: {wall:.1f} s ({len(dup):,} dup, {len(pdc):,} post-death, {len(split):,} split, "
          f"{len(lic):,} licence)")
    return wall


def floor_pass(folder: Path) -> float:
    cols = {"visits": "visit_id, institution_id, dept_code, practitioner_id, patient_id, kind, start_date, end_date, diagnosis",
            "prescriptions": "line_id, visit_id, date, institution_id, practitioner_id, atc_code, route, unit_strength_g, quantity, amount",
            "charges": "line_id, visit_id, date, institution_id, patient_id, item_code, item_kind, quantity, unit_price, amount"}
    con = duckdb.connect()
    t = time.perf_counter()
    for name, cs in cols.items():
        agg = ", ".join(f"bit_xor(hash({c.strip()}))" for c in cs.split(","))
        con.execute(f"SELECT {agg} FROM read_parquet('{folder / (name + '.parquet')}')").fetchall()
    wall = time.perf_counter() - t
    print(f"(c) floor — one DuckDB pass over every column the rules use: {wall:.2f} s")
    return wall


def spark_vs_duckdb(folder: Path) -> None:
    from weijian.analytics.runner import RunOptions, run

    t = time.perf_counter()
    run(RunOptions(folder, START, END, CACHE / "small-duck"))
    duck = time.perf_counter() - t
    t = time.perf_counter()
    run(RunOptions(folder, START, END, CACHE / "small-spark", engine="spark"))
    spark = time.perf_counter() - t
    print(f"(d) small dataset: DuckDB {duck:.1f} s, Spark local[2] {spark:.1f} s (incl. session start)")


def main(argv: list[str] | None = None) -> int:
    visits = int(os.environ.get("WEIJIAN_BENCH_VISITS", "2000000"))
    CACHE.mkdir(exist_ok=True)
    t = time.perf_counter()
    folder = dataset(visits)
    print(f"dataset {folder} ({visits:,} visits) ready in {time.perf_counter() - t:.1f} s")
    timings = city_run(folder)
    pandas_s = pandas_rules(folder)
    engine_s = sum(timings.get(r, 0.0) for r in ("duplicate_charge", "post_death_charge", "split_admission",
                                                  "institution_licence"))
    print(f"    engine, same 4 rules: {engine_s:.1f} s → pandas / engine = {pandas_s / max(engine_s, 1e-9):.1f}×")
    floor = floor_pass(folder)
    print(f"    full run / floor = {timings['wall'] / max(floor, 1e-9):.1f}×")
    if os.environ.get("WEIJIAN_BENCH_SPARK", "1") != "0":
        spark_vs_duckdb(dataset(min(visits, 50_000)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
