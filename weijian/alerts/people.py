"""People as the pages show them: by name (姓名), the login only when no name is on file."""

from __future__ import annotations

from typing import Any


def person_name(user: Any) -> str:
    if user is None:
        return ""
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    if full and all("\u4e00" <= ch <= "\u9fff" for ch in full.replace(" ", "")):  # i18n: data (a CJK range)
        full = full.replace(" ", "")  # 王 监督 → 王监督
    return full or getattr(user, "username", "") or str(user)

