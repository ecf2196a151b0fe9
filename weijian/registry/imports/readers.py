"""Read a file into a header and numbered rows, streaming: .xlsx, .csv (UTF-8 or GBK), .parquet.

Files are read from disk (an upload's temporary file, or a path on the command line) or from an
in-memory buffer, never loaded whole: rows stream to the caller. With :class:`Limits` (every import
from users) the file's size, its unpacked size and its rows are checked first — see ``limits.py`` —
and reading stops with an error at the row limit; ``None`` (the operator's own ``sim load``) reads
without limits.

A workbook exported by the platform (a rejects workbook, a list) starts with a line saying who
exported it (``weijian.core.xlsx.export_line``): that line is skipped and the header read below it.

File-level problems (not a spreadsheet, empty, too large, unreadable) raise ImportFileError with a
Chinese message; nothing is applied then.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from weijian.core.xlsx import export_line_prefixes
from weijian.registry.imports.errors import ImportFileError
from weijian.registry.imports.limits import (
    Limits,
    check_columns,
    check_rows,
    check_size,
    check_xlsx,
    megabytes,
    not_xlsx,
)

__all__ = ["ImportFileError", "Limits", "Sheet", "detect_format", "open_sheet", "open_stream", "read_path"]

XLSX_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"
_CHUNK = 1024 * 1024
_PARQUET_BATCH = 5000


@dataclass
class Sheet:
    """A header and an iterator of ``(row_number, values)``; row numbers are as a user sees them.

    Use it as a context manager (or call :meth:`close`) to release the file when done.
    """

    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    format: str
    encoding: str | None = None
    closer: Callable[[], None] = field(default=lambda: None, repr=False)

    def close(self) -> None:
        self.closer()

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def detect_format(head: bytes, filename: str) -> str:
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if b"\x00" in head[:4096]:
        raise ImportFileError(_("%(file)s 不是可识别的表格文件（支持 .xlsx、.csv）") % {"file": filename})
    return "csv"


def open_stream(stream: IO[bytes], size: int, filename: str, limits: Limits | None) -> Sheet:
    """Parse a seekable binary stream of ``size`` bytes into a Sheet (the Sheet closes the stream)."""
    try:
        if size == 0:
            raise ImportFileError(_("%(file)s 是空文件") % {"file": filename})
        check_size(size, filename, limits)
        fmt = detect_format(stream.read(8192), filename)
        stream.seek(0)
        if fmt == "xlsx":
            return _xlsx(stream, size, filename, limits)
        if fmt == "parquet":
            return _parquet(stream, filename, limits)
        return _csv(stream, filename, limits)
    except BaseException:
        stream.close()
        raise


def open_sheet(data: bytes, filename: str, limits: Limits | None) -> Sheet:
    """Parse content held in memory (small files, tests) into a Sheet."""
    return open_stream(io.BytesIO(data), len(data), filename, limits)


def read_path(path: Path, limits: Limits | None, filename: str | None = None) -> Sheet:
    """Open a file on disk; ``filename`` is the name shown in messages (default: the path's name)."""
    name = filename or path.name
    if not path.is_file():
        raise ImportFileError(_("找不到文件 %(file)s") % {"file": name})
    return open_stream(path.open("rb"), path.stat().st_size, name, limits)


def _header(values: list[Any] | tuple[Any, ...]) -> list[str]:
    return [str(v).strip().lstrip("\ufeff") if v is not None else "" for v in values]


def _xlsx(stream: IO[bytes], size: int, filename: str, limits: Limits | None) -> Sheet:
    from openpyxl import load_workbook

    if limits is not None:
        check_xlsx(stream, size, filename, limits)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise not_xlsx(filename, exc) from exc

    def close() -> None:
        workbook.close()
        stream.close()

    try:
        if not workbook.worksheets:
            raise ImportFileError(_("%(file)s 没有工作表") % {"file": filename})
        sheet = workbook.worksheets[0]
        # The declared dimension may be wrong (some programs write "A1"); read every row there is,
        # but never wider than the column limit + 1, so that a too-wide row is seen and refused.
        sheet.reset_dimensions()
        width = limits.max_columns + 1 if limits is not None else None
        rows = sheet.iter_rows(values_only=True, max_col=width)
        first = next(rows, None)
        header_number = 1
        if first is not None and _is_export_line(first):  # a workbook this platform exported: header below
            first, header_number = next(rows, None), 2
        if first is None or not any(v not in (None, "") for v in first):
            raise ImportFileError(_("%(file)s 是空表格（第一行应为列名）") % {"file": filename})
        _check_width(first, filename, header_number, limits)
    except BaseException as exc:
        close()
        if isinstance(exc, Exception) and not isinstance(exc, ImportFileError):
            raise not_xlsx(filename, exc) from exc
        raise

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        number = header_number
        try:
            for number, values in enumerate(rows, start=header_number + 1):
                check_rows(number, filename, limits)
                _check_width(values, filename, number, limits)
                if any(v not in (None, "") for v in values):
                    yield number, list(values)
        except ImportFileError:
            raise
        except Exception as exc:  # a damaged part (bad CRC, broken XML) found while streaming
            raise ImportFileError(_("%(file)s 在第%(row)d行附近损坏，无法读取：%(error)s") % {
                "file": filename, "row": number, "error": exc.__class__.__name__,
            }) from exc  # fmt: skip
        finally:
            close()

    return Sheet(_header(first), numbered(), "xlsx", closer=close)


def _is_export_line(values: tuple[Any, ...]) -> bool:
    """The line an export writes above its header (who exported which filter when): one text cell in A."""
    head, *rest = values or (None,)
    if not isinstance(head, str) or any(v not in (None, "") for v in rest):
        return False
    return head.startswith(export_line_prefixes())


def _check_width(values: tuple[Any, ...], filename: str, number: int, limits: Limits | None) -> None:
    """Rows are read one column wider than the limit: a value there means the row is too wide."""
    if limits is not None and len(values) > limits.max_columns and values[limits.max_columns] not in (None, ""):
        raise ImportFileError(_("%(file)s 第%(row)d行的数据超过上限 %(max)s 列") % {
            "file": filename, "row": number, "max": f"{limits.max_columns:,}",
        })  # fmt: skip


def _row_text(number: int) -> str:
    return _("第%(row)d行") % {"row": number}


def _csv_error(filename: str, line: int, exc: csv.Error) -> ImportFileError:
    return ImportFileError(_("%(file)s 第%(row)d行 CSV 格式错误：%(error)s") % {
        "file": filename, "row": line, "error": exc,
    })  # fmt: skip


def _encoding(stream: IO[bytes], filename: str) -> str:
    """The first of UTF-8 (with or without BOM) and GB18030 that decodes the whole stream (read in chunks)."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        stream.seek(0)
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            stream.seek(0)
        return encoding
    raise ImportFileError(_("%(file)s 无法按 UTF-8 或 GBK 解码，不是可识别的文本表格") % {"file": filename})


def _csv(stream: IO[bytes], filename: str, limits: Limits | None) -> Sheet:
    encoding = _encoding(stream, filename)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text)
    try:
        first = next(reader, None)
        if first is None or not any(c.strip() for c in first):
            raise ImportFileError(_("%(file)s 是空文件（第一行应为列名）") % {"file": filename})
        check_columns(len(first), filename, _row_text(1), limits)
    except csv.Error as exc:
        text.close()
        raise _csv_error(filename, reader.line_num, exc) from exc
    except BaseException:
        text.close()
        raise

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, values in enumerate(reader, start=2):
                check_rows(number, filename, limits)
                check_columns(len(values), filename, _row_text(number), limits)
                if any(v.strip() for v in values):
                    yield number, values
        except csv.Error as exc:
            raise _csv_error(filename, reader.line_num, exc) from exc
        finally:
            text.close()

    return Sheet(_header(first), numbered(), "csv", "GBK" if encoding == "gb18030" else "UTF-8", closer=text.close)


def _parquet(stream: IO[bytes], filename: str, limits: Limits | None) -> Sheet:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(stream)
        meta = parquet.metadata
        headers = list(parquet.schema_arrow.names)
    except Exception as exc:
        stream.close()
        raise _not_parquet(filename, exc) from exc
    try:
        if limits is not None:
            _check_parquet(meta, filename, limits)
    except BaseException:
        stream.close()
        raise

    def close() -> None:
        parquet.close()
        stream.close()

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        number = 0
        try:
            for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH):
                columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                for index in range(batch.num_rows):
                    number += 1
                    check_rows(number + 1, filename, limits)  # no header row: data row n is row n + 1 of a sheet
                    yield number, [column[index] for column in columns]
        except (OSError, ValueError) as exc:
            if isinstance(exc, ImportFileError):
                raise
            raise _not_parquet(filename, exc) from exc
        finally:
            close()

    return Sheet(headers, numbered(), "parquet", closer=close)


def _not_parquet(filename: str, exc: BaseException) -> ImportFileError:
    return ImportFileError(_("%(file)s 不是有效的 Parquet 文件：%(error)s") % {"file": filename, "error": exc})


def _check_parquet(meta: Any, filename: str, limits: Limits) -> None:
    """Rows, columns and unpacked size from the file's footer, before any data page is read."""
    if meta.num_rows > limits.max_rows:
        raise ImportFileError(_("%(file)s 有 %(rows)s 行，超过上限 %(max)s 行；请拆分后分批导入") % {
            "file": filename, "rows": f"{meta.num_rows:,}", "max": f"{limits.max_rows:,}",
        })  # fmt: skip
    check_columns(meta.num_columns, filename, "", limits)
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > limits.max_unzipped_bytes:
        raise ImportFileError(_("%(file)s 解压后约 %(size)s，超过上限 %(max)s；请拆分后分批导入") % {
            "file": filename, "size": megabytes(unpacked), "max": megabytes(limits.max_unzipped_bytes),
        })  # fmt: skip
