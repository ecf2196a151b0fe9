"""Cell parsers: each turns one spreadsheet value into a clean Python value or raises CellError.

Values may come from openpyxl (dates as datetime, numbers as int/float), CSV (strings) or
Parquet (dates, bools, ints), so every parser accepts all three.

Each parser also says what it accepts (:class:`Format`: the format in words, the allowed values in
Chinese, an example), so that the downloadable template teaches every column — a new column gets its
说明, its drop-down and its example from its parser, without template code of its own.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from weijian.core.identifiers import IdentifierError


class CellError(ValueError):
    """A value that cannot be accepted; the message is the reason shown to the user."""


Parser = Callable[[Any], Any]
Text = str | Promise  # a message, or one translated when shown (the Formats below are built at import time)


def _translated(message: str, values: dict[str, Any]) -> str:
    return gettext(message) % values


_lazy_translated = lazy(_translated, str)


def lazy_text(message: str, **values: Any) -> Text:
    """``message`` (marked with ``gettext_noop``) with ``values``, translated into the language active when the
    text is shown, not when it is built."""
    return _lazy_translated(message, values)


@dataclass(frozen=True)
class Format:
    """What a column accepts, in words for the template's 说明: its format, its allowed values (the
    drop-down), an example value, and the look-up table a reference column names (``regions``,
    ``departments``) with the levels it accepts."""

    text: Text
    allowed: tuple[str, ...] = ()
    example: Any = None
    lookup: str = ""
    levels: tuple[str, ...] = ()


def described(parse: Parser, fmt: Format) -> Parser:
    """Attach ``fmt`` to a parser (read back with :func:`format_of`)."""
    parse.format = fmt  # type: ignore[attr-defined]
    return parse


def format_of(parse: Parser) -> Format:
    return getattr(parse, "format", None) or Format("")


_MASKED = re.compile(r"[0-9A-Za-z]{0,6}\*{4,}[0-9A-Za-z]{0,4}")


def is_masked(value: Any) -> bool:
    """A personal identifier as the platform masks it (``110105********002X``): nothing to store."""
    return isinstance(value, str) and bool(_MASKED.fullmatch(value.strip()))


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and value != value)


def text(max_length: int = 200) -> Parser:
    def parse(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        result = str(value).strip()
        if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in result):
            raise CellError(gettext("含有不可见的控制字符"))
        if len(result) > max_length:
            raise CellError(gettext("超过%(max)d个字符") % {"max": max_length})
        return result

    return described(parse, Format(lazy_text(gettext_noop("文本，最多%(max)d个字符"), max=max_length)))


def code_text(pattern: str, message: Text, example: Any = None) -> Parser:
    regex = re.compile(pattern)

    def parse(value: Any) -> str:
        result = text(50)(value)
        if not regex.fullmatch(result):
            raise CellError(str(message))
        return result

    return described(parse, Format(message, example=example))


@dataclass(frozen=True)
class Ref:
    """A reference to a row of a look-up table as typed: a code, a name, or both (``浦东新区 310115``)."""

    code: str
    name: str


_REF = re.compile(r"(?P<before>\D*?)[\s(（]*(?P<code>\d+)[\s)）]*(?P<after>\D*)")  # i18n: data


def region(levels: tuple[str, ...], pattern: str, message: Text, what: Text) -> Parser:
    """A 区划 column: the code, the name, or "name code" as the drop-down offers it. The parser checks the
    shape; the importer resolves a name against the regions (``weijian.registry.imports.refs``)."""
    regex = re.compile(pattern)

    def parse(value: Any) -> Ref:
        raw = unicodedata.normalize("NFKC", text(100)(value)).strip()
        found = _REF.fullmatch(raw)
        if found is None:
            return Ref("", raw.replace(" ", ""))
        name = (found["before"] + found["after"]).strip().replace(" ", "")
        if not regex.fullmatch(found["code"]):
            raise CellError(str(message))
        return Ref(found["code"], name)

    fmt = Format(lazy_text(gettext_noop("%(what)s：从下拉列表选择（“名称 代码”），也可只填名称或代码（%(code)s）"),
                           what=what, code=message), lookup="regions", levels=levels)  # fmt: skip
    return described(parse, fmt)


_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")  # i18n: data


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    match = _DATE_RE.fullmatch(raw) or _DATE_RE.fullmatch(raw.split("T")[0].split(" ")[0])
    if not match:
        raise CellError(gettext("日期格式不正确，应为 YYYY-MM-DD"))
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise CellError(gettext("不是有效的日期")) from exc


described(date, Format(gettext_lazy("日期：YYYY-MM-DD（也可 2024/1/31、2024年1月31日，或 Excel 日期单元格）"),
                       example=dt.date(2024, 1, 1)))


def non_negative_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(gettext("应为整数"))
    if isinstance(value, int):
        result = value
    else:
        raw = str(value).strip()
        try:
            number = float(raw)
        except ValueError as exc:
            raise CellError(gettext("应为整数")) from exc
        if not number.is_integer():
            raise CellError(gettext("应为整数"))
        result = int(number)
    if result < 0:
        raise CellError(gettext("不能为负数"))
    return result


described(non_negative_int, Format(gettext_lazy("整数，不小于0"), example=0))


_TRUE = {"true", "1", "是", "y", "yes", "t"}  # i18n: data (what a cell may hold)
_FALSE = {"false", "0", "否", "n", "no", "f"}  # i18n: data


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
    raise CellError(gettext("应为：是、否"))


# The drop-down offers 是/否 (what the import reads back); the format in words follows the user's language.
described(boolean, Format(gettext_lazy("是 或 否（也可 true/false、1/0）"),
                          allowed=("是", "否"), example="是"))  # i18n: data (the values a cell holds)


def choice(choices: type[TextChoices]) -> Parser:
    """Accept the stored value (``hospital``) or its Chinese label (``医院``)."""
    lookup = {str(v).lower(): v for v in choices.values}
    lookup.update({str(label): value for value, label in choices.choices})

    labels = tuple(str(label) for _, label in choices.choices)

    def parse(value: Any) -> str:
        raw = str(value).strip()
        found = lookup.get(raw) or lookup.get(raw.lower())
        if found is None:
            raise CellError(gettext("不是可接受的取值，应为：%(values)s") % {"values": gettext("、").join(labels)})
        return str(found)

    return described(parse, Format(gettext_lazy("从下拉列表选择"), allowed=labels, example=labels[0]))


def identifier(clean: Callable[[str], str], fmt: Text = "", example: Any = None) -> Parser:
    def parse(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            return clean(str(value))
        except IdentifierError as exc:
            raise CellError(exc.reason) from exc

    return described(parse, Format(fmt, example=example))


def lookup(table: str, fmt: Text, max_length: int = 60) -> Parser:
    """A column naming a row of a look-up table by code or name (``departments``); resolved by the spec."""
    return described(text(max_length), Format(fmt, lookup=table))
