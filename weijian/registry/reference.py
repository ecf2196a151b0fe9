"""The 诊疗科目 catalogue shipped with weijian (loaded by a data migration, idempotent).

Each code has its Chinese name (stored in the database) and an English name (``name_en``), which the
pages show in English through :func:`weijian.registry.selectors.dept_names`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE = Path(__file__).resolve().parent / "data" / "dept_codes.yaml"


@cache
def dept_catalogue() -> dict[str, dict[str, str]]:
    """code → ``{"name": …, "name_en": …}`` as shipped."""
    with CATALOGUE.open(encoding="utf-8") as fh:
        entries: dict[Any, dict[str, str]] = yaml.safe_load(fh)
    return {str(code): entry for code, entry in entries.items()}


def sync_dept_codes(dept_code_model: Any) -> int:
    entries = dept_catalogue()
    for code, entry in entries.items():
        dept_code_model.objects.update_or_create(code=code, defaults={"name": entry["name"]})
    return len(entries)
