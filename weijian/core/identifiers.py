"""Identifier validation and masking: 统一社会信用代码, 居民身份证, 执业证书编码, 执法证号.

Check digits come from python-stdnum (``cn.uscc`` for GB 32100-2015, ``cn.ric`` for GB 11643-1999);
nothing here re-implements them. Every failure raises :class:`IdentifierError` carrying the
field and a Chinese reason, so an importer, a form and the API can all say which field is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from weijian.rules import loader as rules


@dataclass
class IdentifierError(ValueError):
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}：{self.reason}（{self.value!s}）"


_REASONS: dict[type[ValidationError], str] = {
    InvalidLength: "长度不正确",
    InvalidFormat: "格式不正确",
    InvalidChecksum: "校验位不正确",
    InvalidComponent: "编码中含有无效的组成部分",
}


def _reason(exc: ValidationError) -> str:
    for kind, text in _REASONS.items():
        if isinstance(exc, kind):
            return text
    return "无效"


def clean_uscc(value: str, field: str = "统一社会信用代码") -> str:
    """Return the compact 18-character code, or raise IdentifierError (GB 32100-2015)."""
    raw = (value or "").strip()
    if not raw:
        raise IdentifierError(field, raw, "不能为空")
    try:
        return uscc.validate(raw)
    except ValidationError as exc:
        raise IdentifierError(field, raw, _reason(exc)) from exc


def clean_ric(value: str, field: str = "身份证号码") -> str:
    """Return the 18-character 居民身份证号码, or raise IdentifierError (GB 11643-1999)."""
    raw = (value or "").strip().upper()
    if not raw:
        raise IdentifierError(field, raw, "不能为空")
    try:
        return ric.validate(raw)
    except ValidationError as exc:
        raise IdentifierError(field, mask_ric(raw), _reason(exc)) from exc


def clean_cert_no(value: str, field: str = "执业证书编码") -> str:
    """医师执业证书编码: 15 digits. Only the length and digits are checked (rules.md §10.4 [unverified])."""
    raw = (value or "").strip()
    if not raw:
        raise IdentifierError(field, raw, "不能为空")
    if not re.fullmatch(r"\d{15}", raw):
        raise IdentifierError(field, raw, "应为15位数字")
    return raw


def clean_badge_no(value: str, field: str = "执法证号") -> str:
    """执法证号: the pattern is rules data (``identifiers.yaml``), since provinces format it differently."""
    raw = (value or "").strip().upper()
    if not raw:
        raise IdentifierError(field, raw, "不能为空")
    spec = rules.identifier_spec("badge_no")
    if not re.fullmatch(spec["pattern"], raw):
        raise IdentifierError(field, raw, spec["message"])
    return raw


def mask_ric(value: str) -> str:
    """Keep the first 6 and last 4 characters of an ID number: ``110105********002X``."""
    value = (value or "").strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    value = (value or "").strip()
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "*" * len(value)
