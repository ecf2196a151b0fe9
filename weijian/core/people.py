"""People as the pages show them: by name (姓名), the login only when no name is on file."""

from __future__ import annotations

from typing import Any


def _chinese(text: str) -> bool:
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" or ch == "·" for ch in text)  # i18n: data (CJK range)


def display_name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """姓 then 名 without a space for a Chinese name (张 + 伟 → 张伟), "first last" otherwise, else the login."""
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if _chinese((first + last).replace(" ", "")):
        return f"{last}{first}".replace(" ", "")
    return f"{first} {last}".strip() or (username or "")


def person_name(user: Any) -> str:
    """A user's name as every page shows it (:func:`display_name`)."""
    if user is None:
        return ""
    name = display_name(getattr(user, "first_name", ""), getattr(user, "last_name", ""), getattr(user, "username", ""))
    return name or str(user)
