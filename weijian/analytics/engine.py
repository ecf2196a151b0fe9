"""Backends: DuckDB embedded (default) or Spark through Ibis's PySpark backend.

Input is always validated in DuckDB (io.Loader). With DuckDB the rules read the clean tables of
that same connection (an on-disk database in the run's work folder, with ``temp_directory``
and ``memory_limit`` so that large joins spill instead of failing). With Spark the clean tables
are written once to Parquet in the work folder and read by the Spark session.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from weijian.analytics import ddd
from weijian.analytics.io import lit, q
from weijian.analytics.rules.base import month_spans


def default_memory_limit() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return f"{max(1, int(total * 0.6 / 2**30))}GB"
    except (ValueError, OSError, AttributeError):
        return "4GB"


@dataclass
class Backend:
    name: str
    version: str
    ibis_con: Any
    load_con: duckdb.DuckDBPyConnection
    spark: Any = None
    workdir: Path | None = None

    def table(self, name: str) -> ir.Table:
        return self.ibis_con.table(name)


def duckdb_config(workdir: Path, memory_limit: str | None, threads: int | None) -> dict[str, Any]:
    tmp = workdir / "spill"
    tmp.mkdir(parents=True, exist_ok=True)
    return {"temp_directory": str(tmp), "memory_limit": memory_limit or default_memory_limit(),
            "threads": threads or os.cpu_count() or 1, "preserve_insertion_order": False}


def open_duckdb(workdir: Path, memory_limit: str | None = None, threads: int | None = None) -> Backend:
    cfg = duckdb_config(workdir, memory_limit, threads)
    con = ibis.duckdb.connect(str(workdir / "run.duckdb"), **cfg)
    return Backend("duckdb", duckdb.__version__, con, con.con, None, workdir)


def spark_session(master: str = "local[2]", shuffle_partitions: int = 8,
                  conf: dict[str, str] | None = None) -> Any:
    """A Spark session on MASTER (``local[N]`` or a cluster URL); CONF settings override the defaults."""
    from pyspark.sql import SparkSession

    settings = {"spark.sql.session.timeZone": "UTC", "spark.sql.shuffle.partitions": str(shuffle_partitions),
                "spark.ui.enabled": "false", "spark.sql.ansi.enabled": "false", **(conf or {})}
    builder = SparkSession.builder.master(master).appName("weijian-analytics")
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def open_spark(workdir: Path, master: str = "local[2]", session: Any = None,
               memory_limit: str | None = None, conf: dict[str, str] | None = None,
               threads: int | None = None) -> Backend:
    import pyspark

    spark = session or spark_session(master, conf=conf)
    con = ibis.pyspark.connect(spark)
    load = duckdb.connect(str(workdir / "load.duckdb"), config=duckdb_config(workdir, memory_limit, threads))
    return Backend("spark", f"pyspark {pyspark.__version__}", con, load, spark, workdir)


def register_tables(backend: Backend, names: list[str], workdir: Path) -> dict[str, ir.Table]:
    """Ibis tables over the clean views, for the rules."""
    if backend.name == "duckdb":
        return {n: backend.table(n) for n in names}
    out: dict[str, ir.Table] = {}
    clean = workdir / "clean"
    clean.mkdir(parents=True, exist_ok=True)
    for n in names:
        path = clean / f"{n}.parquet"
        backend.load_con.execute(f"COPY (SELECT * FROM {q(n)}) TO {lit(str(path))} (FORMAT parquet)")
        out[n] = backend.ibis_con.read_parquet(str(path), table_name=f"wj_{n}")
    return out


def months_table(start: dt.date, end: dt.date) -> pa.Table:
    """Each month overlapping [start, end]: its first day, and the first and last of its days inside the period."""
    rows = month_spans(start, end)
    return pa.table({"month": [r[0] for r in rows], "m_first": [r[1] for r in rows],
                     "m_start": [r[2] for r in rows], "m_end": [r[3] for r in rows]})


def memtable(backend: Backend, data: pa.Table, name: str) -> ir.Table:
    """A small reference table on the backend."""
    if backend.name == "duckdb":
        return backend.ibis_con.create_table(name, data, overwrite=True)
    import pyarrow.parquet as pq

    ref = Path(backend.workdir) / "ref"
    ref.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, ref / f"{name}.parquet")
    return backend.ibis_con.read_parquet(str(ref / f"{name}.parquet"), table_name=name)


def ddd_reference(backend: Backend, tables: dict[str, ir.Table]) -> ddd.Reference:
    """The DDD reference (bundled WHO table by date, rules-data drug codes, the dataset's ``ddd`` rows)."""
    return ddd.reference(lambda data, name: memtable(backend, data, name), tables.get("ddd"),
                         lambda expr: backend.ibis_con.to_pyarrow(expr).to_pylist())
