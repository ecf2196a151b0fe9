"""Search normalisation of Chinese text: Traditional → Simplified (OpenCC), full-width → half-width.

Text reaching the platform may be Traditional, Simplified or carry pinyin annotations; names
are stored with a normalised search key so a query in either script finds them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from opencc import OpenCC

_PINYIN_NOTE = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", re.IGNORECASE)


@cache
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def search_key(*parts: str | None) -> str:
    """The normalised form used for storing and matching: simplified, NFKC, lower case, no blanks."""
    joined = " ".join(p for p in parts if p)
    joined = _PINYIN_NOTE.sub("", unicodedata.normalize("NFKC", joined))
    return re.sub(r"\s+", " ", to_simplified(joined)).strip().lower()
