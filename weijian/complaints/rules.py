"""The complaint-specific rules (``rules/data/complaints.yaml``): text, photo and rate limits, the duplicate window.

Categories and routing are not here: they are the responsibility list's (:mod:`weijian.core.responsibility`).
Every figure is looked up as of the day of the complaint, never today's by default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from weijian.rules import loader

FILE = "complaints"
KEYS = (
    "text.min_chars", "text.max_chars", "photos.max_count", "photos.max_bytes",
    "rate_limits.web_per_hour", "rate_limits.web_per_day", "rate_limits.open311_per_minute",
    "duplicates.window_days",
)  # fmt: skip


@dataclass(frozen=True)
class Limits:
    min_chars: int
    max_chars: int
    max_photos: int
    max_photo_bytes: int
    web_per_hour: int
    web_per_day: int
    open311_per_minute: int
    duplicate_window_days: int


def limits(on: dt.date) -> Limits:
    """The figures in force on ``on`` (read once per day and version of the file)."""
    return _limits(on, loader.file_hash(FILE))


@cache
def _limits(on: dt.date, _sha256: str) -> Limits:
    def get(key: str) -> int:
        return int(loader.value(FILE, key, on))

    return Limits(
        min_chars=get("text.min_chars"), max_chars=get("text.max_chars"), max_photos=get("photos.max_count"),
        max_photo_bytes=get("photos.max_bytes"), web_per_hour=get("rate_limits.web_per_hour"),
        web_per_day=get("rate_limits.web_per_day"), open311_per_minute=get("rate_limits.open311_per_minute"),
        duplicate_window_days=get("duplicates.window_days"),
    )  # fmt: skip
