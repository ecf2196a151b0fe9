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
