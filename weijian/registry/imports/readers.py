"""Read an uploaded or local file into a header and numbered rows: .xlsx, .csv (UTF-8 or GBK), .parquet.

File-level problems (not a spreadsheet, empty, too large, unreadable) raise ImportFileError with a
Chinese message; nothing is applied then.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

XLSX_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"


class ImportFileError(ValueError):
    """The file as a whole cannot be imported."""


@dataclass
class Sheet:
    """A header and an iterator of ``(row_number, values)``; row numbers are as a user sees them."""

    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    format: str
    encoding: str | None = None


def detect_format(head: bytes, filename: str) -> str:
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if b"\x00" in head[:4096]:
        raise ImportFileError(f"{filename} 不是可识别的表格文件（支持 .xlsx、.csv）")
    return "csv"


def open_sheet(data: bytes, filename: str, max_bytes: int | None) -> Sheet:
    """Parse ``data`` (the whole file) into a Sheet."""
    if not data:
        raise ImportFileError(f"{filename} 是空文件")
    fmt = detect_format(data[:8192], filename)
    if max_bytes is not None and fmt != "parquet" and len(data) > max_bytes:
        raise ImportFileError(
            f"{filename} 大小为 {len(data) / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB；请拆分后分批导入"
        )
    if fmt == "xlsx":
        return _xlsx(data, filename)
    if fmt == "parquet":
        return _parquet(data, filename)
    return _csv(data, filename)


def read_path(path: Path, max_bytes: int | None) -> Sheet:
    if not path.exists():
        raise ImportFileError(f"找不到文件 {path}")
    if max_bytes is not None and path.stat().st_size > max_bytes and not path.read_bytes()[:4].startswith(PARQUET_MAGIC):
        size = path.stat().st_size
        raise ImportFileError(f"{path.name} 大小为 {size / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB；请拆分后分批导入")
    return open_sheet(path.read_bytes(), path.name, max_bytes)


def _header(values: list[Any]) -> list[str]:
    return [str(v).strip().lstrip("\ufeff") if v is not None else "" for v in values]


def _xlsx(data: bytes, filename: str) -> Sheet:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportFileError(f"{filename} 不是有效的 .xlsx 文件：{exc.__class__.__name__}") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None or not any(v not in (None, "") for v in first):
        raise ImportFileError(f"{filename} 是空表格（第一行应为列名）")

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        for number, values in enumerate(rows, start=2):
            if any(v not in (None, "") for v in values):
                yield number, list(values)

    return Sheet(_header(list(first)), numbered(), "xlsx")


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(f"{filename} 无法按 UTF-8 或 GBK 解码，不是可识别的文本表格")


def _csv(data: bytes, filename: str) -> Sheet:
    content, encoding = _decode(data, filename)
    reader = csv.reader(io.StringIO(content, newline=""))
    first = next(reader, None)
    if first is None or not any(c.strip() for c in first):
        raise ImportFileError(f"{filename} 是空文件（第一行应为列名）")

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, values in enumerate(reader, start=2):
                if any(v.strip() for v in values):
                    yield number, values
        except csv.Error as exc:
            raise ImportFileError(f"{filename} 第{reader.line_num}行 CSV 格式错误：{exc}") from exc

    return Sheet(_header(first), numbered(), "csv", "GBK" if encoding == "gb18030" else "UTF-8")


def _parquet(data: bytes, filename: str) -> Sheet:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:
        raise ImportFileError(f"{filename} 不是有效的 Parquet 文件：{exc}") from exc
    headers = list(table.column_names)
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        for index in range(table.num_rows):
            yield index + 1, [column[index] for column in columns]

    return Sheet(headers, numbered(), "parquet")
