"""Reading and validating a dataset folder (contracts/analytics-v1.md, "Layout").

Every table is registered in a DuckDB connection without loading it into Python: Parquet
files (one file or a folder of files) become views over ``read_parquet``; CSV files are
read as text (detecting GBK/GB18030 and transcoding it, noted in the report) into a table
whose ``rowid`` gives the CSV line. Validation is one vectorised SQL expression per table:
each row gets the first failing column, its raw value and the reason; rejected rows are
counted, written to ``rejected.parquet`` and left out of the clean view ``<table>`` that
the rules read. Nothing here loops over rows in Python.

Clean tables keep the contract's column names and types, except ``ts`` columns, which become
BIGINT seconds of Asia/Shanghai local time since 1970-01-01 (naive values are taken as local,
values with an offset are converted), each with a DATE companion ``<col>_date``. Each clean row
also says where it came from: ``_src_file`` (the file as read; :func:`relative_name` makes it
relative to the dataset folder for the few rows an alert names) and ``_src_row`` (the CSV line
number, or the row number inside the Parquet file, as ``rejected.parquet`` numbers them).
"""

from __future__ import annotations

import codecs
import tempfile
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


def checks(col: Column, raw: str, cast: str, invalid_uscc_table: str | None) -> list[tuple[str, str]]:
    """(condition, reason) pairs, in order; the first true one rejects the row."""
    out: list[tuple[str, str]] = []
    if col.nullable:
        out.append((f"({raw}) IS NOT NULL AND ({cast}) IS NULL", f"unparseable {col.type}"))
    else:
        out.append((f"({raw}) IS NULL", "null in non-nullable column"))
        out.append((f"({cast}) IS NULL", f"unparseable {col.type} (wrong type)"))
    if col.type in ("float", "money"):
        out.append((f"NOT isfinite({cast})", "not a finite number"))
    if col.enum:
        values = ", ".join(lit(v) for v in col.enum)
        out.append((f"({cast}) NOT IN ({values})", "unknown enumeration value"))
    if col.non_negative:
        out.append((f"({cast}) < 0", "negative value"))
    if col.check == "practitioner_id":
        out.append((f"NOT regexp_full_match({cast}, '[0-9]{{15}}')", "invalid practitioner_id (not 15 digits)"))
    if col.check == "dept_code":
        out.append((f"NOT regexp_full_match({cast}, '[0-9]{{2}}(\\.[0-9]{{2}})?')",
                    _("invalid 诊疗科目 dept_code (NN or NN.NN)")))
    if col.check == "uscc" and invalid_uscc_table:
        out.append((f"({cast}) IN (SELECT id FROM {invalid_uscc_table})",
                    _("invalid 统一社会信用代码 (GB 32100 check character)")))
    return out


# --------------------------------------------------------------------------- loader


