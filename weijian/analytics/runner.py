"""One analytics run: load and validate, run the rules, write the outputs and the report."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from weijian.analytics import engine as eng
from weijian.analytics import indicators as ind
from weijian.analytics import output, risk, ruledata
from weijian.analytics.io import InputError, Loader, LoadResult, relative_name
from weijian.analytics.measures import ddd_left_out
from weijian.analytics.params import Schedule, records, schedules
from weijian.analytics.registry import RULES
from weijian.analytics.rules.base import Context, Parts, Rule, as_parts, part_expr
from weijian.analytics.schema import TABLES

Progress = Callable[[str, str], None]


@dataclass
class RunOptions:
    dataset: Path
    start: dt.date
    end: dt.date
    out: Path
    engine: str = "duckdb"
    spark_master: str = "local[2]"
    rules: list[str] | None = None
    memory_limit: str | None = None
    materialize: bool = False
    spark_session: Any = None
    keep_workdir: bool = False
    spark_conf: dict[str, str] = field(default_factory=dict)  # extra Spark settings (--spark-conf KEY=VALUE)
    cache: bool = True  # reuse validated input files (see io.Loader); False: validate everything again
    cache_dir: Path | None = None  # default OUT/.cache; share one folder to reuse across output folders
    threads: int | None = None  # DuckDB threads (validation, and the rules on DuckDB); default every core


@dataclass
class RunResult:
    report: dict[str, Any]
    alerts_file: Path
    indicators: pa.Table
    risk: pa.Table
    load: LoadResult | None = None
    failed: list[str] = field(default_factory=list)

    @property
    def alerts(self) -> pa.Table:
        """OUT/alerts.parquet, read when asked for: the run itself never holds every alert at once."""
        return pq.read_table(self.alerts_file)


def _rule_list(names: list[str] | None) -> list[Rule]:
    if not names:
        return list(RULES.values())
    unknown = [n for n in names if n not in RULES]
    if unknown:
        raise InputError(f"unknown rule(s): {', '.join(unknown)}; known: {', '.join(RULES)}")
    return [RULES[n] for n in names]


def run(opts: RunOptions, progress: Progress | None = None) -> RunResult:
    if opts.end < opts.start:
        raise InputError(f"--end {opts.end} is before --start {opts.start}")
    note = progress or (lambda _k, _m: None)
    rules = _rule_list(opts.rules)
    ruledata.validate()  # a missing, unknown or ill-typed rules key stops the run before any data is read
    risk_cfg = risk.config(opts.end, RULES)
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    work = out / ".work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    t0 = time.perf_counter()
    try:
        if opts.engine == "duckdb":
            backend = eng.open_duckdb(work, opts.memory_limit, opts.threads)
        elif opts.engine == "spark":
            backend = eng.open_spark(work, opts.spark_master, opts.spark_session, opts.memory_limit,
                                     opts.spark_conf, opts.threads)
        else:
            raise InputError(f"unknown engine {opts.engine!r} (duckdb or spark)")
        note("load", "reading and validating input")
        cache_dir = (Path(opts.cache_dir) if opts.cache_dir else out / ".cache") if opts.cache else None
        loader = Loader(backend.load_con, Path(opts.dataset), work, materialize=opts.materialize,
                        cache_dir=cache_dir, rules_hash=ruledata.record()["hash"])
        loaded = loader.load_all()
        n_rejected = loader.write_rejects(loaded, out / "rejected.parquet")
        t_load = time.perf_counter() - t0
        tables = eng.register_tables(backend, list(loaded.tables), work)
        months = eng.memtable(backend, eng.months_table(opts.start, opts.end), "wj_months")
        ddd_ref = eng.ddd_reference(backend, tables)
        ind_params = schedules(ind.PARAMS, opts.start, opts.end)
        base_ctx = Context(opts.start, opts.end, tables, ind_params, months, ddd_ref,
                           {n: t.rows_clean for n, t in loaded.tables.items()})
        result = _run_rules(rules, base_ctx, backend, note, Path(opts.dataset), work, out / "alerts.parquet")
        note("indicators", "indicators")
        t1 = time.perf_counter()
        try:
            ind_parts = [backend.ibis_con.to_pyarrow(e) for e in ind.build(base_ctx).values()]
        finally:
            base_ctx.release_staged()
        indicators = output.shape_indicators(ind_parts)
        ddd_report = _ddd_report(base_ctx, backend, ddd_ref.report)
        t_ind = time.perf_counter() - t1
        inst_ids = backend.ibis_con.to_pyarrow(tables["institutions"].select("institution_id"))
        risk_t = risk.score(inst_ids.column(0).to_pylist(), result["tallies"], indicators, risk_cfg)
        output.write_parquet(indicators, out / "indicators.parquet")
        output.write_parquet(risk_t, out / "risk.parquet")
        report = {
            "contract": "analytics-v1",
            "dataset": str(opts.dataset),
            "period": {"start": opts.start.isoformat(), "end": opts.end.isoformat()},
            "engine": {"name": backend.name, "version": backend.version, "ibis": ibis.__version__,
                       "duckdb_threads": int(backend.load_con.execute("SELECT current_setting('threads')").fetchone()[0])},
            "tables": {n: {"files": t.files, "format": t.fmt, "encoding": t.encoding, "rows_read": t.rows_read,
                           "rows_rejected": t.rows_rejected, "rows_used": t.rows_clean, "notes": t.notes}
                       for n, t in loaded.tables.items()},
            "tables_missing": loaded.missing_optional,
            "tables_unusable": loaded.unusable_optional,
            "rejected": {"rows": n_rejected, "file": "rejected.parquet",
                         "by_reason": {n: t.reject_counts for n, t in loaded.tables.items() if t.reject_counts},
                         "examples": [e for t in loaded.tables.values() for e in t.examples][:100]},
            "integrity": loaded.integrity,
            "cache": {**loader.cache_report(), "dir": str(cache_dir) if cache_dir else None},
            "rules_data": ruledata.record(),
            "ddd": ddd_report,
            "rules_run": result["run"],
            "rules_skipped": result["skipped"],
            "rules_failed": result["failed"],
            "alerts": {"rows": result["rows"], "by_rule": result["counts"]},
            "indicators": {"rows": indicators.num_rows, "params": records(ind_params)},
            "risk": {"institutions": risk_t.num_rows, "as_of": opts.end.isoformat(), "params": risk_cfg.used},
            "timings_s": {"load_validate": round(t_load, 3), **result["timings"],
                          "indicators": round(t_ind, 3), "total": round(time.perf_counter() - t0, 3)},
        }
        (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str),
                                         encoding="utf-8")
        return RunResult(report, out / "alerts.parquet", indicators, risk_t, loaded, list(result["failed"]))
    finally:
        if not opts.keep_workdir:
            shutil.rmtree(work, ignore_errors=True)


def _run_rules(rules: list[Rule], base: Context, backend: eng.Backend, note: Progress, dataset: Path,
               work: Path, alerts_file: Path) -> dict[str, Any]:
    """Run each rule, keep its result in the work folder, then shape and write the alerts one rule at a time:
    memory holds one rule's alerts, never all of them."""
    have = set(base.tables)
    skipped, failed, timings = {}, {}, {}
    kept: list[tuple[Rule, Path, dict[str, Schedule]]] = []
    fired: list[pa.Array] = []  # the visits the visit rules fired on, for one pass over the charges
    for rule in rules:
        missing = [t for t in rule.tables if t not in have]
        if missing:
            why = ", ".join(f"{t} ({'optional, absent' if TABLES[t].optional else 'absent'})" for t in missing)
            skipped[rule.id] = {"reason": "missing tables", "tables": missing, "detail": why}
            note(rule.id, "skipped")
            continue
        scheds = schedules(rule.params, base.start, base.end)
        absent = [str(s.param) for s in scheds.values() if s.empty]
        if absent:
            skipped[rule.id] = {"reason": "no parameter in force",
                                "detail": f"no value in force between {base.start} and {base.end}: "
                                          + ", ".join(absent)}
            note(rule.id, "skipped")
            continue
        note(rule.id, "running")
        ctx = replace(base, params={**base.params, **scheds})
        t = time.perf_counter()
        try:
            raw = pa.concat_tables(_run_parts(backend, ctx, as_parts(rule.build(ctx))), promote_options="default")
            if rule.post is not None:
                raw = rule.post(raw, ctx)
        except Exception as exc:  # one broken rule must not lose the others' results
            failed[rule.id] = _failure(exc)
            note(rule.id, "failed")
            continue
        timings[rule.id] = round(time.perf_counter() - t, 3)
        if rule.subject_type == "visit" and raw.num_rows:
            fired.append(pc.unique(pc.cast(raw.column("subject_id"), pa.string()).combine_chunks()))
        kept.append((rule, _keep(raw, work / f"rule-{rule.id}.arrow"), scheds))
        del raw
        note(rule.id, "done")
    amounts = _visit_amounts(base, backend, fired)
    done: dict[str, dict[str, Any]] = {}
    tallies: list[pa.Table] = []
    with output.AlertWriter(alerts_file) as writer:
        for rule, path, scheds in sorted(kept, key=lambda k: k[0].id):
            try:
                shaped = _shape(rule, _read_kept(path), base, amounts, dataset)
            except Exception as exc:  # as above: a rule whose output cannot be shaped fails alone
                failed[rule.id] = _failure(exc)
                timings.pop(rule.id, None)
                note(rule.id, "failed")
                continue
            finally:
                path.unlink()
            writer.write(shaped)
            tallies.append(risk.tally(shaped))
            done[rule.id] = {**rule.meta(), "alerts": shaped.num_rows, "params": records(scheds)}
    order = [rule.id for rule, _, _ in kept if rule.id in done]
    return {"run": [done[r] for r in order], "skipped": skipped, "failed": failed, "timings": timings,
            "counts": {r: done[r]["alerts"] for r in order}, "rows": writer.rows, "tallies": tallies}


