"""Pinyin order of Chinese names (汉语拼音排序): a sort key a database can order by.

``sort_key("张伟")`` is ``"zhang1 wei3"``: each character's pinyin with its tone number (neutral tone 5),
so names order by pinyin first, then by tone, the way a Chinese dictionary or a roster orders them.
Letters and digits keep their place (``"ABC诊所"`` → ``"abc zhen3 suo3"``). Every syllable ends in a
digit, so the key orders the same under a byte-wise collation (SQLite) and a linguistic one that ignores
blanks (PostgreSQL's ``en_US``): ``"li3 ming2"`` still sorts after ``"li3"``.

The readings come from pypinyin's phrase dictionary; a person's name is read with the surname reading of
its first character (曾 zēng, 单 shàn, 解 xiè …), which a phrase dictionary cannot know.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# Surnames whose reading differs from the character's most common one (百家姓 readings).
SURNAME_READINGS = {
    "曾": "zeng1", "单": "shan4", "解": "xie4", "仇": "qiu2", "朴": "piao2", "区": "ou1", "查": "zha1",
    "盖": "ge3", "乐": "yue4", "尉": "yu4", "员": "yun4", "召": "shao4", "繁": "po2", "覃": "qin2",
    "翟": "zhai2", "种": "chong2", "缪": "miao4", "藏": "zang4", "长": "chang2", "沈": "shen3", "华": "hua4",
}  # fmt: skip
# Place names of the region whose phrase reading pypinyin gets wrong.
PLACE_READINGS = {"长宁": [["cháng"], ["níng"]]}


@cache
def _load_places() -> None:
    load_phrases_dict(PLACE_READINGS)


def _syllables(text: str) -> list[str]:
    _load_places()
    return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors="default")


def sort_key(text: str | None, *, person: bool = False, max_length: int = 600) -> str:
    """The pinyin sort key of ``text``; ``person``: read the first character as a surname."""
    text = unicodedata.normalize("NFKC", (text or "").strip())
    if not text:
        return ""
    if person and text[0] in SURNAME_READINGS:
        parts = [SURNAME_READINGS[text[0]], *_syllables(text[1:])]
    else:
        parts = _syllables(text)
    key = " ".join(p.strip().lower() for p in parts if p.strip())
    return key[:max_length]
