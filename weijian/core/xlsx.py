"""Excel out: the one workbook writer every export, template and reject list goes through (openpyxl).

Every text value is written as a string cell (``t="inlineStr"``), never as a formula: a name or a
reason typed as ``=HYPERLINK(…)``, ``+1``, ``-1``, ``@SUM(…)`` or starting with a tab or carriage
return reads back as the text typed, and Excel or LibreOffice show it as text instead of running it
(spreadsheet formula injection). Numbers, booleans and dates keep their types; an aware datetime is
written in the office's time zone (Excel has none). Characters a workbook cannot hold (C0 controls
other than tab, newline and carriage return) are shown as their Unicode control pictures (␇ for BEL),
and text longer than a cell holds is cut with an ellipsis, so a value is never silently dropped.

Every sheet is a document: its header row is frozen and carries an auto-filter, and an export starts
with one line saying who exported which filter when (:func:`export_line`); the header then follows on
the second row. A column can offer a drop-down list (:class:`Choices`): the values live on a hidden
sheet, so a list of any length works, and a value typed outside it only draws a warning.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CELL_TEXT_LIMIT = 32_767  # the most characters an Excel cell holds (Excel specifications and limits)
MAX_ROW = 1_048_576  # the last row of a worksheet: a drop-down covers every row below the header
# How the line above an export's header starts, translated like the rest of the line; the importer skips a
# line that starts so in any of the platform's languages (:func:`export_line_prefixes`).
EXPORT_LINE_PREFIX = gettext_noop("导出：")
CHOICES_SHEET = gettext_noop("可选值")  # the hidden sheet of drop-down lists, named in the user's language
_BOLD = Font(bold=True)
_MARK = PatternFill("solid", fgColor="FFF4C7C3")  # a light red: the cell a reason column talks about


@dataclass(frozen=True)
class Marked:
    """A cell value shown highlighted (the cell an error is about)."""

    value: Any


@dataclass(frozen=True)
class Choices:
    """A drop-down list for one column (0-based) of a sheet's data rows."""

    column: int
    values: Sequence[str]
    title: str = ""  # the list's heading on the hidden sheet (the column's header)
    prompt: str = ""


@dataclass
class SheetData:
    """One worksheet: an optional line above the header, a header row, then rows; optionally which headers
    are bold, column widths, drop-downs, and whether the sheet is hidden."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    bold: Sequence[bool] | None = None
    widths: Sequence[float] | None = None
    line: str | None = None
    choices: Sequence[Choices] = field(default_factory=list)
    hidden: bool = False
    filter: bool = True


def export_line(*, actor: Any, filters: Iterable[tuple[str, str]], when: dt.datetime | None = None) -> str:
    """The first line of an export: who (full name), which filter (in words) and when (Asia/Shanghai time)."""
    moment = timezone.localtime(when or timezone.now())
    words = gettext("；").join(f"{label}={value}" for label, value in filters if value not in (None, ""))
    return gettext(EXPORT_LINE_PREFIX) + gettext("%(name)s · 筛选：%(filters)s · 时间：%(time)s（北京时间）") % {
        "name": full_name(actor), "filters": words or gettext("全部"), "time": f"{moment:%Y-%m-%d %H:%M}",
    }  # fmt: skip


def export_line_prefixes() -> tuple[str, ...]:
    """How an export line starts in each language of the platform: a workbook exported in one language is
    imported by a user of any."""
    prefixes = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            prefixes.append(gettext(EXPORT_LINE_PREFIX))
    return tuple(dict.fromkeys(prefixes))


def full_name(user: Any) -> str:
    """A user's full name as the office writes it (王 监督 → 王监督), else the login name."""
    if user is None:
        return ""
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    if full and all("\u4e00" <= ch <= "\u9fff" for ch in full.replace(" ", "")):  # i18n: data (CJK range)
        full = full.replace(" ", "")
    return full or getattr(user, "username", "") or str(user)


def _control_picture(match: Any) -> str:
    return chr(0x2400 + ord(match.group(0)))


def _text(value: str) -> str:
    value = ILLEGAL_CHARACTERS_RE.sub(_control_picture, value)
    return value if len(value) <= CELL_TEXT_LIMIT else value[: CELL_TEXT_LIMIT - 1] + "…"


def cell(sheet: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """A cell that holds ``value`` as data: text stays text, whatever it starts with."""
    marked = isinstance(value, Marked)
    if marked:
        value = value.value
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
    if marked:
        result.fill = _MARK
    return result


def _validation(choices: Choices, source_column: int, first_row: int) -> DataValidation:
    letter = get_column_letter(source_column)
    source = f"{quote_sheetname(gettext(CHOICES_SHEET))}!${letter}$2:${letter}${len(choices.values) + 1}"
    validation = DataValidation(
        type="list", formula1=source, allow_blank=True, showDropDown=False, showErrorMessage=True,
        errorStyle="warning", errorTitle=gettext("不在列表中"),
        error=gettext("该值不在下拉列表中；请从列表中选择，或确认填写无误。"),
        showInputMessage=bool(choices.prompt), prompt=choices.prompt[:255] or None,
    )  # fmt: skip
    column = get_column_letter(choices.column + 1)
    validation.add(f"{column}{first_row}:{column}{MAX_ROW}")
    return validation


def _write(book: Workbook, data: SheetData, lists: list[Choices]) -> None:
    sheet = book.create_sheet(data.title[:31])
    if data.hidden:
        sheet.sheet_state = "hidden"
    for index, width in enumerate(data.widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 2 if data.line else 1
    if data.headers:
        sheet.freeze_panes = f"A{header_row + 1}"
    for choices in data.choices:
        lists.append(choices)
        sheet.data_validations.append(_validation(choices, len(lists), header_row + 1))
    if data.line:
        sheet.append([cell(sheet, data.line, bold=True)])
    bold = list(data.bold or [])
    sheet.append([cell(sheet, h, bold=index < len(bold) and bold[index]) for index, h in enumerate(data.headers)])
    last = header_row
    for row in data.rows:
        sheet.append([cell(sheet, value) for value in row])
        last += 1
    if data.filter and data.headers:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(data.headers))}{last}"


def _write_lists(book: Workbook, lists: list[Choices]) -> None:
    """The hidden sheet the drop-downs read: one column per list, its heading in the first row."""
    longest = max(len(c.values) for c in lists)
    rows = ([c.values[i] if i < len(c.values) else None for c in lists] for i in range(longest))
    _write(book, SheetData(gettext(CHOICES_SHEET), [c.title for c in lists], rows, hidden=True, filter=False), [])


def workbook_of(sheets: Iterable[SheetData]) -> bytes:
    """A write-only workbook (rows stream through a temporary file, not memory) as bytes."""
    book = Workbook(write_only=True)
    lists: list[Choices] = []
    for data in sheets:
        _write(book, data, lists)
    if lists:
        _write_lists(book, lists)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_bytes(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, line: str | None = None
) -> bytes:
    """One sheet from a header and rows, with the export line above the header when given."""
    return workbook_of([SheetData(title, headers, rows, line=line)])
