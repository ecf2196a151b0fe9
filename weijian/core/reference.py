"""Reference data shipped with weijian: regions (行政区划) and departments with their duties (the latter from the
responsibility list, ``rules/data/responsibilities.yaml``).

Regions come from one file, ``data/regions-shanghai-wuxi-2023.csv`` (国家统计局 统计用区划代码, down
to 乡镇/街道), whose edition ``data/regions-edition.yaml`` records; :func:`edition_line` is how the
platform says which edition it uses. Loaded by data migrations on every new database; loading is
idempotent (upsert by code). Nothing here imports Django, so the synthetic city reads the same
streets.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
LEVELS = ("province", "city", "district", "street")  # parents before children


def _load(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent: str  # "" for a province


@cache
def regions_edition() -> dict[str, Any]:
    """``file`` and ``edition`` (title, publisher, cutoff, published, coverage) of the shipped regions."""
    return _load("regions-edition.yaml")


def edition_line() -> str:
    e = regions_edition()["edition"]
    return (
        f"{e['publisher']}《{e['title']}》（截至 {e['cutoff']:%Y-%m-%d}，{e['published']:%Y-%m-%d} 发布）：{e['coverage']}"
    )


@cache
def region_rows() -> tuple[RegionRow, ...]:
    """Every shipped region, parents before children, each level in code order."""
    with (DATA_DIR / regions_edition()["file"]).open(encoding="utf-8", newline="") as fh:
        rows = [RegionRow(r["code"], r["name"], r["level"], r["parent"] or "") for r in csv.DictReader(fh)]
    return tuple(sorted(rows, key=lambda r: (LEVELS.index(r.level), r.code)))


def streets_of(district: str) -> list[RegionRow]:
    """The shipped 乡镇/街道 of one district, in code order."""
    return [r for r in region_rows() if r.level == "street" and r.parent == district]


def districts_of(city: str) -> list[RegionRow]:
    """The shipped districts (区, 县, 县级市) directly under one city or municipality, in code order."""
    return [r for r in region_rows() if r.level == "district" and r.parent == city]


def sync_regions(region_model: Any) -> int:
    """Upsert the shipped regions by code; returns how many were created or changed."""
    existing = {r.code: r for r in region_model.objects.all()}
    changed = 0
    for row in region_rows():
        parent = existing[row.parent] if row.parent else None
        region = existing.get(row.code)
        if region is None:
            existing[row.code] = region_model.objects.create(code=row.code, name=row.name, level=row.level, parent=parent)
            changed += 1
        elif (region.name, region.level, region.parent_id) != (row.name, row.level, parent.pk if parent else None):
            region.name, region.level, region.parent = row.name, row.level, parent
            region.save(update_fields=["name", "level", "parent"])
            changed += 1
    return changed


def sync_departments(department_model: Any, duty_model: Any) -> int:
    """Upsert the departments of the responsibility list in force today and replace their duties' texts."""
    import datetime as dt

    from weijian.core.responsibility import departments

    count = 0
    for entry in departments(dt.date.today()).values():
        department, _ = department_model.objects.update_or_create(
            code=entry.code, defaults={"name": entry.name, "is_lead": entry.lead, "basis": entry.basis}
        )
        duty_model.objects.filter(department=department).delete()
        duty_model.objects.bulk_create(
            duty_model(department=department, text=duty.text, ordinal=n) for n, duty in enumerate(entry.duties)
        )
        count += 1
    return count