def _run_parts(backend: eng.Backend, ctx: Context, parts: Parts) -> list[pa.Table]:
    """Each part's rows, one part after another; what a part staged is released when it ends."""
    out: list[pa.Table] = []
    try:
        for part in parts:
            out.append(backend.ibis_con.to_pyarrow(part_expr(part)))
            ctx.release_staged()
    finally:
        ctx.release_staged()
    return out


def _failure(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def _keep(raw: pa.Table, path: Path) -> Path:
    """A rule's result in the work folder until it is shaped (Arrow IPC: every type comes back as it was)."""
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, raw.schema) as w:
        w.write_table(raw)
    return path


def _read_kept(path: Path) -> pa.Table:
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


def _shape(rule: Rule, raw: pa.Table, base: Context, amounts: pa.Table, dataset: Path) -> pa.Table:
    """A rule's result as rows of alerts.parquet, with the visit amounts and dataset-relative source files."""
    if rule.subject_type == "visit" and raw.num_rows:
        at = pc.index_in(pc.cast(raw.column("subject_id"), pa.string()), value_set=amounts.column("visit_id"))
        raw = raw.append_column("ev_amount", pc.fill_null(pc.take(amounts.column("amount"), at), 0.0))
    if "ev_source_file" in raw.column_names and raw.num_rows:
        # a handful of files among millions of alerts: name each file once, then index
        i = raw.column_names.index("ev_source_file")
        files = pc.dictionary_encode(raw.column(i)).combine_chunks()
        names = pa.array([relative_name(dataset, f) for f in files.dictionary.to_pylist()], pa.string())
        raw = raw.set_column(i, "ev_source_file", pc.take(names, files.indices))
    return output.shape_alerts(rule, raw, base.start, base.end)


