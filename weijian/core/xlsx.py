"""Excel out: the one workbook writer every export, template and reject list goes through (openpyxl).

Every text value is written as a string cell (``t="inlineStr"``), never as a formula: a name or a
reason typed as ``=HYPERLINK(…)``, ``+1``, ``-1``, ``@SUM(…)`` or starting with a tab or carriage
return reads back as the text typed, and Excel or LibreOffice show it as text instead of running it
(spreadsheet formula injection). Numbers, booleans and dates keep their types; an aware datetime is
written in the office's time zone (Excel has none). Characters a workbook cannot hold (C0 controls
other than tab, newline and carriage return) are shown as their Unicode control pictures (␇ for BEL),
and text longer than a cell holds is cut with an ellipsis, so a value is never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CELL_TEXT_LIMIT = 32_767  # the most characters an Excel cell holds (Excel specifications and limits)
_BOLD = Font(bold=True)


@dataclass
class SheetData:
    """One worksheet: a header row, then rows; optionally which headers are bold and column widths."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    bold: Sequence[bool] | None = None
    widths: Sequence[float] | None = None


def _control_picture(match: Any) -> str:
    return chr(0x2400 + ord(match.group(0)))


def _text(value: str) -> str:
    value = ILLEGAL_CHARACTERS_RE.sub(_control_picture, value)
    return value if len(value) <= CELL_TEXT_LIMIT else value[: CELL_TEXT_LIMIT - 1] + "…"


def cell(sheet: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """A cell that holds ``value`` as data: text stays text, whatever it starts with."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value)
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.time | dt.timedelta):
        result = WriteOnlyCell(sheet, value=value)
    else:
        result = WriteOnlyCell(sheet, value=None)
        result.value = _text(str(value))  # binds "=…" as a formula (data_type "f") …
        result.data_type = "s"  # … so force a string cell: openpyxl writes it as <is><t>…</t></is>
    if bold:
        result.font = _BOLD
    return result


def _write(book: Workbook, data: SheetData) -> None:
    sheet = book.create_sheet(data.title[:31])
    for index, width in enumerate(data.widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = list(data.bold or [])
    sheet.append([cell(sheet, h, bold=index < len(bold) and bold[index]) for index, h in enumerate(data.headers)])
    for row in data.rows:
        sheet.append([cell(sheet, value) for value in row])


def workbook_of(sheets: Iterable[SheetData]) -> bytes:
    """A write-only workbook (rows stream through a temporary file, not memory) as bytes."""
    book = Workbook(write_only=True)
    for data in sheets:
        _write(book, data)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet from a header and rows."""
    return workbook_of([SheetData(title, headers, rows)])
