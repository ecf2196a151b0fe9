"""Shaping rule results into the contract's output files (OUT/alerts.parquet …).

Rule results come back from either engine as Arrow tables; the final shaping (evidence JSON,
rounding, types, order) happens here in one local DuckDB so that both engines give the same
bytes for the same rows. Evidence columns ``ev_<key>`` become JSON keys; ``ev_<key>__ts``
(local epoch seconds) become ISO local timestamps.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from weijian.analytics.io import lit, q
from weijian.analytics.rules.base import Rule

ALERT_SCHEMA = pa.schema([
    ("rule_id", pa.string()), ("subject_type", pa.string()), ("subject_id", pa.string()),
    ("institution_id", pa.string()), ("period_start", pa.date32()), ("period_end", pa.date32()),
    ("value", pa.float64()), ("threshold", pa.float64()), ("severity", pa.string()), ("evidence", pa.string()),
])
INDICATOR_SCHEMA = pa.schema([("indicator_id", pa.string()), ("institution_id", pa.string()),
                              ("period", pa.string()), ("value", pa.float64())])
RISK_SCHEMA = pa.schema([("institution_id", pa.string()), ("score", pa.float64()), ("grade", pa.string()),
                         ("reasons", pa.string())])


@functools.cache
def _database() -> duckdb.DuckDBPyConnection:
    """The process's one in-memory DuckDB for shaping; each use takes a cursor (a connection of its own, with
    its own registered tables): opening a database costs about 30 ms, a cursor under 1 ms, and a run shapes
    each rule's result apart."""
    return duckdb.connect()


def local() -> duckdb.DuckDBPyConnection:
    """A fresh connection to the shaping database (close it, or let it go, when done)."""
    return _database().cursor()


def _ev_expr(name: str, typ: pa.DataType) -> tuple[str, str]:
    key = name[3:]
    col = q(name)
    if key.endswith("__ts"):
        return key[:-4], (f"strftime(make_timestamp(CAST({col} AS BIGINT) * 1000000), '%Y-%m-%dT%H:%M:%S')")
    if pa.types.is_decimal(typ) or pa.types.is_floating(typ):
        return key, f"round(CAST({col} AS DOUBLE), 6)"
    if pa.types.is_integer(typ):
        return key, f"CAST({col} AS BIGINT)"
    if pa.types.is_date(typ) or pa.types.is_timestamp(typ):
        return key, f"CAST({col} AS VARCHAR)"
    return key, col


def shape_alerts(rule: Rule, raw: pa.Table, start: dt.date, end: dt.date) -> pa.Table:
    """Rule result → rows of alerts.parquet, sorted by subject_id."""
    if raw.num_rows == 0:
        return ALERT_SCHEMA.empty_table()
    con = local()
    con.register("raw", raw)
    ev = [_ev_expr(f.name, f.type) for f in raw.schema if f.name.startswith("ev_")]
    obj = "json_object(" + ", ".join(f"{lit(k)}, {e}" for k, e in ev) + ")" if ev else "'{}'"
    sql = f"""
        SELECT {lit(rule.id)} AS rule_id, {lit(rule.subject_type)} AS subject_type,
               CAST(subject_id AS VARCHAR) AS subject_id, CAST(institution_id AS VARCHAR) AS institution_id,
               DATE {lit(start.isoformat())} AS period_start, DATE {lit(end.isoformat())} AS period_end,
               round(CAST(value AS DOUBLE), 6) AS value, round(CAST(threshold AS DOUBLE), 6) AS threshold,
               {lit(rule.severity)} AS severity, CAST({obj} AS VARCHAR) AS evidence
        FROM raw ORDER BY subject_id, evidence"""
    return con.sql(sql).to_arrow_table().cast(ALERT_SCHEMA)


class AlertWriter:
    """OUT/alerts.parquet written one rule's shaped alerts at a time, the rules in ``rule_id`` order: each part
    is sorted by subject_id, so the file is sorted by (rule_id, subject_id) without ever holding every alert (a
    city's year has millions, with their evidence)."""

    def __init__(self, path: Path) -> None:
        self._writer = pq.ParquetWriter(path, ALERT_SCHEMA)
        self._last = ""
        self.rows = 0

    def write(self, part: pa.Table) -> None:
        if part.num_rows == 0:
            return
        rule = part.column("rule_id")[0].as_py()
        if rule < self._last:
            raise ValueError(f"alerts of {rule} written after those of {self._last}")
        self._last = rule
        self._writer.write_table(part)
        self.rows += part.num_rows

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> AlertWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_parquet(t: pa.Table, path: Path) -> None:
    pq.write_table(t, path)


def shape_indicators(parts: list[pa.Table]) -> pa.Table:
    rows = [p.select(INDICATOR_SCHEMA.names).cast(INDICATOR_SCHEMA) for p in parts if p.num_rows]
    if not rows:
        return INDICATOR_SCHEMA.empty_table()
    t = pa.concat_tables(rows)
    con = local()
    con.register("t", t)
    return con.sql("SELECT indicator_id, institution_id, period, round(value, 6) AS value FROM t "
                       "ORDER BY indicator_id, institution_id, period").to_arrow_table().cast(INDICATOR_SCHEMA)