AMOUNTS = pa.schema([("visit_id", pa.string()), ("amount", pa.float64())])


def _visit_amounts(base: Context, backend: eng.Backend, fired: list[pa.Array]) -> pa.Table:
    """Total charged amount of each visit some rule fired on: one pass over the charges for all of them."""
    if not fired or "charges" not in base.tables:
        return AMOUNTS.empty_table()
    ids = pc.drop_null(pc.unique(pa.chunked_array(fired, pa.string()).combine_chunks()))
    ids = pc.take(ids, pc.sort_indices(ids))
    fired_t = eng.memtable(backend, pa.table({"f_visit": ids}), "wj_fired_visits")
    c = base.t("charges")
    j = c.join(fired_t, c.visit_id == fired_t.f_visit)
    agg = j.group_by(j.visit_id).aggregate(amount=j.amount.sum().round(2))
    got = backend.ibis_con.to_pyarrow(agg)
    return pa.table({"visit_id": pc.cast(got.column("visit_id"), pa.string()),
                     "amount": pc.cast(got.column("amount"), pa.float64())}, schema=AMOUNTS)


def _ddd_report(ctx: Context, backend: eng.Backend, reference: dict[str, Any]) -> dict[str, Any]:
    """What the intensity measured and left out, and which reference it used."""
    queries = ddd_left_out(ctx)
    by_reason = {r["reason"]: int(r["n"]) for r in backend.ibis_con.to_pyarrow(queries["by_reason"]).to_pylist()}
    named = by_reason.get("unit_not_convertible", 0) > 0  # name the drugs only when there are any
    parts = {k: backend.ibis_con.to_pyarrow(queries[k]).to_pylist() if named else [] for k in ("drugs", "examples")}
    total = sum(by_reason.values())
    left = {k: v for k, v in by_reason.items() if k != "counted"}
    groups = ctx.param("counted_atc_groups")
    return {
        "reference": reference,
        "counted_atc_groups": records({"counted_atc_groups": groups})["counted_atc_groups"],
        "inpatient_lines": total,
        "lines_left_out": sum(left.values()),
        "left_out_by_reason": left,
        "reasons": {"no_strength": "no unit_strength_g", "no_ddd": "no DDD for (atc_code, route) on the line's date",
                    "unit_not_convertible": "strength_unit cannot be converted to the DDD's unit"},
        "unit_not_convertible": {
            "lines": left.get("unit_not_convertible", 0),
            "drugs": [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()}
                      for r in parts["drugs"]],
            "examples": [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()}
                         for r in parts["examples"]],
        },
    }
