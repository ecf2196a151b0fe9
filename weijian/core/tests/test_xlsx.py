"""The one workbook writer: text is written as text whatever it starts with; numbers and dates keep their types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from weijian.core.tests.xlsx_checks import INJECTIONS, as_read_back, formula_free_rows
from weijian.core.xlsx import CELL_TEXT_LIMIT, workbook_bytes


def test_text_that_looks_like_a_formula_stays_text_and_other_types_keep_theirs() -> None:
    moment = timezone.make_aware(dt.datetime(2025, 3, 1, 8, 30), dt.UTC)
    row = [*INJECTIONS, 12, 1.5, Decimal("2.25"), dt.date(2025, 1, 2), moment, True, None, "00123", "响\x07铃"]
    _, values = formula_free_rows(workbook_bytes("测试", ["列"] * len(row), [row]))
    assert values[: len(INJECTIONS)] == [as_read_back(text) for text in INJECTIONS]
    integer, real, decimal, day, when, flag, empty, code, bell = values[len(INJECTIONS) :]
    assert (integer, real, decimal) == (12, 1.5, 2.25) and isinstance(integer, int)
    assert day == dt.datetime(2025, 1, 2)  # a date cell (openpyxl reads dates back as datetimes)
    assert when == dt.datetime(2025, 3, 1, 16, 30)  # UTC 08:30 shown in the office's time zone
    assert flag is True and empty is None and code == "00123"
    assert bell == "响␇铃"  # a control character a workbook cannot hold is shown, not dropped


def test_text_longer_than_a_cell_is_cut_visibly() -> None:
    (_, (value,)) = formula_free_rows(workbook_bytes("t", ["x"], [["x" * (CELL_TEXT_LIMIT + 10)]]))
    assert len(value) == CELL_TEXT_LIMIT and value.endswith("…")


def test_a_document_line_freezes_and_filters_below_it_and_drop_downs_read_a_hidden_list() -> None:
    import io

    from openpyxl import load_workbook

    from weijian.core.xlsx import Choices, SheetData, workbook_of

    content = workbook_of([SheetData("数据", ["区", "值"], [["=1+1", 2], ["b", 3]], line="导出：某人 · 筛选：全部",
                                     choices=[Choices(0, ["黄浦区 310101", "=cmd|x"], title="区")])])  # fmt: skip
    rows = formula_free_rows(content)
    assert rows == [["导出：某人 · 筛选：全部", None], ["区", "值"], ["=1+1", 2], ["b", 3]]
    book = load_workbook(io.BytesIO(content))
    sheet, lists = book.worksheets
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:B4" and lists.sheet_state == "hidden"
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == "'可选值'!$A$2:$A$3" and str(validation.sqref).startswith("A3:A")
    assert [c.value for c in lists["A"]] == ["区", "黄浦区 310101", "=cmd|x"]  # the list's values stay text
