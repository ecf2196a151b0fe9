"""Where an analytics run's time goes: each step timed, and DuckDB's EXPLAIN ANALYZE of each rule.

``python -m benchmarks.profile_analytics DATASET START END [MEMORY_LIMIT] [RULE,…] [CACHE_DIR]`` loads
and validates the dataset as ``weijian analytics run`` does (in a scratch folder; with CACHE_DIR reusing
the validated files found there), times validation and the foreign-key checks, then runs each rule's
query under ``EXPLAIN (ANALYZE, FORMAT json)`` and prints its wall time, the process's CPU time (all DuckDB threads:
steadier than wall time on a shared machine) and its most expensive operators (DuckDB's own
per-operator timings). Not a test; figures vary with load.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from weijian.analytics import engine as eng
from weijian.analytics import indicators as ind
from weijian.analytics import ruledata
from weijian.analytics.io import Loader
from weijian.analytics.params import schedules
from weijian.analytics.registry import RULES
from weijian.analytics.rules.base import Context, as_parts, part_expr


def top_operators(plan_json: str, n: int = 4) -> list[tuple[str, float]]:
    """(operator, seconds) of the N slowest operators of an ``EXPLAIN (ANALYZE, FORMAT json)`` plan."""
    found: list[tuple[str, float]] = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("name") and node.get("timing"):
            found.append((str(node["name"]), float(node["timing"])))
        for child in node.get("children", []):
            walk(child)

    for op in json.loads(plan_json).get("operator", []):
        walk(op)
    return sorted(found, key=lambda x: -x[1])[:n]


def explain(con: Any, sql: str) -> list[tuple[str, float]]:
    return top_operators(str(con.execute(f"EXPLAIN (ANALYZE, FORMAT json) {sql}").fetchall()[0][-1]))


def main(argv: list[str]) -> int:
    dataset, start, end = Path(argv[0]), dt.date.fromisoformat(argv[1]), dt.date.fromisoformat(argv[2])
    memory = argv[3] if len(argv) > 3 else None
    only = argv[4].split(",") if len(argv) > 4 and argv[4] != "all" else None
    cache = Path(argv[5]) if len(argv) > 5 else None
    with tempfile.TemporaryDirectory(dir=dataset.parent) as tmp:
        work = Path(tmp)
        backend = eng.open_duckdb(work, memory)
        con = backend.load_con
        t, c = time.perf_counter(), time.process_time()
        loader = Loader(con, dataset, work, cache_dir=cache, rules_hash=ruledata.record()["hash"])
        loaded = loader.load_all()
        print(f"load + validate + FK checks: {time.perf_counter() - t:.1f} s wall, {time.process_time() - c:.1f} s CPU"
              f"   {loader.cache_report()}")
        t, c = time.perf_counter(), time.process_time()
        loader._integrity(loaded)
        con.execute("SELECT 1").fetchall()  # finish the last result before Ibis reads the catalog
        print(f"  of which FK checks (run again alone): {time.perf_counter() - t:.1f} s, {time.process_time() - c:.1f} s CPU")
        tables = eng.register_tables(backend, list(loaded.tables), work)
        months = eng.memtable(backend, eng.months_table(start, end), "wj_months")
        base = Context(start, end, tables, schedules(ind.PARAMS, start, end), months, eng.ddd_reference(backend, tables),
                       {n: t.rows_clean for n, t in loaded.tables.items()})
        con.execute("SET enable_progress_bar = false")
        queries = [(r.id, r) for r in RULES.values() if only is None or r.id in only]
        for rid, rule in queries:
            if any(tn not in tables for tn in rule.tables):
                continue
            ctx = replace(base, params={**base.params, **schedules(rule.params, start, end)})
            parts = as_parts(rule.build(ctx))  # a rule's parts run one after another
            t, c = time.perf_counter(), time.process_time()
            found = []
            for part in parts:  # a part built when it runs stages its steps then (their time is counted, not explained)
                found += explain(con, backend.ibis_con.compile(part_expr(part)))
                ctx.release_staged()
            top = sorted(found, key=lambda x: -x[1])
            ops = ", ".join(f"{o} {s:.1f}s" for o, s in top[:4]) + (f"   ({len(parts)} parts)" if len(parts) > 1 else "")
            print(f"{rid:<26} {time.perf_counter() - t:6.1f} s {time.process_time() - c:6.1f} CPU   {ops}", flush=True)
        if only is None or "indicators" in only:
            for name, expr in ind.build(base).items():
                sql = backend.ibis_con.compile(expr)
                t, c = time.perf_counter(), time.process_time()
                ops = ", ".join(f"{o} {s:.1f}s" for o, s in explain(con, sql))
                print(f"indicator {name:<16} {time.perf_counter() - t:6.1f} s {time.process_time() - c:6.1f} CPU   {ops}",
                      flush=True)
            base.release_staged()
        ruledata.record()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
