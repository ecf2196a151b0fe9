"""The 诊疗科目 catalogue shipped with weijian (loaded by a data migration, idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CATALOGUE = Path(__file__).resolve().parent / "data" / "dept_codes.yaml"


def sync_dept_codes(dept_code_model: Any) -> int:
    with CATALOGUE.open(encoding="utf-8") as fh:
        entries: dict[str, str] = yaml.safe_load(fh)
    for code, name in entries.items():
        dept_code_model.objects.update_or_create(code=str(code), defaults={"name": name})
    return len(entries)