class Loader:
    """Registers and validates every table of a dataset in one DuckDB connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, dataset: Path, workdir: Path,
                 materialize: bool = False) -> None:
        self.con = con
        self.dataset = Path(dataset)
        self.workdir = Path(workdir)
        self.materialize = materialize

    def _describe(self, relation_sql: str) -> dict[str, str]:
        rows = self.con.execute(f"DESCRIBE SELECT * FROM {relation_sql}").fetchall()
        return {r[0]: r[1] for r in rows}

    def _raw_relation(self, spec: Table, fmt: str, files: list[Path], load: TableLoad) -> tuple[str, str, str]:
        """Create ``raw_<t>``; return (relation, file expression, row expression)."""
        name = f"raw_{spec.name}"
        if fmt == "parquet":
            if not files:
                raise _Unreadable(f"folder {spec.name}/ holds no Parquet files")
            flist = "[" + ", ".join(lit(str(f)) for f in files) + "]"
            sql = (f"read_parquet({flist}, filename=true, file_row_number=true, union_by_name=true)")
            try:
                self.con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {sql}")
                self.con.execute(f"SELECT * FROM {name} LIMIT 0").fetchall()
            except duckdb.Error as exc:
                raise _Unreadable(str(exc).splitlines()[0]) from exc
            return name, "filename", "file_row_number"
        path = files[0]
        enc = detect_encoding(path)
        src = path
        if enc != "utf-8":
            src = transcode_to_utf8(path, enc, self.workdir)
            load.notes.append(f"{path.name} is {enc.upper()} (GBK) encoded, not UTF-8; transcoded and read")
        load.encoding = enc

        def read(p: Path) -> None:
            self.con.execute("SET preserve_insertion_order = true")
            self.con.execute(
                f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_csv({lit(str(p))}, all_varchar=true, "
                f"header=true, delim=',', quote='\"', escape='\"', parallel=false)")

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
        return name, lit(str(path)), "rowid + 2"

    def load_table(self, spec: Table, invalid_uscc_table: str | None) -> TableLoad:
        found = locate(self.dataset, spec.name)
        assert found is not None
        fmt, files = found
        load = TableLoad(spec.name, [str(f) for f in files], fmt)
        raw, file_expr, row_expr = self._raw_relation(spec, fmt, files, load)
        cols = self._describe(raw)
        missing = [c.name for c in spec.columns if c.name not in cols and not c.nullable]
        if missing:
            raise _MissingColumns(missing, load.files)
        select: list[str] = []
        conds: list[tuple[str, str, str]] = []  # (cond, column, raw)
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
            for cond, reason in checks(c, raw_c, cast, invalid_uscc_table):
                conds.append((cond, c.name, reason, raw_c))  # type: ignore[arg-type]
        if conds:
            rc = "CASE " + " ".join(f"WHEN {cd} THEN {lit(cn)}" for cd, cn, _, _ in conds) + " END"
            rr = "CASE " + " ".join(f"WHEN {cd} THEN {lit(r)}" for cd, _, r, _ in conds) + " END"
            rv = "CASE " + " ".join(f"WHEN {cd} THEN CAST({rw} AS VARCHAR)" for cd, _, _, rw in conds) + " END"
        else:
            rc = rr = rv = "CAST(NULL AS VARCHAR)"
        stg = f"stg_{spec.name}"
        kind = "TABLE" if (self.materialize or fmt == "csv") else "VIEW"
        self.con.execute(
            f"CREATE OR REPLACE {kind} {stg} AS SELECT {', '.join(select)}, "
            f"{file_expr} AS _file, {row_expr} AS _row, {rc} AS _rcol, {rr} AS _reason, {rv} AS _value "
            f"FROM {raw}")
        self._note_ts_forms(spec, load, raw, cols)
        if fmt == "csv":
            self.con.execute(f"DROP TABLE IF EXISTS {raw}")
        clean_cols = [q(c.name) for c in spec.columns]
        clean_cols += ["CAST(_file AS VARCHAR) AS _src_file", "_row AS _src_row"]
        clean_cols += [f"CAST(DATE '1970-01-01' + CAST(floor({q(c.name)} / 86400) AS INTEGER) AS DATE) "
                       f"AS {q(c.name + '_date')}" for c in spec.columns if c.type == "ts"]
        self.con.execute(f"CREATE OR REPLACE VIEW {q(spec.name)} AS SELECT {', '.join(clean_cols)} "
                         f"FROM {stg} WHERE _rcol IS NULL")
        self._count(spec, load, stg)
        return load

    def _note_ts_forms(self, spec: Table, load: TableLoad, raw: str, cols: dict[str, str]) -> None:
        """Note text timestamps that mix naive (local) values and values with an offset."""
        for c in spec.columns:
            if c.type != "ts" or c.name not in cols or not _is_text(cols[c.name]):
                continue
            row = self.con.execute(
                f"SELECT count_if(regexp_matches(trim({q(c.name)}), '(Z|[+-]\\d{{2}}:?\\d{{2}})$')), "
                f"count_if(NOT regexp_matches(trim({q(c.name)}), '(Z|[+-]\\d{{2}}:?\\d{{2}})$')) "
                f"FROM {raw} WHERE {q(c.name)} IS NOT NULL").fetchone()
            assert row is not None
            with_off, naive = int(row[0] or 0), int(row[1] or 0)
            if with_off and naive:
                load.notes.append(
                    f"{c.name}: timestamps mixed — {naive} without offset (taken as Asia/Shanghai local) and "
                    f"{with_off} with an explicit offset (converted to Asia/Shanghai local)")
            elif with_off:
                load.notes.append(f"{c.name}: {with_off} timestamps with an offset converted to Asia/Shanghai")

    def _count(self, spec: Table, load: TableLoad, stg: str) -> None:
        row = self.con.execute(f"SELECT count(*), count(_rcol) FROM {stg}").fetchone()
        assert row is not None
        load.rows_read, load.rows_rejected = int(row[0]), int(row[1])
        if load.rows_read == 0:
            load.notes.append("empty table (no rows)")
        if load.rows_rejected:
            rows = self.con.execute(
                f"SELECT _rcol, _reason, count(*) AS n FROM {stg} WHERE _rcol IS NOT NULL "
                f"GROUP BY ALL ORDER BY n DESC, _rcol, _reason").fetchall()
            load.reject_counts = [{"column": r[0], "reason": r[1], "rows": int(r[2])} for r in rows]
            ex = self.con.execute(
                f"SELECT _file, _row, _rcol, _value, _reason FROM {stg} WHERE _rcol IS NOT NULL "
                f"ORDER BY _file, _row LIMIT {MAX_EXAMPLES}").fetchall()
            load.examples = [
                {"table": spec.name, "file": e[0], ("row" if load.fmt == "parquet" else "line"): int(e[1]),
                 "column": e[2], "value": e[3], "reason": e[4]} for e in ex]

    def load_all(self, tables: list[str] | None = None) -> LoadResult:
        names = tables or list(TABLES)
        result = LoadResult({}, [], {}, [], {})
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
        """Lines pointing to unknown visits, visits of unknown institutions (reported, kept)."""
        have = result.available()
        checks_: list[tuple[str, str, str, str, str]] = [
            ("prescriptions", "visit_id", "visits", "visit_id", "line_id"),
            ("charges", "visit_id", "visits", "visit_id", "line_id"),
            ("visits", "institution_id", "institutions", "institution_id", "visit_id"),
        ]
        for child, ccol, parent, pcol, key in checks_:
            if child not in have or parent not in have:
                continue
            row = self.con.execute(
                f"SELECT count(*), min({q(key)}) FROM {q(child)} c WHERE NOT EXISTS "
                f"(SELECT 1 FROM {q(parent)} p WHERE p.{q(pcol)} = c.{q(ccol)})").fetchone()
            assert row is not None
            result.integrity[f"{child}.{ccol}_unknown_in_{parent}"] = {"rows": int(row[0]),
                                                                       "example": row[1]}

    def write_rejects(self, result: LoadResult, path: Path) -> int:
        """All rejected rows (table, file, row, column, value, reason) to one Parquet file."""
        parts = [
            f"SELECT {lit(n)} AS \"table\", CAST(_file AS VARCHAR) AS file, CAST(_row AS BIGINT) AS row, "
            f"_rcol AS \"column\", _value AS value, _reason AS reason FROM stg_{n} WHERE _rcol IS NOT NULL"
            for n, t in result.tables.items() if t.rows_rejected
        ]
        if not parts:
            parts = ["SELECT NULL::VARCHAR AS \"table\", NULL::VARCHAR AS file, NULL::BIGINT AS row, "
                     "NULL::VARCHAR AS \"column\", NULL::VARCHAR AS value, NULL::VARCHAR AS reason WHERE false"]
        self.con.execute(f"COPY ({' UNION ALL '.join(parts)} ORDER BY 1, 2, 3) TO {lit(str(path))} "
                         f"(FORMAT parquet)")
        return sum(t.rows_rejected for t in result.tables.values())


class _Unreadable(Exception):
    pass


class _MissingColumns(Exception):
    def __init__(self, columns: list[str], files: list[str]) -> None:
        super().__init__(", ".join(columns))
        self.columns = columns
        self.files = files
