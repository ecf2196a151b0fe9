"""Benchmarks of weijian.analytics on ``weijian sim activity`` data (prints figures; not a test).

(a) city scale, one month: the ``city`` registry (seed 20261123) and January 2025 of ``city``
    activity (≈ 28 M visits, 64 M prescription lines, 136 M charge lines), generated once into
    ``.bench-cache/``; the full DuckDB rule set over 2025-01-01..2025-01-31 in a child process:
    wall time per rule (report.json), total wall time and the child's peak RSS (``os.wait4``);
(b) the floor: one DuckDB pass over the same month reading every column the rules use, and the
    ratio full run / floor (target ≤ 3×);
(c) plain pandas versions of the deterministic rules institution_licence, out_of_scope_dept,
    unregistered_practice, invalid_licence, duplicate_charge, post_death_charge, split_admission
    and repeat_exam on ≈ 10 M prescription lines (``small`` registry, ``district`` preset,
    3 months), against the engine on the same data and rules; alert counts must agree;
(d) Spark local mode next to DuckDB, full rule set, on the ``small`` preset × 3 months;
(e) the plain-SQL reference (``benchmarks/plain_sql_rules.py``: one DuckDB query per deterministic rule
    over the raw Parquet files) against the engine's full run and the floor, on ≈ 5 M visits: the
    ``small`` registry (seed 20261123) with 3 months of ``district`` activity (seed 20261123, from
    2025-01); prints engine / plain SQL and engine / floor, and checks the alert counts agree;
(s) how the full run scales with DuckDB's threads (``--threads``: 1, 2, 4 … up to the cores), cold, on (e)'s
    dataset (the city month with ``WEIJIAN_BENCH_SCALING_CITY=1``);
(y) ``make bench-year`` only (``WEIJIAN_BENCH_PARTS=y``): twelve months of ``city`` activity, the
    full run over 2025, its time and peak RSS next to the floor.

Every analytics run, the pandas rules and the data generation run in child processes, so each
peak RSS is that process's own. Environment: ``WEIJIAN_BENCH_CACHE`` (default ``.bench-cache``
at the repository root), ``WEIJIAN_BENCH_PARTS`` (default ``a,b,c,d,e,s``; ``b`` needs (a)'s data
only), ``WEIJIAN_BENCH_SPARK=0`` to skip (d), ``WEIJIAN_BENCH_MEMORY_LIMIT`` (DuckDB
memory_limit of the runs; default the engine's own). Figures also go to
``.bench-cache/analytics-bench.json``. ``WEIJIAN_BENCH_REFERENCE_CITY=1`` runs the plain-SQL
reference on the city month too (part b; its self-joins on 136 M charge lines take long).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("WEIJIAN_BENCH_CACHE", ROOT / ".bench-cache"))
CITY_SEED = 20261123
JAN = (dt.date(2025, 1, 1), dt.date(2025, 1, 31))

PANDAS_RULES = ["institution_licence", "out_of_scope_dept", "unregistered_practice", "invalid_licence",
                "duplicate_charge", "post_death_charge", "split_admission", "repeat_exam"]

# Columns the rules (and indicators) read from the three large tables; the small tables are read whole.
USED_COLUMNS = {
    "visits": ["visit_id", "institution_id", "dept_code", "practitioner_id", "patient_id", "kind", "start_date",
               "end_date", "diagnosis"],
    "prescriptions": ["visit_id", "date", "institution_id", "practitioner_id", "atc_code", "route",
                      "unit_strength_g", "quantity", "amount"],
    "charges": ["line_id", "visit_id", "date", "institution_id", "patient_id", "item_code", "item_kind",
                "quantity", "unit_price", "amount"],
}
SMALL_TABLES = ["institutions", "institution_depts", "practitioners", "practitioner_scopes", "registrations",
                "deaths", "waste_bags", "waste_manifests", "wastewater_readings", "ddd"]


# --------------------------------------------------------------------------- child processes


@dataclass
class Child:
    wall_s: float
    peak_rss_mb: float
    rc: int
    log: Path
    cpu_s: float = 0.0  # user + system CPU seconds of the child: steadier than wall time on a loaded machine


def child(argv: list[str], log: Path) -> Child:
    """Run ``python ARGV`` in the repository root; wall time and that process's own peak RSS."""
    log.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    with log.open("w") as fh:
        p = subprocess.Popen([sys.executable, *argv], cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return Child(time.perf_counter() - t, usage.ru_maxrss / 1024, p.returncode, log,
                 usage.ru_utime + usage.ru_stime)


def weijian(args: list[str], log: Path) -> Child:
    return child(["-m", "weijian.cli", *args], log)


def _check(c: Child, what: str) -> None:
    if c.rc != 0:
        tail = c.log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{what} failed (exit {c.rc}, peak RSS {c.peak_rss_mb:,.0f} MB); log {c.log}:\n{tail}")


# --------------------------------------------------------------------------- data


def registry(preset: str) -> Path:
    folder = CACHE / f"{preset}-registry-{CITY_SEED}"
    if not (folder / "registrations.parquet").exists():
        _check(weijian(["sim", "city", "--preset", preset, "--seed", str(CITY_SEED), "--out", str(folder)],
                       CACHE / "logs" / f"sim-city-{preset}.log"), f"weijian sim city --preset {preset}")
    return folder


def activity(reg_preset: str, preset: str, months: int) -> Path:
    """``weijian sim activity`` from 2025-01, generated once (``sim_activity.json`` is written last)."""
    reg = registry(reg_preset)
    out = CACHE / f"{preset}-activity-{reg_preset}reg-{months}m-{CITY_SEED}"
    if not (out / "sim_activity.json").exists():
        print(f"generating {out.name} …", flush=True)
        c = weijian(["sim", "activity", "--registry", str(reg), "--months", str(months), "--preset", preset,
                     "--violations", "0.01", "--seed", str(CITY_SEED), "--start", "2025-01-01", "--out", str(out),
                     "--no-truth"], CACHE / "logs" / f"sim-activity-{out.name}.log")
        _check(c, f"weijian sim activity ({out.name})")
        print(f"  generated in {c.wall_s:.0f} s, peak RSS {c.peak_rss_mb:,.0f} MB", flush=True)
    return out


def rows_of(dataset: Path) -> dict[str, int]:
    return json.loads((dataset / "sim_activity.json").read_text())["rows"]


def period(months: int) -> tuple[dt.date, dt.date]:
    end = dt.date(2025 + months // 12, months % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(2025, 1, 1), end


# --------------------------------------------------------------------------- engine runs


def analytics(dataset: Path, start: dt.date, end: dt.date, out: Path, engine: str = "duckdb",
              rules: list[str] | None = None, cache_dir: Path | None = None,
              threads: int | None = None) -> tuple[Child, dict[str, Any]]:
    """One run, cold (``--no-cache``) unless CACHE_DIR is given (then it reuses what that folder holds)."""
    args = ["analytics", "run", str(dataset), "--start", start.isoformat(), "--end", end.isoformat(),
            "--out", str(out), "--engine", engine]
    args += ["--cache-dir", str(cache_dir)] if cache_dir else ["--no-cache"]
    if threads:
        args += ["--threads", str(threads)]
    if rules:
        args += ["--rules", ",".join(rules)]
    if limit := os.environ.get("WEIJIAN_BENCH_MEMORY_LIMIT"):
        args += ["--memory-limit", limit]
    c = weijian(args, CACHE / "logs" / f"{out.name}.log")
    _check(c, f"analytics run ({engine}) on {dataset.name}")
    report = json.loads((out / "report.json").read_text())
    if report["rules_failed"]:
        raise RuntimeError(f"rules failed on {dataset.name} after {c.wall_s:,.0f} s (peak RSS "
                           f"{c.peak_rss_mb:,.0f} MB; timings {report.get('timings_s')}): {report['rules_failed']}")
    return c, report


def alert_counts(out: Path) -> dict[str, int]:
    import duckdb

    rows = duckdb.sql(f"SELECT rule_id, count(DISTINCT subject_id) FROM read_parquet('{out / 'alerts.parquet'}') "
                      f"GROUP BY 1").fetchall()
    return {r[0]: int(r[1]) for r in rows}


# --------------------------------------------------------------------------- (b) the floor


def floor_pass(dataset: Path) -> float:
    """One DuckDB pass (hash of every value) over every column the rules use; seconds."""
    import duckdb

    from weijian.analytics.io import locate

    con = duckdb.connect(config={"threads": os.cpu_count() or 1})
    con.execute("SET enable_progress_bar = false")
    t = time.perf_counter()
    for name in [*USED_COLUMNS, *SMALL_TABLES]:
        found = locate(dataset, name)
        if found is None:
            continue
        files = "[" + ", ".join(f"'{f}'" for f in found[1]) + "]"
        cols = USED_COLUMNS.get(name) or [r[0] for r in con.execute(
            f"DESCRIBE SELECT * FROM read_parquet({files})").fetchall()]
        agg = ", ".join(f"bit_xor(hash({c}))" for c in cols)
        con.execute(f"SELECT count(*), {agg} FROM read_parquet({files})").fetchall()
    return time.perf_counter() - t


# --------------------------------------------------------------------------- (c) pandas


def pandas_rules(dataset: Path, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The eight deterministic rules in plain pandas; distinct subjects per rule and seconds."""
    import pandas as pd
    import pyarrow.parquet as pq

    t0 = time.perf_counter()

    def read(name: str, cols: list[str]) -> pd.DataFrame:
        return pq.read_table(dataset / name if (dataset / name).is_dir() else dataset / f"{name}.parquet",
                             columns=cols).to_pandas(date_as_object=False)

    s, e = pd.Timestamp(start), pd.Timestamp(end)
    out: dict[str, int] = {}
    timings: dict[str, float] = {}

    def done(rule: str, ids: pd.Series, t: float) -> None:
        out[rule] = int(ids.nunique())
        timings[rule] = round(time.perf_counter() - t, 3)

    t = time.perf_counter()
    visits = read("visits", USED_COLUMNS["visits"])
    v = visits[visits.start_date.between(s, e)]
    timings["read_visits"] = round(time.perf_counter() - t, 3)

    t = time.perf_counter()
    inst = read("institutions", ["institution_id", "licence_valid_from", "licence_valid_to", "status",
                                 "status_since"]).assign(known=True)
    j = v[["visit_id", "institution_id", "start_date"]].merge(inst, on="institution_id", how="left")
    d = j.start_date
    fired = (j.known.isna() | (d < j.licence_valid_from) | (d > j.licence_valid_to)
             | (j.status.isin(["suspended", "revoked", "closed"]) & (j.status_since <= d)))
    done("institution_licence", j.visit_id[fired], t)

    t = time.perf_counter()
    depts = read("institution_depts", ["institution_id", "dept_code", "valid_from", "valid_to"])
    vd = v[["visit_id", "institution_id", "dept_code", "start_date"]].assign(dept1=v.dept_code.str[:2])
    covered = []
    for key in ("dept_code", "dept1"):
        m = vd[["visit_id", "institution_id", key, "start_date"]].merge(
            depts.rename(columns={"dept_code": key}), on=["institution_id", key])
        ok = (m.valid_from <= m.start_date) & (m.valid_to.isna() | (m.start_date <= m.valid_to))
        covered.append(m.visit_id[ok])
    done("out_of_scope_dept", vd.visit_id[~vd.visit_id.isin(pd.concat(covered))], t)

    t = time.perf_counter()
    vp = v[v.practitioner_id.notna()][["visit_id", "institution_id", "practitioner_id", "start_date"]]
    regs = read("registrations", ["practitioner_id", "institution_id", "valid_from", "valid_to"])
    m = vp.merge(regs, on=["practitioner_id", "institution_id"])
    ok = (m.valid_from <= m.start_date) & (m.valid_to.isna() | (m.start_date <= m.valid_to))
    done("unregistered_practice", vp.visit_id[~vp.visit_id.isin(m.visit_id[ok])], t)

    t = time.perf_counter()
    prac = read("practitioners", ["practitioner_id", "status", "status_since", "licence_valid_to"]).assign(known=True)
    j = vp.merge(prac, on="practitioner_id", how="left")
    d = j.start_date
    bad = (j.known.isna() | (j.status.isin(["suspended", "revoked"]) & (j.status_since <= d))
           | (j.licence_valid_to.notna() & (j.licence_valid_to < d)))
    done("invalid_licence", j.visit_id[bad], t)

    t = time.perf_counter()
    inp = visits[visits.kind == "inpatient"][["visit_id", "institution_id", "patient_id", "start_date", "end_date",
                                               "diagnosis"]]
    inp = inp.assign(diag3=inp.diagnosis.str[:3]).drop(columns="diagnosis")
    b = inp[inp.start_date.between(s, e)]
    j = b.merge(inp, on=["patient_id", "institution_id", "diag3"], suffixes=("", "_a"))
    gap = (j.start_date - j.end_date_a).dt.days
    done("split_admission", j.visit_id[(j.start_date_a < j.start_date) & (gap >= 0) & (gap <= 15)], t)
    del visits, v, vd, vp, inp, b, j

    t = time.perf_counter()
    charges = read("charges", ["line_id", "visit_id", "date", "patient_id", "item_code", "item_kind", "quantity",
                               "unit_price"])
    c = charges[charges.date.between(s, e)]
    timings["read_charges"] = round(time.perf_counter() - t, 3)

    t = time.perf_counter()
    first = c.groupby(["visit_id", "date", "item_code", "quantity", "unit_price"], sort=False).line_id.transform("min")
    done("duplicate_charge", c.line_id[c.line_id > first], t)

    t = time.perf_counter()
    deaths = read("deaths", ["patient_id", "death_date"]).groupby("patient_id", as_index=False).death_date.min()
    j = c[["line_id", "patient_id", "date"]].merge(deaths, on="patient_id")
    done("post_death_charge", j.line_id[j.date > j.death_date], t)

    t = time.perf_counter()
    lines = c[c.item_kind.isin(["exam", "lab"])][["line_id", "visit_id", "patient_id", "item_code", "date"]]
    k = charges[charges.item_code.isin(lines.item_code.unique()) & charges.patient_id.isin(lines.patient_id.unique())]
    j = lines.merge(k[["visit_id", "patient_id", "item_code", "date"]], on=["patient_id", "item_code"],
                    suffixes=("", "_k"))
    days = (j.date - j.date_k).dt.days
    done("repeat_exam", j.line_id[(j.visit_id != j.visit_id_k) & (days >= 1) & (days <= 7)], t)
    return {"wall_s": round(time.perf_counter() - t0, 3), "alerts": out, "timings_s": timings}


# --------------------------------------------------------------------------- report


FIGURES: list[tuple[str, str, str]] = []


def fig(part: str, what: str, value: str) -> None:
    FIGURES.append((part, what, value))
    print(f"  {part:<3} {what:<44} {value}", flush=True)


def part_a(results: dict[str, Any]) -> None:
    data = activity("city", "city", 1)
    rows = rows_of(data)
    print(f"(a) city month {data.name}: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()), flush=True)
    c, rep = analytics(data, *JAN, CACHE / "out-city-duckdb")
    tim = rep["timings_s"]
    results["a"] = {"dataset": str(data), "rows": rows, "wall_s": round(c.wall_s, 3),
                    "peak_rss_mb": round(c.peak_rss_mb), "timings_s": tim, "alerts": rep["alerts"]["by_rule"],
                    "memory_limit": os.environ.get("WEIJIAN_BENCH_MEMORY_LIMIT") or "engine default"}
    for k, v in tim.items():
        if k != "total":
            fig("a", f"{k} (s)", f"{v:,.1f}" + (f"   {rep['alerts']['by_rule'][k]:,} alerts"
                                                if k in rep["alerts"]["by_rule"] else ""))
    fig("a", "engine total, report.json (s)", f"{tim['total']:,.1f}")
    fig("a", "child process wall (s)", f"{c.wall_s:,.1f}")
    fig("a", "child peak RSS (MB)", f"{c.peak_rss_mb:,.0f}")


def part_b(results: dict[str, Any]) -> None:
    data = activity("city", "city", 1)
    floor = floor_pass(data)
    results["b"] = {"floor_s": round(floor, 3)}
    fig("b", "floor: one pass over used columns (s)", f"{floor:,.1f}")
    if "a" in results:
        ratio = results["a"]["timings_s"]["total"] / floor
        results["b"]["ratio"] = round(ratio, 2)
        fig("b", "full run / floor (target ≤ 3×)", f"{ratio:.1f}×")
    if os.environ.get("WEIJIAN_BENCH_REFERENCE_CITY") == "1":
        ref = plain_sql(data, *JAN, "city")
        results["b"]["plain_sql"] = ref
        fig("b", "plain-SQL reference (s)", f"{ref['wall_s']:,.1f}")
        if "a" in results:
            fig("b", "full run / plain SQL", f"{results['a']['timings_s']['total'] / ref['wall_s']:.2f}×")


def part_c(results: dict[str, Any]) -> None:
    months = 3
    data = activity("small", "district", months)
    start, end = period(months)
    rows = rows_of(data)
    print(f"(c) {data.name}: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()), flush=True)
    res_file = CACHE / "pandas-result.json"
    pc = child(["-m", "benchmarks.analytics_bench", "pandas", str(data), start.isoformat(), end.isoformat(),
                str(res_file)], CACHE / "logs" / "pandas.log")
    _check(pc, "pandas rules")
    pres = json.loads(res_file.read_text())
    ec, rep = analytics(data, start, end, CACHE / "out-district-8rules", rules=PANDAS_RULES)
    counts = alert_counts(CACHE / "out-district-8rules")
    tim = rep["timings_s"]
    rules_s = sum(tim[r] for r in PANDAS_RULES)
    mismatch = {r: (pres["alerts"].get(r, 0), counts.get(r, 0)) for r in PANDAS_RULES
                if pres["alerts"].get(r, 0) != counts.get(r, 0)}
    results["c"] = {"dataset": str(data), "rows": rows, "pandas": pres, "pandas_child_wall_s": round(pc.wall_s, 3),
                    "pandas_peak_rss_mb": round(pc.peak_rss_mb), "engine_timings_s": tim,
                    "engine_child_wall_s": round(ec.wall_s, 3), "engine_peak_rss_mb": round(ec.peak_rss_mb),
                    "engine_alerts": counts, "mismatch": mismatch}
    fig("c", "prescription lines / charge lines", f"{rows['prescriptions']:,} / {rows['charges']:,}")
    fig("c", "pandas, 8 rules incl. reading (s)", f"{pres['wall_s']:,.1f}   peak RSS {pc.peak_rss_mb:,.0f} MB")
    fig("c", "engine, same 8 rules, total (s)", f"{tim['total']:,.1f}   peak RSS {ec.peak_rss_mb:,.0f} MB")
    fig("c", "engine load+validate + 8 rules (s)", f"{tim['load_validate'] + rules_s:,.1f}")
    fig("c", "pandas / engine total", f"{pres['wall_s'] / tim['total']:.1f}×")
    for r in PANDAS_RULES:
        fig("c", f"  {r}: pandas s / engine s", f"{pres['timings_s'][r]:,.1f} / {tim[r]:,.1f}   "
                                                f"alerts {pres['alerts'][r]:,} / {counts.get(r, 0):,}")
    fig("c", "alert counts pandas = engine", "yes" if not mismatch else f"NO: {mismatch}")


def part_d(results: dict[str, Any]) -> None:
    months = 3
    data = activity("small", "small", months)
    start, end = period(months)
    rows = rows_of(data)
    dc, drep = analytics(data, start, end, CACHE / "out-small-duckdb")
    sc, srep = analytics(data, start, end, CACHE / "out-small-spark", engine="spark")
    same = alert_counts(CACHE / "out-small-duckdb") == alert_counts(CACHE / "out-small-spark")
    results["d"] = {"dataset": str(data), "rows": rows, "duckdb": {"wall_s": round(dc.wall_s, 3),
                                                                   "timings_s": drep["timings_s"]},
                    "spark": {"wall_s": round(sc.wall_s, 3), "timings_s": srep["timings_s"]}, "same_alerts": same}
    fig("d", "small × 3 months: visits / prescription lines", f"{rows['visits']:,} / {rows['prescriptions']:,}")
    fig("d", "DuckDB: engine total / process wall (s)", f"{drep['timings_s']['total']:,.1f} / {dc.wall_s:,.1f}")
    fig("d", "Spark local[2]: engine total / process wall (s)",
        f"{srep['timings_s']['total']:,.1f} / {sc.wall_s:,.1f}")
    fig("d", "Spark / DuckDB (engine total)", f"{srep['timings_s']['total'] / drep['timings_s']['total']:.1f}×")
    fig("d", "same alerts per rule on both engines", "yes" if same else "NO")


def plain_sql(data: Path, start: dt.date, end: dt.date, tag: str) -> dict[str, Any]:
    """The plain-SQL reference in a child process (same threads and memory limit as the engine)."""
    res_file = CACHE / f"plain-sql-{tag}.json"
    argv = ["-m", "benchmarks.plain_sql_rules", str(data), start.isoformat(), end.isoformat(), str(res_file),
            str(os.cpu_count() or 1)]
    if limit := os.environ.get("WEIJIAN_BENCH_MEMORY_LIMIT"):
        argv.append(limit)
    c = child(argv, CACHE / "logs" / f"plain-sql-{tag}.log")
    _check(c, "plain-SQL reference")
    res = json.loads(res_file.read_text())
    res["child_wall_s"] = round(c.wall_s, 3)
    res["cpu_s"] = round(c.cpu_s, 3)
    res["peak_rss_mb"] = round(c.peak_rss_mb)
    return res


def part_e(results: dict[str, Any]) -> None:
    from benchmarks.plain_sql_rules import RULES as SQL_RULES

    months = 3
    data = activity("small", "district", months)
    start, end = period(months)
    rows = rows_of(data)
    print(f"(e) {data.name}: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()), flush=True)
    ref = plain_sql(data, start, end, "5m")
    cache = CACHE / "validated-5m"
    shutil.rmtree(cache, ignore_errors=True)
    ec, rep = analytics(data, start, end, CACHE / "out-5m-duckdb", cache_dir=cache)  # cold: fills the cache
    wc, wrep = analytics(data, start, end, CACHE / "out-5m-duckdb-warm", cache_dir=cache)  # warm: reuses it
    counts = alert_counts(CACHE / "out-5m-duckdb")
    floor = floor_pass(data)
    tim = rep["timings_s"]
    mismatch = {r: (ref["alerts"][r], counts.get(r, 0)) for r in SQL_RULES if ref["alerts"][r] != counts.get(r, 0)}
    results["e"] = {"dataset": str(data), "rows": rows, "plain_sql": ref, "engine_timings_s": tim,
                    "engine_child_wall_s": round(ec.wall_s, 3), "engine_peak_rss_mb": round(ec.peak_rss_mb),
                    "engine_cpu_s": round(ec.cpu_s, 3), "floor_s": round(floor, 3), "mismatch": mismatch,
                    "warm_timings_s": wrep["timings_s"], "warm_cpu_s": round(wc.cpu_s, 3),
                    "ratio_plain_sql": round(tim["total"] / ref["wall_s"], 3),
                    "ratio_floor": round(tim["total"] / floor, 3)}
    fig("e", "visits / prescription / charge lines",
        f"{rows['visits']:,} / {rows['prescriptions']:,} / {rows['charges']:,}")
    fig("e", "plain SQL, deterministic rules (s)", f"{ref['wall_s']:,.1f}   peak RSS {ref['peak_rss_mb']:,} MB")
    fig("e", "floor: one pass over used columns (s)", f"{floor:,.1f}")
    fig("e", "engine, full run, total (s)", f"{tim['total']:,.1f}   peak RSS {ec.peak_rss_mb:,.0f} MB")
    fig("e", "engine load+validate (s)", f"{tim['load_validate']:,.1f}")
    for r in SQL_RULES:
        fig("e", f"  {r}: plain SQL s / engine s", f"{ref['timings_s'][r]:,.1f} / {tim.get(r, 0):,.1f}   "
                                                   f"alerts {ref['alerts'][r]:,} / {counts.get(r, 0):,}")
    fig("e", "CPU s, plain SQL / engine (processes)", f"{ref['cpu_s']:,.1f} / {ec.cpu_s:,.1f}")
    fig("e", "engine / plain SQL (target ≤ 1.5×)", f"{tim['total'] / ref['wall_s']:.2f}×   "
                                                  f"CPU {ec.cpu_s / max(ref['cpu_s'], 1e-9):.2f}×")
    fig("e", "engine / floor", f"{tim['total'] / floor:.2f}×")
    wt = wrep["timings_s"]
    fig("e", "re-run, validated input reused: total (s)", f"{wt['total']:,.1f}   load {wt['load_validate']:,.1f}   "
                                                          f"CPU {wc.cpu_s:,.1f}")
    fig("e", "re-run / plain SQL", f"{wt['total'] / ref['wall_s']:.2f}×   CPU {wc.cpu_s / max(ref['cpu_s'], 1e-9):.2f}×")
    fig("e", "alert counts plain SQL = engine", "yes" if not mismatch else f"NO: {mismatch}")


def part_scaling(results: dict[str, Any]) -> None:
    """The full run, cold, with 1, 2, 4 … DuckDB threads up to the machine's cores (part (e)'s dataset, or the
    city month with ``WEIJIAN_BENCH_SCALING_CITY=1``)."""
    city = os.environ.get("WEIJIAN_BENCH_SCALING_CITY") == "1"
    data, (start, end) = (activity("city", "city", 1), JAN) if city else (activity("small", "district", 3), period(3))
    cores = os.cpu_count() or 1
    counts = sorted({1, cores, *(2 ** k for k in range(1, 8) if 2 ** k < cores)})
    print(f"(s) threads {counts} on {data.name}", flush=True)
    runs: dict[int, dict[str, float]] = {}
    for n in counts:
        c, rep = analytics(data, start, end, CACHE / f"out-threads-{n}", threads=n)
        runs[n] = {"total_s": rep["timings_s"]["total"], "cpu_s": round(c.cpu_s, 3), "peak_rss_mb": round(c.peak_rss_mb)}
        fig("s", f"{n} thread(s): total (s)", f"{runs[n]['total_s']:,.1f}   speed-up "
                                              f"{runs[1]['total_s'] / runs[n]['total_s']:.2f}×   CPU "
                                              f"{runs[n]['cpu_s']:,.1f} s   peak RSS {runs[n]['peak_rss_mb']:,} MB")
    results["s"] = {"dataset": str(data), "runs": runs}


def part_year(results: dict[str, Any]) -> None:
    data = activity("city", "city", 12)
    rows = rows_of(data)
    print(f"(y) city year {data.name}: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()), flush=True)
    c, rep = analytics(data, *period(12), CACHE / "out-city-year-duckdb")
    floor = floor_pass(data)
    tim = rep["timings_s"]
    results["y"] = {"dataset": str(data), "rows": rows, "wall_s": round(c.wall_s, 3),
                    "peak_rss_mb": round(c.peak_rss_mb), "cpu_s": round(c.cpu_s, 3), "timings_s": tim,
                    "floor_s": round(floor, 3)}
    for k, v in tim.items():
        if k != "total":
            fig("y", f"{k} (s)", f"{v:,.1f}")
    fig("y", "engine total, report.json (s)", f"{tim['total']:,.1f}")
    fig("y", "child process CPU, user + system (s)", f"{c.cpu_s:,.1f}")
    fig("y", "child peak RSS (MB)", f"{c.peak_rss_mb:,.0f}")
    fig("y", "floor (s)", f"{floor:,.1f}")
    fig("y", "full run / floor", f"{tim['total'] / floor:.1f}×")


def pandas_child(argv: list[str]) -> int:
    """``python -m benchmarks.analytics_bench pandas DATASET START END OUT.json``."""
    res = pandas_rules(Path(argv[0]), dt.date.fromisoformat(argv[1]), dt.date.fromisoformat(argv[2]))
    Path(argv[3]).write_text(json.dumps(res, indent=2))
    return 0


def main() -> int:
    CACHE.mkdir(parents=True, exist_ok=True)
    parts = [p.strip() for p in os.environ.get("WEIJIAN_BENCH_PARTS", "a,b,c,d,e,s").split(",") if p.strip()]
    if os.environ.get("WEIJIAN_BENCH_SPARK", "1") == "0" and "d" in parts:
        parts.remove("d")
    results: dict[str, Any] = {"machine": f"{os.cpu_count()} cores, "
                               f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM",
                               "threads": os.cpu_count(),
                               "memory_limit": os.environ.get("WEIJIAN_BENCH_MEMORY_LIMIT") or "engine default"}
    print(f"analytics benchmark on {results['machine']}, DuckDB threads {results['threads']}, memory limit "
          f"{results['memory_limit']}; cache {CACHE}", flush=True)
    failed = []
    for p in parts:
        started = time.perf_counter()
        try:
            {"a": part_a, "b": part_b, "c": part_c, "d": part_d, "e": part_e, "s": part_scaling,
             "y": part_year}[p](results)
        except Exception as exc:  # report and go on with the other parts
            failed.append(p)
            results.setdefault("failed", {})[p] = f"{type(exc).__name__}: {exc}"
            print(f"!! part ({p}) failed: {type(exc).__name__}: {exc}", flush=True)
        print(f"-- part ({p}): {time.perf_counter() - started:.0f} s", flush=True)
    (CACHE / "analytics-bench.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"\nweijian.analytics benchmark — {results['machine']}, threads {results['threads']}, memory limit "
          f"{results['memory_limit']}")
    width = max((len(w) for _, w, _ in FIGURES), default=10)
    for part, what, value in FIGURES:
        print(f"({part}) {what:<{width}}  {value}")
    if failed:
        print("failed parts: " + ", ".join(failed))
    if failed:
        raise RuntimeError(f"part(s) {', '.join(failed)} failed; see above")
    return 0


if __name__ == "__main__":
    raise SystemExit(pandas_child(sys.argv[2:]) if sys.argv[1:2] == ["pandas"] else main())
