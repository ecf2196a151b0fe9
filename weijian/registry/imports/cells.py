"""Cell parsers: each turns one spreadsheet value into a clean Python value or raises CellError.

Values may come from openpyxl (dates as datetime, numbers as int/float), CSV (strings) or
Parquet (dates, bools, ints), so every parser accepts all three.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.db.models import TextChoices

from weijian.core.identifiers import IdentifierError


class CellError(ValueError):
    """A value that cannot be accepted; the message is the reason shown to the user."""


Parser = Callable[[Any], Any]


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and value != value)


def text(max_length: int = 200) -> Parser:
    def parse(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        result = str(value).strip()
        if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in result):
            raise CellError("含有不可见的控制字符")
        if len(result) > max_length:
            raise CellError(f"超过{max_length}个字符")
        return result

    return parse


def code_text(pattern: str, message: str) -> Parser:
    regex = re.compile(pattern)

    def parse(value: Any) -> str:
        result = text(50)(value)
        if not regex.fullmatch(result):
            raise CellError(message)
        return result

    return parse


_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    match = _DATE_RE.fullmatch(raw) or _DATE_RE.fullmatch(raw.split("T")[0].split(" ")[0])
    if not match:
        raise CellError("日期格式不正确，应为 YYYY-MM-DD")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise CellError("不是有效的日期") from exc


def non_negative_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("应为整数")
    if isinstance(value, int):
        result = value
    else:
        raw = str(value).strip()
        try:
            number = float(raw)
        except ValueError as exc:
            raise CellError("应为整数") from exc
        if not number.is_integer():
            raise CellError("应为整数")
        result = int(number)
    if result < 0:
        raise CellError("不能为负数")
    return result


_TRUE = {"true", "1", "是", "y", "yes", "t"}
_FALSE = {"false", "0", "否", "n", "no", "f"}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = str(value).strip().lower()
    if raw.endswith(".0"):
        raw = raw[:-2]
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError("应为 是/否（true/false、1/0）")


def choice(choices: type[TextChoices]) -> Parser:
    """Accept the stored value (``hospital``) or its Chinese label (``医院``)."""
    lookup = {str(v).lower(): v for v in choices.values}
    lookup.update({str(label): value for value, label in choices.choices})

    def parse(value: Any) -> str:
        raw = str(value).strip()
        found = lookup.get(raw) or lookup.get(raw.lower())
        if found is None:
            allowed = "、".join(f"{v}（{label}）" for v, label in choices.choices)
            raise CellError(f"不是可接受的取值，应为：{allowed}")
        return str(found)

    return parse


def identifier(clean: Callable[[str], str]) -> Parser:
    def parse(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            return clean(str(value))
        except IdentifierError as exc:
            raise CellError(exc.reason) from exc

    return parse
