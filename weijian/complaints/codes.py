"""Tracking codes (查询码): 10 random Crockford base32 characters and one Luhn mod 32 check character.

50 random bits (``secrets``) make a code unguessable; the check character catches every single mistyped
character and most swaps of two neighbours before a lookup is made. Shown as ``XXXXX-XXXXX-X``; read back
case-insensitively, with blanks and hyphens ignored and O/I/L taken as 0/1/1 (Crockford's reading rules).
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
RANDOM_CHARS = 10
LENGTH = RANDOM_CHARS + 1
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _check_char(body: str) -> str:
    """Luhn mod N (N = 32) over ``body``."""
    n, total, factor = len(ALPHABET), 0, 2
    for char in reversed(body):
        addend = factor * _VALUE[char]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    return body + _check_char(body)


def normalise(text: str) -> str:
    """What a person typed, as a stored code would be written (may still be invalid)."""
    return "".join(ch for ch in (text or "").upper().translate(_READ_AS) if ch not in " -\t")[:40]


def is_valid(code: str) -> bool:
    return (
        len(code) == LENGTH and all(c in _VALUE for c in code) and _check_char(code[:-1]) == code[-1]
    )


def display(code: str) -> str:
    return f"{code[:5]}-{code[5:10]}-{code[10:]}" if len(code) == LENGTH else code
