"""What the classifier reads of a complaint: normalised text and its tokens.

Normalising: Unicode NFKC (full-width letters and digits to half-width), Traditional → Simplified with OpenCC
(:func:`weijian.core.text.to_simplified`), lower case, every run of digits as one ``0`` (phone numbers, house
numbers and dates carry no category), blanks collapsed, and at most :data:`MAX_CHARS` characters kept (a
complaint's subject is in its first paragraphs; a 20,000-character paste must not slow intake down).

Tokens: jieba's words (a private :class:`jieba.Tokenizer`, so the platform's other jieba users are untouched),
without blanks and punctuation, plus the pairs of neighbouring words. Character n-grams are taken by the
model's second vectoriser from the normalised text itself (they catch typos and words jieba splits badly).
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from functools import cache

import jieba

from weijian.core.text import to_simplified

MAX_CHARS = 2000
_DIGITS = re.compile(r"\d+")
_BLANKS = re.compile(r"\s+")
# A token is kept when it holds a CJK ideograph or a Latin letter; punctuation, emoji and symbols are dropped.
_WORDLIKE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffa-z]")
_NOT_WORDLIKE = re.compile(r"[^\u3400-\u9fff\uf900-\ufaffa-z0]+")


@cache
def _tokenizer() -> jieba.Tokenizer:
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def normalise(text: str) -> str:
    """The text the model reads (see the module docstring); ``""`` for ``None``-like or blank input."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)[: MAX_CHARS * 2])
    text = to_simplified(text).lower()
    text = _DIGITS.sub("0", text)
    return _BLANKS.sub(" ", text).strip()[:MAX_CHARS]


def has_words(normalised: str) -> bool:
    """Whether the text holds anything a category could be read from (an ideograph or a Latin letter)."""
    return bool(_WORDLIKE.search(normalised))


def word_tokens(normalised: str) -> list[str]:
    """jieba words of normalised text (punctuation, emoji and blanks dropped) and each pair of neighbours."""
    words = [w for w in _tokenizer().lcut(normalised) if _WORDLIKE.search(w)]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def char_text(normalised: str) -> str:
    """Normalised text with everything but ideographs, letters and ``0`` turned into one blank (for n-grams)."""
    return _NOT_WORDLIKE.sub(" ", normalised).strip()
