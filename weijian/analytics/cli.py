"""``weijian analytics run`` and ``weijian analytics evaluate`` (Django-free)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from weijian.analytics.io import InputError
from weijian.i18n import gettext as _


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date: {s!r}") from exc


def _threads(s: str) -> int:
    try:
        n = int(s)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {s!r}") from exc
    if n < 1:
        raise argparse.ArgumentTypeError(f"at least 1 thread: {s!r}")
    return n


def run_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="weijian analytics run",
        description="Run the supervision rules over a dataset (contract analytics-v1). Thresholds and weights "
                    "are the rules data (weijian/rules/data); set WEIJIAN_RULES_DIR to a folder of an office's "
                    "replacement files to run with others.")
    p.add_argument("dataset", type=Path)
    p.add_argument("--start", type=_date, required=True)
    p.add_argument("--end", type=_date, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    p.add_argument("--spark-master", default="local[2]",
                   help="local[N], or a cluster's master URL such as spark://HOST:7077")
    p.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                   help="a Spark setting, e.g. spark.executor.memory=8g (repeatable)")
    p.add_argument("--rules", default=None, help="comma-separated rule ids (default: all)")
    p.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 12GB")
    p.add_argument("--threads", type=_threads, default=None,
                   help="DuckDB threads for validation and the DuckDB engine (default: every core)")
    p.add_argument("--materialize", action="store_true",
                   help="accepted for compatibility; does nothing (validated files are read in place or from the cache)")
    p.add_argument("--cache-dir", type=Path, default=None,
                   help="folder of validated input files reused by later runs (default OUT/.cache)")
    p.add_argument("--no-cache", action="store_true", help="validate every input file again, keep nothing")
    return p


def spark_unavailable() -> str | None:
    """Why the Spark engine cannot start here, or None."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("pyspark") is None:
        return "PySpark is not installed (pip install 'weijian[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime found (install Java 17, e.g. apt-get install openjdk-17-jre-headless, or set JAVA_HOME)"
    return None


def run_main(argv: list[str]) -> int:
    from weijian.analytics.registry import RULES
    from weijian.analytics.runner import RunOptions, run
    from weijian.rules.loader import RulesError

    args = run_parser().parse_args(argv)
    console = Console(stderr=True)
    if args.engine == "spark" and (problem := spark_unavailable()):
        console.print(f"[bold red]spark engine unavailable:[/] {problem}")
        return 2
    conf: dict[str, str] = {}
    for item in args.spark_conf:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            console.print(f"[bold red]--spark-conf needs KEY=VALUE:[/] {item!r}")
            return 2
        conf[key.strip()] = value.strip()
    opts = RunOptions(args.dataset, args.start, args.end, args.out, args.engine, args.spark_master,
                      [r.strip() for r in args.rules.split(",") if r.strip()] if args.rules else None,
                      args.memory_limit, args.materialize, spark_conf=conf, cache=not args.no_cache,
                      cache_dir=args.cache_dir, threads=args.threads)
    n = len(opts.rules or RULES) + 2
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=False) as bar:
        task = bar.add_task("analytics", total=n)

        def note(key: str, status: str) -> None:
            bar.update(task, description=f"{key}: {status}")
            if not console.is_terminal:  # a log file (a batch job, a cluster's gateway): one line per step
                console.print(f"{time.strftime('%H:%M:%S')} {key}: {status}", highlight=False, markup=False)
            if status in ("done", "skipped", "failed") or key == "indicators":
                bar.advance(task)
            if key == "load":
                bar.advance(task)

        try:
            res = run(opts, note)
        except InputError as exc:
            console.print(f"[bold red]input error:[/] {exc}")
            return 2
        except RulesError as exc:
            console.print(_("[bold red]rules data error（规则数据错误）:[/] %(error)s") % {"error": exc})
            return 2
    rep = res.report
    t = Table(title=f"read ({rep['engine']['name']} {rep['engine']['version']})")
    for col in ("table", "rows read", "rejected", "notes"):
        t.add_column(col)
    for name, info in rep["tables"].items():
        t.add_row(name, f"{info['rows_read']:,}", f"{info['rows_rejected']:,}", "; ".join(info["notes"]))
    for name in rep["tables_missing"]:
        t.add_row(name, "-", "-", "absent (optional)")
    for name, why in rep["tables_unusable"].items():
        t.add_row(name, "-", "-", why)
    console.print(t)
    r = Table(title="rules")
    for col in ("rule", "status", "alerts", "seconds"):
        r.add_column(col)
    for item in rep["rules_run"]:
        r.add_row(item["id"], "run", f"{item['alerts']:,}", str(rep["timings_s"].get(item["id"], "")))
    for rid, info in rep["rules_skipped"].items():
        r.add_row(rid, "skipped", "-", info["detail"])
    for rid, msg in rep["rules_failed"].items():
        r.add_row(rid, "[red]failed[/]", "-", msg)
    console.print(r)
    console.print(f"rejected rows: {rep['rejected']['rows']:,} · DDD lines left out: "
                  f"{rep['ddd']['lines_left_out']:,} · outputs in {opts.out}")
    return 1 if rep["rules_failed"] else 0


def evaluate_main(argv: list[str]) -> int:
    from weijian.analytics.evaluate import evaluate

    p = argparse.ArgumentParser(prog="weijian analytics evaluate",
                                description="Precision and recall per rule against truth.parquet.")
    p.add_argument("out", type=Path, help="run output folder (or alerts.parquet)")
    p.add_argument("truth", type=Path, help="truth.parquet with rule_id, subject_id")
    args = p.parse_args(argv)
    rows = evaluate(args.out, args.truth)
    t = Table(title="precision / recall per rule")
    for col in ("rule", "TP", "FP", "FN", "precision", "recall"):
        t.add_column(col)
    for row in rows:
        def pct(x: object) -> str:
            return "-" if x is None else f"{float(x):.3f}"  # type: ignore[arg-type]
        t.add_row(str(row["rule_id"]), str(row["tp"]), str(row["fp"]), str(row["fn"]), pct(row["precision"]),
                  pct(row["recall"]))
    Console().print(t)
    return 0


if __name__ == "__main__":
    sys.exit(run_main(sys.argv[1:]))
