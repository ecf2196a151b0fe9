"""Reading and validating a dataset folder (contracts/analytics-v1.md, "Layout").

Every input file is read once, in DuckDB and without loading it into Python: Parquet files (one
file or each file of a folder) through ``read_parquet``; CSV files as text (detecting GBK/GB18030
and transcoding it, noted in the report) into a table whose ``rowid`` gives the CSV line.
Validation is one vectorised SQL expression per table, evaluated in one pass per file: a
Parquet file already typed as the contract says is counted through it (rows, rejects) and, when
nothing is rejected, read in place by the rules (no copy); any other file is written once, typed,
to a Parquet file (zstd) holding each row's first failing column, its raw value and the reason.
Rejected rows go to ``rejected.parquet``; the rules read only the view ``<table>``, a ``UNION ALL``
over the table's files that leaves them out. Nothing here loops over rows in Python.

Clean tables keep the contract's column names and types, except ``ts`` columns, which become
BIGINT seconds of Asia/Shanghai local time since 1970-01-01 (naive values are taken as local,
values with an offset are converted), each with a DATE companion ``<col>_date``. Each clean row
also says where it came from: ``_src_file`` (the file as read; :func:`relative_name` makes it
relative to the dataset folder for the few rows an alert names) and ``_src_row`` (the CSV line
number, or the row number inside the Parquet file, as ``rejected.parquet`` numbers them).
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import json
import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from stdnum.cn import uscc

from weijian.analytics.schema import TABLES, Column, Table
from weijian.i18n import gettext as _

SHANGHAI_OFFSET_S = 8 * 3600
MAX_EXAMPLES = 20
TS_RE = r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$"


class InputError(Exception):
    """A required table is unreadable or lacks a required column: the run stops."""


@dataclass
class TableLoad:
    name: str
    files: list[str]
    fmt: str  # parquet | csv
    rows_read: int = 0
    rows_rejected: int = 0
    encoding: str | None = None
    reject_counts: list[dict[str, Any]] = field(default_factory=list)
    examples: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_clean(self) -> int:
        return self.rows_read - self.rows_rejected


@dataclass
class LoadResult:
    tables: dict[str, TableLoad]
    missing_optional: list[str]
    unusable_optional: dict[str, str]
    warnings: list[str]
    integrity: dict[str, Any]

    def available(self) -> set[str]:
        return set(self.tables)


def q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def relative_name(dataset: Path, file: str | None) -> str | None:
    """A file the loader read, named relative to the dataset folder (``charges/part-0001.parquet``)."""
    if file is None:
        return None
    prefix = str(dataset).rstrip("/") + "/"
    return file[len(prefix):] if file.startswith(prefix) else file


def locate(dataset: Path, table: str) -> tuple[str, list[Path]] | None:
    """Find TABLE.parquet, TABLE.csv or a folder TABLE/ of Parquet files."""
    pq = dataset / f"{table}.parquet"
    csv = dataset / f"{table}.csv"
    folder = dataset / table
    if pq.is_file():
        return "parquet", [pq]
    if csv.is_file():
        return "csv", [csv]
    if folder.is_dir():
        files = sorted(p for p in folder.rglob("*.parquet") if p.is_file())
        return "parquet", files
    return None


def detect_encoding(path: Path, sample: int = 1 << 20) -> str:
    """``utf-8`` or ``gb18030`` (a superset of GBK), judged on the first MiB."""
    with path.open("rb") as fh:
        head = fh.read(sample)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        return "utf-8"  # let the reader report it


def transcode_to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """Stream a file into UTF-8 in chunks (no per-row work)."""
    out = Path(tempfile.mkstemp(suffix=".csv", dir=workdir)[1])
    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(8 << 20):
            dst.write(dec.decode(chunk))
        dst.write(dec.decode(b"", final=True))
    return out


# --------------------------------------------------------------------------- casts


def _is_text(dtype: str) -> bool:
    return dtype.upper() in ("VARCHAR", "BLOB") or dtype.upper().startswith("VARCHAR")


def cast_expr(col: Column, raw: str, dtype: str) -> str:
    """SQL turning the raw column into the contract type (NULL when it cannot)."""
    text = _is_text(dtype)
    t = col.type
    if t == "str":
        return f"CAST({raw} AS VARCHAR)"
    if t == "int":
        return f"TRY_CAST(trim({raw}) AS BIGINT)" if text else f"TRY_CAST({raw} AS BIGINT)"
    if t in ("float", "money"):
        inner = f"TRY_CAST(trim({raw}) AS DOUBLE)" if text else f"TRY_CAST({raw} AS DOUBLE)"
        return inner
    if t == "bool":
        if text:
            return (f"CASE lower(trim({raw})) WHEN 'true' THEN TRUE WHEN '1' THEN TRUE "
                    f"WHEN 'false' THEN FALSE WHEN '0' THEN FALSE END")
        if dtype.upper() == "BOOLEAN":
            return raw
        return f"CASE TRY_CAST({raw} AS BIGINT) WHEN 1 THEN TRUE WHEN 0 THEN FALSE END"
    if t == "date":
        if text:
            return (f"CASE WHEN regexp_full_match(trim({raw}), '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
                    f"THEN TRY_CAST(trim({raw}) AS DATE) END")
        return f"TRY_CAST({raw} AS DATE)"
    if t == "ts":
        up = dtype.upper()
        if text:
            s = f"trim({raw})"
            naive = (f"TRY_CAST(regexp_extract({s}, '{TS_RE}', 1) || ' ' || "
                     f"regexp_extract({s}, '{TS_RE}', 2) AS TIMESTAMP)")
            off = f"regexp_extract({s}, '{TS_RE}', 5)"
            off_s = (f"(CASE WHEN {off} = 'Z' THEN 0 ELSE "
                     f"(CASE WHEN left({off}, 1) = '-' THEN -1 ELSE 1 END) * "
                     f"(TRY_CAST(substr(replace({off}, ':', ''), 2, 2) AS BIGINT) * 3600 + "
                     f"TRY_CAST(substr(replace({off}, ':', ''), 4, 2) AS BIGINT) * 60) END)")
            return (f"CASE WHEN regexp_full_match({s}, '{TS_RE}') THEN "
                    f"CAST(floor(epoch({naive})) AS BIGINT) - "
                    f"(CASE WHEN {off} = '' THEN 0 ELSE {off_s} - {SHANGHAI_OFFSET_S} END) END")
        if "TIME ZONE" in up or up == "TIMESTAMPTZ":
            return f"CAST(floor(epoch({raw})) AS BIGINT) + {SHANGHAI_OFFSET_S}"
        if up.startswith("TIMESTAMP") or up == "DATE":
            return f"CAST(floor(epoch(CAST({raw} AS TIMESTAMP))) AS BIGINT)"
        return "CAST(NULL AS BIGINT)"
    raise ValueError(t)


def checks(col: Column, raw: str, cast: str, invalid_uscc_table: str | None) -> list[tuple[str, str, str]]:
    """(condition, reason, kind) triples, in order; the first true condition rejects the row.

    kind: ``null`` (a null where none may be), ``cast`` (the value does not convert: never, for a column already
    of the contract's type) or ``value`` (the converted value breaks a rule)."""
    out: list[tuple[str, str, str]] = []
    if col.nullable:
        out.append((f"({raw}) IS NOT NULL AND ({cast}) IS NULL", f"unparseable {col.type}", "cast"))
    else:
        out.append((f"({raw}) IS NULL", "null in non-nullable column", "null"))
        out.append((f"({cast}) IS NULL", f"unparseable {col.type} (wrong type)", "cast"))
    if col.type in ("float", "money"):
        out.append((f"NOT isfinite({cast})", "not a finite number", "value"))
    if col.enum:
        values = ", ".join(lit(v) for v in col.enum)
        out.append((f"({cast}) NOT IN ({values})", "unknown enumeration value", "value"))
    if col.non_negative:
        out.append((f"({cast}) < 0", "negative value", "value"))
    if col.check == "practitioner_id":
        out.append((f"NOT regexp_full_match({cast}, '[0-9]{{15}}')", "invalid practitioner_id (not 15 digits)",
                    "value"))
    if col.check == "dept_code":
        out.append((f"NOT regexp_full_match({cast}, '[0-9]{{2}}(\\.[0-9]{{2}})?')",
                    _("invalid 诊疗科目 dept_code (NN or NN.NN)"), "value"))
    if col.check == "uscc" and invalid_uscc_table:
        out.append((f"({cast}) IN (SELECT id FROM {invalid_uscc_table})",
                    _("invalid 统一社会信用代码 (GB 32100 check character)"), "value"))
    return out


# --------------------------------------------------------------------------- units

# A foreign-key check's hash table, per key of the parent (a short id string, its hash and the table's slot): the
# check is partitioned so that each partition's table stays under a third of DuckDB's memory limit. Measured: 81 bytes
# of peak RSS per 13-character visit id over 4.7 M visits, scan buffers included; the table alone is less.
FK_BYTES_PER_KEY = 64
# How many of the parent's keys are sampled to cut it into key ranges of about equal size.
FK_RANGE_SAMPLE = 100_000
CONTRACT = "analytics-v1"
# Bump when what validation writes changes (casts, checks, the columns of a unit): cached units go stale.
VALIDATION_VERSION = "3"
CHECK_COLUMNS = ("_rcol", "_reason", "_value")
# Input column types that need no conversion to the contract's type: a clean file of such columns is read as it is.
_NATIVE = {"str": ("VARCHAR",), "int": ("BIGINT", "INTEGER", "SMALLINT", "TINYINT"), "float": ("DOUBLE", "FLOAT"),
           "money": ("DOUBLE", "FLOAT"), "bool": ("BOOLEAN",), "date": ("DATE",),
           "ts": ("TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "TIMESTAMP WITH TIME ZONE")}


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes (streamed)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _hash_or_none(path: Path) -> str | None:
    try:
        return content_hash(path)
    except OSError:
        return None


def typed_as_contract(spec: Table, cols: dict[str, str]) -> bool:
    """Whether every contract column present in COLS already has the contract's type (casts are no-ops)."""
    return all(cols[c.name].upper() in _NATIVE[c.type] for c in spec.columns if c.name in cols)


def date_companions(ts_cols: list[str]) -> str:
    """``, <ts>_date`` for each ts column (BIGINT local seconds → DATE)."""
    return "".join(f", CAST(DATE '1970-01-01' + CAST(floor({q(c)} / 86400) AS INTEGER) AS DATE) "
                   f"AS {q(c + '_date')}" for c in ts_cols)


# A table's validation, from the columns as read: the casts, the reject column / reason / raw value CASEs,
# one boolean that is true where any check fails (what counting needs: no CASE producing strings per row), and
# the checks themselves as (condition, column, kind).
Plan = tuple[list[str], str, str, str, str, list[tuple[str, str, str]]]


@dataclass
class Unit:
    """One input file, validated: where its clean rows are read from, and what was counted.

    ``kind`` is ``input`` when the file had no rejects and its columns already have the contract's types:
    its clean rows are then the input file itself, read through the (no-op) casts, and nothing is copied.
    Otherwise (``parquet``) the validated rows were written once to a Parquet file (zstd) with the three
    check columns, NULL on clean rows: the rejects are the rows where they are not.
    """

    file: str  # the file as read (``rejected.parquet`` and ``_src_file`` name it)
    key: str
    path: Path  # the Parquet file the clean rows are read from (for ``input``, the input file itself)
    kind: str  # input | parquet
    meta: dict[str, Any]
    reused: bool
    select: list[str] = field(default_factory=list)  # ``input``: the casts the input file is read through

    def rejects_sql(self) -> str:
        """The unit's rejects (row, column, value, reason); none for an ``input`` unit."""
        if self.kind == "input":
            return ("SELECT NULL::BIGINT AS row, NULL::VARCHAR AS \"column\", NULL::VARCHAR AS value, "
                    "NULL::VARCHAR AS reason WHERE false")
        return (f"SELECT CAST(_src_row AS BIGINT) AS row, _rcol AS \"column\", _value AS value, _reason AS reason "
                f"FROM read_parquet({lit(str(self.path))}) WHERE _rcol IS NOT NULL")


# --------------------------------------------------------------------------- loader


class Loader:
    """Validates every table of a dataset once, file by file, into typed columnar units.

    Each input file (a CSV file, a Parquet file, or each Parquet file of a partitioned folder) is read
    and validated in one pass into a *unit* plus a JSON file of its counts and examples. A Parquet file
    whose columns already have the contract's types is validated by one aggregate pass over all such files of
    its table (rows and rejects per file, :meth:`_count_typed`); when it has no rejects, the unit is the file
    itself (nothing copied, see :class:`Unit`). Any other file (CSV, text-typed columns, rejects) is validated
    in one pass that writes the contract's typed columns, ``_src_row``, the ``<ts>_date`` companions and the
    three check columns to a Parquet file (zstd). The rules read the view ``<table>``, a ``UNION ALL`` over the table's units that drops
    rejected rows and adds ``_src_file``: never the validation expressions.

    Units live in ``cache_dir`` under a key made of the file's content hash, the contract version, the
    engine's version (weijian, :data:`VALIDATION_VERSION`, DuckDB), the rules data's hash, the table's
    specification and the columns the file is read with: a re-run over the same files reuses them, and a
    run over a folder of monthly files validates only the months it has not seen. Without ``cache_dir``
    the units are written to the work folder and go with it.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, dataset: Path, workdir: Path,
                 materialize: bool = False, cache_dir: Path | None = None, rules_hash: str = "") -> None:
        self.con = con
        self.dataset = Path(dataset)
        self.workdir = Path(workdir)
        self.materialize = materialize  # kept for callers: validated tables are always columnar now
        self.cache_dir = Path(cache_dir) if cache_dir else self.workdir / "units"
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.persistent = cache_dir is not None
        self.rules_hash = rules_hash
        self.units: dict[str, list[Unit]] = {}
        self.hash_s = 0.0
        self._digests: dict[Path, str] = {}  # content hashes taken ahead (``_hash_ahead``)

    def _describe(self, relation_sql: str) -> dict[str, str]:
        rows = self.con.execute(f"DESCRIBE SELECT * FROM {relation_sql}").fetchall()
        return {r[0]: r[1] for r in rows}

    def _key(self, spec: Table, fmt: str, cols: dict[str, str], path: Path) -> str:
        import time

        from weijian import __version__

        t = time.perf_counter()
        digest = self._digests.get(path) or content_hash(path)
        self.hash_s += time.perf_counter() - t
        parts = [CONTRACT, f"weijian {__version__}", f"validation {VALIDATION_VERSION}",
                 f"duckdb {duckdb.__version__}", f"rules {self.rules_hash}", repr(spec), fmt,
                 json.dumps(cols, sort_keys=True), digest]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]

    def _cached(self, key: str) -> dict[str, Any] | None:
        meta_file = self.cache_dir / f"{key}.json"
        if not meta_file.is_file():
            return None
        try:
            meta: dict[str, Any] = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("kind") != "input" and not (self.cache_dir / f"{key}.parquet").is_file():
            return None
        return meta

    def _save(self, key: str, meta: dict[str, Any]) -> None:
        (self.cache_dir / f"{key}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    def _plan(self, spec: Table, cols: dict[str, str], fmt: str, load: TableLoad,
              invalid_uscc_table: str | None) -> Plan:
        """Casts (``… AS col``), the reject column / reason / raw value CASEs and "any check fails" (see Plan)."""
        select: list[str] = []
        conds: list[tuple[str, str, str, str]] = []  # (cond, column, reason, raw)
        kinds: list[tuple[str, str, str]] = []  # (cond, column, kind)
        for c in spec.columns:
            if c.name not in cols:
                load.notes.append(f"nullable column {c.name} absent: treated as null")
                sql_t = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "money": "DOUBLE",
                         "bool": "BOOLEAN", "date": "DATE", "ts": "BIGINT"}[c.type]
                select.append(f"CAST(NULL AS {sql_t}) AS {q(c.name)}")
                continue
            raw_c = q(c.name)
            if _is_text(cols[c.name]) and fmt == "parquet":
                raw_c = f"NULLIF({q(c.name)}, '')" if c.type != "str" else raw_c
            cast = cast_expr(c, raw_c, cols[c.name])
            select.append(f"{cast} AS {q(c.name)}")
            for cond, reason, kind in checks(c, raw_c, cast, invalid_uscc_table):
                conds.append((cond, c.name, reason, raw_c))
                kinds.append((cond, c.name, kind))
        if conds:
            rc = "CASE " + " ".join(f"WHEN {cd} THEN {lit(cn)}" for cd, cn, _, _ in conds) + " END"
            rr = "CASE " + " ".join(f"WHEN {cd} THEN {lit(r)}" for cd, _, r, _ in conds) + " END"
            rv = "CASE " + " ".join(f"WHEN {cd} THEN CAST({rw} AS VARCHAR)" for cd, _, _, rw in conds) + " END"
            failed = "coalesce(" + " OR ".join(f"({cd})" for cd, _, _, _ in conds) + ", false)"
        else:
            rc = rr = rv = "CAST(NULL AS VARCHAR)"
            failed = "false"
        return select, rc, rr, rv, failed, kinds

    def _build_unit(self, spec: Table, key: str, raw: str, row_expr: str,
                    plan: Plan, ts_cols: list[str]) -> dict[str, Any]:
        """Validate RAW in one pass into the Parquet unit KEY; its counts and examples."""
        select, rc, rr, rv = plan[:4]
        tmp = self.cache_dir / f"{key}.{os.getpid()}.tmp"
        tmp.unlink(missing_ok=True)
        names = ", ".join(q(c.name) for c in spec.columns)
        self.con.execute(
            f"COPY (SELECT {names}, _src_row{date_companions(ts_cols)}, _rcol, _reason, _value FROM ("
            f"SELECT {', '.join(select)}, {row_expr} AS _src_row, {rc} AS _rcol, {rr} AS _reason, "
            f"{rv} AS _value FROM {raw})) TO {lit(str(tmp))} (FORMAT parquet, COMPRESSION zstd)")
        pq = f"read_parquet({lit(str(tmp))})"
        row = self.con.execute(f"SELECT count(*), count(_rcol) FROM {pq}").fetchone()
        assert row is not None
        meta: dict[str, Any] = {"kind": "parquet", "rows_read": int(row[0]), "rows_rejected": int(row[1]),
                                "reject_counts": [], "examples": []}
        if meta["rows_rejected"]:
            rejects = (f"(SELECT CAST(_src_row AS BIGINT) AS row, _rcol AS \"column\", _value AS value, "
                       f"_reason AS reason FROM {pq} WHERE _rcol IS NOT NULL)")
            meta["reject_counts"] = [
                [r[0], r[1], int(r[2])] for r in self.con.execute(
                    f"SELECT \"column\", reason, count(*) FROM {rejects} GROUP BY ALL").fetchall()]
            meta["examples"] = [list(r) for r in self.con.execute(
                f"SELECT row, \"column\", value, reason FROM {rejects} ORDER BY row LIMIT {MAX_EXAMPLES}").fetchall()]
        tmp.replace(self.cache_dir / f"{key}.parquet")
        return meta

    def _view_parts(self, spec: Table, units: list[Unit], ts_cols: list[str]) -> list[str]:
        """The units' clean rows as the rules read them (contract columns, ``_src_file``, ``_src_row``, dates).

        All the table's ``input`` units are one ``read_parquet`` over their files, and all its validated units
        another (their ``_src_file`` looked up from the unit's path): a city's year is 312 files a table, and
        a view uniting 312 scans made DuckDB's optimiser take half a minute over every query that reads it."""
        names = ", ".join(q(c.name) for c in spec.columns)
        dates = "".join(", " + q(c + "_date") for c in ts_cols)
        parts = []
        inputs = [u for u in units if u.kind == "input"]
        if inputs:
            files = "[" + ", ".join(lit(str(u.path)) for u in inputs) + "]"
            inner = (f"SELECT {', '.join(inputs[0].select)}, CAST(filename AS VARCHAR) AS _src_file, "
                     f"file_row_number AS _src_row FROM read_parquet({files}, filename=true, file_row_number=true, "
                     f"union_by_name=true)")
            parts.append(f"SELECT {names}, _src_file, _src_row{date_companions(ts_cols)} FROM ({inner})")
        copies = [u for u in units if u.kind != "input"]
        if len(copies) == 1:
            parts.append(f"SELECT {names}, CAST({lit(copies[0].file)} AS VARCHAR) AS _src_file, _src_row{dates} "
                         f"FROM read_parquet({lit(str(copies[0].path))}) WHERE _rcol IS NULL")
        elif copies:
            files = "[" + ", ".join(lit(str(u.path)) for u in copies) + "]"
            named = ", ".join(f"({lit(str(u.path))}, {lit(u.file)})" for u in copies)
            parts.append(f"SELECT {names}, CAST(m._file AS VARCHAR) AS _src_file, _src_row{dates} "
                         f"FROM read_parquet({files}, filename=true, union_by_name=true) u "
                         f"JOIN (VALUES {named}) m(_unit, _file) ON m._unit = u.filename WHERE _rcol IS NULL")
        return parts

    def _csv_raw(self, spec: Table, path: Path, load: TableLoad) -> str:
        """Read a CSV file as text into ``raw_<t>``; notes its encoding."""
        name = f"raw_{spec.name}"
        enc = detect_encoding(path)
        src = path
        if enc != "utf-8":
            src = transcode_to_utf8(path, enc, self.workdir)
            load.notes.append(f"{path.name} is {enc.upper()} (GBK) encoded, not UTF-8; transcoded and read")
        load.encoding = enc

        def read(p: Path) -> None:
            self.con.execute("SET preserve_insertion_order = true")
            try:
                self.con.execute(
                    f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_csv({lit(str(p))}, all_varchar=true, "
                    f"header=true, delim=',', quote='\"', escape='\"', parallel=false)")
            finally:
                self.con.execute("SET preserve_insertion_order = false")

        try:
            read(src)
        except duckdb.Error as exc:
            if "utf-8" in str(exc).lower() and enc == "utf-8":
                src = transcode_to_utf8(path, "gb18030", self.workdir)
                load.encoding = "gb18030"
                load.notes.append(f"{path.name} is GB18030/GBK encoded, not UTF-8; transcoded and read")
                try:
                    read(src)
                except duckdb.Error as exc2:
                    raise _Unreadable(str(exc2).splitlines()[0]) from exc2
            else:
                raise _Unreadable(str(exc).splitlines()[0]) from exc
        return name

    def load_table(self, spec: Table, invalid_uscc_table: str | None) -> TableLoad:
        found = locate(self.dataset, spec.name)
        assert found is not None
        fmt, files = found
        load = TableLoad(spec.name, [str(f) for f in files], fmt)
        ts_cols = [c.name for c in spec.columns if c.type == "ts"]
        units: list[Unit] = []
        if fmt == "parquet":
            if not files:
                raise _Unreadable(f"folder {spec.name}/ holds no Parquet files")
            flist = "[" + ", ".join(lit(str(f)) for f in files) + "]"
            union = f"read_parquet({flist}, filename=true, file_row_number=true, union_by_name=true)"
            try:
                cols = self._describe(union)
            except duckdb.Error as exc:
                raise _Unreadable(str(exc).splitlines()[0]) from exc
            missing = [c.name for c in spec.columns if c.name not in cols and not c.nullable]
            if missing:
                raise _MissingColumns(missing, load.files)
            plan = self._plan(spec, cols, fmt, load, invalid_uscc_table)
            contract_cols = {k: v for k, v in cols.items() if k in spec.names}
            typed = typed_as_contract(spec, cols)
            keys = {f: self._key(spec, fmt, cols, f) for f in files}
            cached = {f: self._cached(keys[f]) if self.persistent else None for f in files}
            try:
                # the files still to validate whose own columns are the contract's, typed: counted in one pass
                same = [f for f in files if cached[f] is None and typed and contract_cols == {
                    k: v for k, v in self._describe(f"read_parquet({lit(str(f))})").items() if k in spec.names}]
                counted = self._count_typed(same, cols, plan)
            except duckdb.Error as exc:
                raise _Unreadable(str(exc).splitlines()[0]) from exc
            for f in files:
                key, meta = keys[f], cached[f]
                reused = meta is not None
                single = f"read_parquet({lit(str(f))})"
                if meta is None:
                    try:
                        meta = self._validate_parquet(spec, key, f, union, counted.get(f), plan, ts_cols)
                    except duckdb.Error as exc:
                        raise _Unreadable(str(exc).splitlines()[0]) from exc
                    meta["ts_forms"] = self._ts_forms(spec, single, cols)
                    self._save(key, meta)
                kind = meta["kind"]
                path = f if kind == "input" else self.cache_dir / f"{key}.parquet"
                units.append(Unit(str(f), key, path, kind, meta, reused, plan[0] if kind == "input" else []))
        else:
            path = files[0]
            key = self._key(spec, fmt, {}, path)
            meta = self._cached(key) if self.persistent else None
            reused = meta is not None
            if meta is None:
                raw = self._csv_raw(spec, path, load)
                cols = self._describe(raw)
                missing = [c.name for c in spec.columns if c.name not in cols and not c.nullable]
                if missing:
                    raise _MissingColumns(missing, load.files)
                plan = self._plan(spec, cols, fmt, TableLoad(spec.name, [], fmt), invalid_uscc_table)
                meta = self._build_unit(spec, key, raw, "rowid + 2", plan, ts_cols)
                meta["ts_forms"] = self._ts_forms(spec, raw, cols)
                meta["columns"], meta["encoding"], meta["notes"] = cols, load.encoding, list(load.notes)
                self.con.execute(f"DROP TABLE IF EXISTS {raw}")
                self._save(key, meta)
            else:
                load.encoding, load.notes = meta["encoding"], list(meta["notes"])
            self._plan(spec, meta["columns"], fmt, load, invalid_uscc_table)  # the notes on absent columns
            units.append(Unit(str(path), key, self.cache_dir / f"{key}.parquet", "parquet", meta, reused))
        self.units[spec.name] = units
        parts = self._view_parts(spec, units, ts_cols)
        self.con.execute(f"CREATE OR REPLACE VIEW {q(spec.name)} AS {' UNION ALL '.join(parts)}")
        self._note_ts_forms(load, units)
        self._count(spec, load, units)
        return load

    def _validate_parquet(self, spec: Table, key: str, f: Path, union: str, counted: tuple[int, int] | None,
                          plan: Plan, ts_cols: list[str]) -> dict[str, Any]:
        """Validate one Parquet file: its counts (an ``input`` unit) when it was COUNTED (typed as the contract says)
        and has no reject, else a unit written through the checks."""
        if counted is not None and not counted[1]:
            return {"kind": "input", "rows_read": counted[0], "rows_rejected": 0, "reject_counts": [], "examples": []}
        raw = f"(SELECT * FROM {union} WHERE filename = {lit(str(f))})"
        return self._build_unit(spec, key, raw, "file_row_number", plan, ts_cols)

    def _count_typed(self, files: list[Path], cols: dict[str, str], plan: Plan) -> dict[Path, tuple[int, int]]:
        """(rows, rejected rows) of each of FILES, Parquet files whose columns already have the contract's types.

        One aggregate pass over all of them (DuckDB reads the files side by side), through only the checks that can
        be true: there a conversion cannot fail; a null check is needed only where some file's own statistics do
        not show that the column holds no null in any row group; and a value check on a text column (an
        enumeration, an id's pattern) is first tried on the column's distinct values, a few thousand where there
        are millions of rows, and needed only where some value fails it. So counting decodes neither the long
        identifier columns (line, visit and patient ids), which are most of a file's bytes, nor a pattern per row.
        Exact: a check is left out only where it is true of no row."""
        if not files:
            return {}
        rel = "read_parquet([" + ", ".join(lit(str(f)) for f in files) + "], filename=true, union_by_name=true)"
        no_nulls = set.intersection(*({r[0] for r in self.con.execute(
            f"SELECT path_in_schema FROM parquet_metadata({lit(str(f))}) GROUP BY 1 "
            f"HAVING bool_and(coalesce(stats_null_count = 0, false))").fetchall()} for f in files))

        def some_value_fails(col: str, cond: str) -> bool:
            # the check as an aggregate's FILTER: a WHERE on the grouped column is pushed below the DISTINCT by
            # DuckDB's optimiser, and the check would be evaluated on every row again
            row = self.con.execute(f"SELECT count(*) FILTER (WHERE coalesce({cond}, false)) "
                                   f"FROM (SELECT DISTINCT {q(col)} FROM {rel})").fetchone()
            return bool(row and row[0])

        keep = [cond for cond, col, kind in plan[5]
                if (kind == "null" and col not in no_nulls)
                or (kind == "value" and (not _is_text(cols[col]) or some_value_fails(col, cond)))]
        failed = "coalesce(" + " OR ".join(f"({c})" for c in keep) + ", false)" if keep else "false"
        found = {name: (int(n), int(bad)) for name, n, bad in self.con.execute(
            f"SELECT filename, count(*), count(*) FILTER (WHERE {failed}) FROM {rel} GROUP BY filename").fetchall()}
        if set(found) - {str(f) for f in files}:  # DuckDB names each file as it was given
            raise duckdb.InvalidInputException(f"files counted under other names: {sorted(found)[:3]}")
        return {f: found.get(str(f), (0, 0)) for f in files}

    def _ts_forms(self, spec: Table, raw: str, cols: dict[str, str]) -> dict[str, list[int]]:
        """Per text ts column: how many values carry an offset and how many are naive."""
        out: dict[str, list[int]] = {}
        for c in spec.columns:
            if c.type != "ts" or c.name not in cols or not _is_text(cols[c.name]):
                continue
            row = self.con.execute(
                f"SELECT count_if(regexp_matches(trim({q(c.name)}), '(Z|[+-]\\d{{2}}:?\\d{{2}})$')), "
                f"count_if(NOT regexp_matches(trim({q(c.name)}), '(Z|[+-]\\d{{2}}:?\\d{{2}})$')) "
                f"FROM {raw} WHERE {q(c.name)} IS NOT NULL").fetchone()
            assert row is not None
            out[c.name] = [int(row[0] or 0), int(row[1] or 0)]
        return out

    def _note_ts_forms(self, load: TableLoad, units: list[Unit]) -> None:
        """Note text timestamps that mix naive (local) values and values with an offset."""
        totals: dict[str, list[int]] = {}
        for u in units:
            for col, (w, n) in u.meta.get("ts_forms", {}).items():
                t = totals.setdefault(col, [0, 0])
                t[0] += w
                t[1] += n
        for col, (with_off, naive) in totals.items():
            if with_off and naive:
                load.notes.append(
                    f"{col}: timestamps mixed — {naive} without offset (taken as Asia/Shanghai local) and "
                    f"{with_off} with an explicit offset (converted to Asia/Shanghai local)")
            elif with_off:
                load.notes.append(f"{col}: {with_off} timestamps with an offset converted to Asia/Shanghai")

    def _count(self, spec: Table, load: TableLoad, units: list[Unit]) -> None:
        load.rows_read = sum(int(u.meta["rows_read"]) for u in units)
        load.rows_rejected = sum(int(u.meta["rows_rejected"]) for u in units)
        if load.rows_read == 0:
            load.notes.append("empty table (no rows)")
        if load.rows_rejected:
            by: dict[tuple[str, str], int] = {}
            for u in units:
                for col, reason, n in u.meta["reject_counts"]:
                    by[(col, reason)] = by.get((col, reason), 0) + int(n)
            rows = sorted(by.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))
            load.reject_counts = [{"column": c, "reason": r, "rows": n} for (c, r), n in rows]
            ex = sorted(((u.file, *e) for u in units for e in u.meta["examples"]),
                        key=lambda e: (e[0], e[1]))[:MAX_EXAMPLES]
            load.examples = [
                {"table": spec.name, "file": e[0], ("row" if load.fmt == "parquet" else "line"): int(e[1]),
                 "column": e[2], "value": e[3], "reason": e[4]} for e in ex]

    def load_all(self, tables: list[str] | None = None) -> LoadResult:
        names = tables or list(TABLES)
        result = LoadResult({}, [], {}, [], {})
        self._hash_ahead(names)
        invalid_uscc = self._prepare_uscc()
        for name in names:
            spec = TABLES[name]
            if locate(self.dataset, name) is None:
                if spec.optional:
                    result.missing_optional.append(name)
                    continue
                raise InputError(f"required table {name} not found in {self.dataset} "
                                 f"(expected {name}.parquet, {name}.csv or a folder {name}/)")
            try:
                result.tables[name] = self.load_table(spec, invalid_uscc if name == "institutions" else None)
            except _MissingColumns as exc:
                msg = (f"table {name} ({', '.join(exc.files)}) lacks required column(s): "
                       f"{', '.join(exc.columns)}")
                if spec.optional:
                    result.unusable_optional[name] = msg
                    continue
                raise InputError(msg) from exc
            except _Unreadable as exc:
                found = locate(self.dataset, name)
                where = ", ".join(str(f) for f in found[1]) if found else name
                msg = f"table {name} ({where}) is unreadable: {exc}"
                if spec.optional:
                    result.unusable_optional[name] = msg
                    continue
                raise InputError(msg) from exc
        self._integrity(result)
        return result

    def _hash_ahead(self, names: list[str]) -> None:
        """The content hash of every input file of NAMES, several files at once (``hashlib`` releases the GIL
        while it hashes, so the files are hashed side by side on as many threads as DuckDB uses)."""
        import time

        files = [f for n in names if (found := locate(self.dataset, n)) for f in found[1]]
        row = self.con.execute("SELECT current_setting('threads')").fetchone()
        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=max(1, int(row[0]) if row else 1)) as pool:
            digests = dict(zip(files, pool.map(_hash_or_none, files), strict=True))
        # a file that cannot be read here is left to the table's own load, which reports it as it always did
        self._digests = {f: d for f, d in digests.items() if d is not None}
        self.hash_s += time.perf_counter() - t

    def _prepare_uscc(self) -> str | None:
        """Validate institution ids with python-stdnum, once per distinct value (a small table)."""
        found = locate(self.dataset, "institutions")
        if found is None:
            return None
        fmt, files = found
        try:
            if fmt == "csv":
                enc = detect_encoding(files[0])
                src = files[0] if enc == "utf-8" else transcode_to_utf8(files[0], enc, self.workdir)
                rel = f"read_csv({lit(str(src))}, all_varchar=true, header=true)"
            else:
                rel = "read_parquet([" + ", ".join(lit(str(f)) for f in files) + "], union_by_name=true)"
            ids = [r[0] for r in self.con.execute(
                f"SELECT DISTINCT CAST(institution_id AS VARCHAR) FROM {rel} WHERE institution_id IS NOT NULL"
            ).fetchall()]
        except duckdb.Error:
            return None
        bad = [i for i in ids if not uscc.is_valid(i)]
        self.con.execute("CREATE OR REPLACE TABLE _invalid_uscc (id VARCHAR)")
        if bad:
            self.con.executemany("INSERT INTO _invalid_uscc VALUES (?)", [(b,) for b in bad])
        return "_invalid_uscc"

    def _integrity(self, result: LoadResult) -> None:
        """Lines pointing to unknown visits, visits of unknown institutions (reported, kept).

        Per parent, one anti-join of its children's references (prescription and charge lines → visits) against
        its keys, in key ranges of both sides where the parent's keys do not fit in memory at once: the ranges
        are cut at quantiles of a sample of the parent's keys, and each pass filters on its range with constants,
        which DuckDB checks against each Parquet row group's min/max, so lines stored in id order (as exports
        usually are) are read about once in all. Equal keys share a range, so the counts are exact whatever the
        order. Only where some reference is unknown are the lines' own keys read (for an example).
        With a persistent cache each check's result is kept under a key made of both sides' unit keys: a re-run
        over the same files does not join them again."""
        have = result.available()
        checks_: list[tuple[str, str, str, str, str]] = [
            ("prescriptions", "visit_id", "visits", "visit_id", "line_id"),
            ("charges", "visit_id", "visits", "visit_id", "line_id"),
            ("visits", "institution_id", "institutions", "institution_id", "visit_id"),
        ]
        todo: dict[tuple[str, str], list[tuple[str, str, str, str, Path]]] = {}
        for child, ccol, parent, pcol, key in checks_:
            if child not in have or parent not in have:
                continue
            name = f"{child}.{ccol}_unknown_in_{parent}"
            units = [u.key for u in self.units.get(child, [])] + ["|"] + [u.key for u in self.units.get(parent, [])]
            cached = self.cache_dir / ("fk-" + hashlib.sha256("\n".join([name, *units]).encode()).hexdigest()[:40]
                                       + ".json")
            if self.persistent and cached.is_file():
                try:
                    result.integrity[name] = json.loads(cached.read_text(encoding="utf-8"))
                    continue
                except (OSError, ValueError):
                    pass
            todo.setdefault((parent, pcol), []).append((name, child, ccol, key, cached))
        for (parent, pcol), found in todo.items():
            parent_rows = sum(int(u.meta["rows_read"]) - int(u.meta["rows_rejected"]) for u in self.units[parent])
            # the parent's keys in as many hash partitions as it takes for each one's table to fit in a third of
            # DuckDB's memory: one for a city's month (28 M visits), eight for its year (304 M visits, about 19 GB
            # of keys at 8 GB of memory); equal keys share a partition, so the counts are exact
            parts = max(1, -(-parent_rows * FK_BYTES_PER_KEY // (self._memory_limit_bytes() // 3)))
            ranges = self._key_ranges(parent, pcol, parts)
            counts = [0] * len(found)
            for rng in ranges:
                probe = " UNION ALL ".join(f"SELECT {i} AS chk, {q(ccol)} AS ref FROM {q(child)}{_in_range(ccol, rng)}"
                                           for i, (_, child, ccol, _, _) in enumerate(found))
                for i, n in self.con.execute(f"SELECT c.chk, count(*) FROM ({probe}) c{_unknown(parent, pcol, rng)} "
                                             f"GROUP BY c.chk").fetchall():
                    counts[i] += int(n)
            for (name, child, ccol, key, cached), n in zip(found, counts, strict=True):
                example = None
                if n:  # only where some line points nowhere (usually none) are the lines' own keys read
                    mins = [r[0] for rng in ranges for r in self.con.execute(
                        f"SELECT min(c.{q(key)}) FROM (SELECT {q(key)}, {q(ccol)} AS ref FROM {q(child)}"
                        f"{_in_range(ccol, rng)}) c{_unknown(parent, pcol, rng)}").fetchall()
                        if r[0] is not None]
                    example = min(mins) if mins else None
                result.integrity[name] = {"rows": n, "example": example}
                if self.persistent:
                    cached.write_text(json.dumps(result.integrity[name], ensure_ascii=False), encoding="utf-8")

    def _key_ranges(self, parent: str, pcol: str, parts: int) -> list[tuple[str | None, str | None]]:
        """PARTS ranges [lo, hi) of PARENT.PCOL's keys, about equal in size (None: open), cut at quantiles of a
        sample; one range over everything when PARTS is 1 or the sample has too few distinct keys."""
        if parts == 1:
            return [(None, None)]
        sample = sorted({str(r[0]) for r in self.con.execute(
            f"SELECT {q(pcol)} FROM {q(parent)} USING SAMPLE reservoir({FK_RANGE_SAMPLE} ROWS) REPEATABLE (1)"
        ).fetchall() if r[0] is not None})
        cuts = sorted({sample[len(sample) * k // parts] for k in range(1, parts)} - {sample[0]}) if sample else []
        bounds: list[str | None] = [None, *cuts, None]
        return list(itertools.pairwise(bounds))

    def _memory_limit_bytes(self) -> int:
        """DuckDB's memory limit (``current_setting('memory_limit')``, e.g. '7.4 GiB') in bytes."""
        row = self.con.execute("SELECT current_setting('memory_limit')").fetchone()
        m = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?i?B)\s*", str(row[0] if row else ""))
        if not m:
            return 1 << 62
        scale = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
                 "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}.get(m.group(2), 1)
        return int(float(m.group(1)) * scale)

    def write_rejects(self, result: LoadResult, path: Path) -> int:
        """All rejected rows (table, file, row, column, value, reason) to one Parquet file."""
        parts = [
            f"SELECT {lit(n)} AS \"table\", CAST({lit(u.file)} AS VARCHAR) AS file, row, \"column\", value, "
            f"reason FROM ({u.rejects_sql()})"
            for n, t in result.tables.items() if t.rows_rejected for u in self.units.get(n, [])
            if u.meta["rows_rejected"]
        ]
        if not parts:
            parts = ["SELECT NULL::VARCHAR AS \"table\", NULL::VARCHAR AS file, NULL::BIGINT AS row, "
                     "NULL::VARCHAR AS \"column\", NULL::VARCHAR AS value, NULL::VARCHAR AS reason WHERE false"]
        self.con.execute(f"COPY ({' UNION ALL '.join(parts)} ORDER BY 1, 2, 3) TO {lit(str(path))} "
                         f"(FORMAT parquet)")
        return sum(t.rows_rejected for t in result.tables.values())

    def cache_report(self) -> dict[str, Any]:
        """Which input files were validated in this run and which were reused from the cache."""
        units = [u for us in self.units.values() for u in us]
        return {"persistent": self.persistent, "files": len(units),
                "reused": sum(u.reused for u in units), "validated": sum(not u.reused for u in units),
                "hash_s": round(self.hash_s, 3)}


def _in_range(col: str, rng: tuple[str | None, str | None]) -> str:
    """The WHERE clause keeping COL in the key range [lo, hi) (None: open); the first range also keeps nulls."""
    lo, hi = rng
    conds = ([f"{q(col)} >= {lit(lo)}"] if lo is not None else []) + ([f"{q(col)} < {lit(hi)}"] if hi is not None else [])
    if not conds:
        return ""
    where = " AND ".join(conds)
    return f" WHERE {where}" if lo is not None else f" WHERE ({where} OR {q(col)} IS NULL)"


def _unknown(parent: str, pcol: str, rng: tuple[str | None, str | None]) -> str:
    """The join keeping the rows of ``c`` whose ``c.ref`` is none of PARENT.PCOL's keys in the range RNG (a null
    reference matches none). An explicit anti-join: DuckDB plans the same test written as a correlated
    ``NOT EXISTS`` with a DISTINCT of the references first, which over a year's lines costs more than the join."""
    return f" ANTI JOIN (SELECT {q(pcol)} FROM {q(parent)}{_in_range(pcol, rng)}) p ON p.{q(pcol)} = c.ref"


class _Unreadable(Exception):
    pass


class _MissingColumns(Exception):
    def __init__(self, columns: list[str], files: list[str]) -> None:
        super().__init__(", ".join(columns))
        self.columns = columns
        self.files = files
