"""Checks of what a complainant types: the description, the phone number, the name.

The description must hold at least ``text.min_chars`` letters, digits or CJK characters (emoji, punctuation
and blanks do not count) and at most ``text.max_chars`` characters (``complaints.yaml``). HTML in it is kept
as typed and shown escaped, as text: it is never interpreted. Phones: a mainland mobile (11 digits starting
1[3-9]) or a landline with its area code (0 + 2–3 digits, then 7–8 digits, an extension allowed); ``+86`` /
``0086``, blanks and hyphens are accepted and removed.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from weijian.complaints.rules import Limits

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}\d{7,8}(?:#\d{1,6})?")
NAME_MAX = 60


def meaningful_chars(text: str) -> int:
    """How many letters, digits and CJK characters ``text`` has (what an emoji-only text lacks)."""
    return sum(1 for ch in text if unicodedata.category(ch)[0] in ("L", "N"))


def clean_description(text: str | None, limits: Limits, *, field: str = "") -> str:
    label = field or _("问题描述")
    value = (text or "").replace("\r\n", "\n").strip()
    if not value:
        raise ValueError(_("%(field)s：必须填写，请说明发生了什么") % {"field": label})
    if len(value) > limits.max_chars:
        raise ValueError(_("%(field)s：最多 %(max)s 字，现为 %(n)s 字，请精简后再提交") % {
            "field": label, "max": limits.max_chars, "n": len(value)})  # fmt: skip
    if meaningful_chars(value) < limits.min_chars:
        raise ValueError(_("%(field)s：请用至少 %(min)s 个文字说明情况（表情符号和标点不计）") % {
            "field": label, "min": limits.min_chars})  # fmt: skip
    return value


def clean_phone(text: str | None, *, field: str = "") -> str:
    """The number as stored (digits, ``#`` before an extension), or ValueError naming the field."""
    label = field or _("联系电话")
    raw = (text or "").strip()
    compact = re.sub(r"[\s\-()（）]", "", raw).replace("转", "#")  # i18n: data (full-width brackets, 转 = extension)
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    if MOBILE.fullmatch(compact) or LANDLINE.fullmatch(compact):
        return compact
    raise ValueError(_("%(field)s：“%(value)s” 不是有效的号码，应为11位手机号（如 13812345678）或带区号的固定电话（如 021-63211234）") % {
        "field": label, "value": raw[:30]})  # fmt: skip


def clean_name(text: str | None, *, field: str = "") -> str:
    label = field or _("姓名")
    value = " ".join((text or "").split())
    if not value:
        raise ValueError(_("%(field)s：实名投诉须填写姓名（或选择匿名投诉）") % {"field": label})
    if len(value) > NAME_MAX:
        raise ValueError(_("%(field)s：最多 %(max)s 字") % {"field": label, "max": NAME_MAX})
    return value


def mask_phone(phone: str) -> str:
    """``138****5678`` / ``021****1234``: enough to recognise, not to call."""
    digits = phone.split("#", 1)[0]
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "*" * len(digits)


def mask_name(name: str) -> str:
    return (name[0] + "*" * (len(name) - 1)) if name else ""
