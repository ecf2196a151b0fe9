"""Load a registry folder (the contract's registry tables as Parquet/CSV/xlsx, e.g. ``weijian sim city``
output) into the platform: streets and grids first, then each table, all through the importer.

Personal identifiers (the raw 身份证 numbers) are needed only once, to be masked and hashed: after a
table loads with nothing rejected, its sensitive columns are blanked in the file (which stays
owner-only). Loading the folder again still works — a row without a number leaves the stored
masked number and digest as they are.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weijian.core.scope import Scope
from weijian.registry.imports.readers import ImportFileError, read_path
from weijian.registry.imports.service import ImportResult, import_sheet
from weijian.registry.imports.specs import SPECS, KindSpec

SYSTEM_SCOPE = Scope(role="city_admin", region_prefix=None, department_code=None, institution_id=None)
ORDER = (
    "regions", "institutions", "supervised_units", "institution_depts", "practitioners", "practitioner_scopes",
    "registrations", "inspectors", "inspector_conflicts",
)  # fmt: skip
TABLE_KINDS = {"supervised_units": "institutions"}  # a table imported by another table's import kind


def kind_of(table: str) -> str:
    """The import kind that reads ``table`` (its own name unless :data:`TABLE_KINDS` says otherwise)."""
    return TABLE_KINDS.get(table, table)


@dataclass
class LoadStep:
    table: str
    seconds: float
    result: ImportResult
    scrubbed: int = 0  # personal identifiers blanked in the file after loading


def _table_file(folder: Path, table: str) -> Path | None:
    for suffix in (".parquet", ".csv", ".xlsx"):
        path = folder / f"{table}{suffix}"
        if path.exists():
            return path
    return None


def load_registry(folder: Path, actor: Any = "cli", progress: Callable[[str], None] | None = None) -> list[LoadStep]:
    if not folder.is_dir():
        raise ImportFileError(f"找不到目录 {folder}")
    steps: list[LoadStep] = []
    for table in ORDER:
        path = _table_file(folder, table)
        if path is None:
            continue
        if progress:
            progress(table)
        started = time.perf_counter()
        sheet = read_path(path, None)
        result = import_sheet(
            kind=kind_of(table), sheet=sheet, filename=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            actor=actor, scope=SYSTEM_SCOPE,
        )  # fmt: skip
        step = LoadStep(table, time.perf_counter() - started, result)
        if result.ok:
            step.scrubbed = scrub_identifiers(path, SPECS[kind_of(table)])
        steps.append(step)
    return steps


def _sensitive_headers(spec: KindSpec) -> set[str]:
    return {name for c in spec.columns if c.sensitive for name in (c.key, c.header)}


def scrub_identifiers(path: Path, spec: KindSpec) -> int:
    """Blank the sensitive columns of an imported file in place; returns how many values were removed.

    The file is rewritten next to itself and moved over the original, owner-only (0600).
    """
    names = _sensitive_headers(spec)
    if not names:
        return 0
    suffix = path.suffix.lower()
    scrub = {".parquet": _scrub_parquet, ".csv": _scrub_csv, ".xlsx": _scrub_xlsx}[suffix]
    draft = path.with_name(f".{path.name}.scrub")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        removed = scrub(path, draft, names)
        if removed:
            os.chmod(draft, 0o600)
            os.replace(draft, path)
    finally:
        draft.unlink(missing_ok=True)
    return removed


def _scrub_parquet(path: Path, draft: Path, names: set[str]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    removed = 0
    for index, name in enumerate(table.column_names):
        if name in names:
            column = table.column(index)
            removed += len(column) - column.null_count
            table = table.set_column(index, pa.field(name, column.type, nullable=True), pa.nulls(len(column), column.type))
    if removed:
        pq.write_table(table, draft, compression="zstd")
    return removed


def _scrub_csv(path: Path, draft: Path, names: set[str]) -> int:
    data = path.read_bytes()
    encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = "gb18030", data.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return 0
    columns = [i for i, header in enumerate(rows[0]) if header.strip().lstrip("\ufeff") in names]
    removed = 0
    for row in rows[1:]:
        for i in columns:
            if i < len(row) and row[i].strip():
                row[i] = ""
                removed += 1
    if removed:
        with draft.open("w", encoding=encoding, newline="") as fh:
            csv.writer(fh).writerows(rows)
    return removed


def _scrub_xlsx(path: Path, draft: Path, names: set[str]) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    header = next(sheet.iter_rows(min_row=1, max_row=1), ())
    columns = [cell.column for cell in header if str(cell.value or "").strip() in names]
    removed = 0
    for column in columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if cell.value not in (None, ""):
                cell.value = None
                removed += 1
    if removed:
        workbook.save(draft)
    return removed
