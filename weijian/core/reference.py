"""Reference data shipped with weijian: regions (行政区划) and departments with their duties.

Loaded by a data migration on every new database, and again by ``weijian demo setup``; loading
is idempotent (upsert by code).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


def _load(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def sync_regions(region_model: Any) -> int:
    count = 0
    for entry in _load("regions.yaml"):
        parent = region_model.objects.get(code=entry["parent"]) if entry.get("parent") else None
        region_model.objects.update_or_create(
            code=entry["code"], defaults={"name": entry["name"], "level": entry["level"], "parent": parent}
        )
        count += 1
    return count


def sync_departments(department_model: Any, duty_model: Any) -> int:
    count = 0
    for entry in _load("departments.yaml"):
        department, _ = department_model.objects.update_or_create(
            code=entry["code"],
            defaults={"name": entry["name"], "is_lead": bool(entry.get("lead")), "basis": entry.get("basis", "")},
        )
        duty_model.objects.filter(department=department).delete()
        duty_model.objects.bulk_create(
            duty_model(department=department, text=text, ordinal=n) for n, text in enumerate(entry["duties"])
        )
        count += 1
    return count
