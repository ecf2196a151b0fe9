"""Load a registry folder (the contract's registry tables as Parquet/CSV, e.g. ``weijian sim city``
output) into the platform: streets and grids first, then each table through the importer.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from weijian.core.audit import audit_record
from weijian.core.models import Region
from weijian.core.scope import Scope
from weijian.registry.imports.readers import ImportFileError, read_path
from weijian.registry.imports.service import ImportResult, import_sheet

SYSTEM_SCOPE = Scope(role="city_admin", region_prefix=None, department_code=None, institution_id=None)
ORDER = ("institutions", "institution_depts", "practitioners", "practitioner_scopes", "registrations", "inspectors")


@dataclass
class LoadStep:
    table: str
    seconds: float
    result: ImportResult | None = None
    regions: int = 0


def _table_file(folder: Path, table: str) -> Path | None:
    for suffix in (".parquet", ".csv", ".xlsx"):
        path = folder / f"{table}{suffix}"
        if path.exists():
            return path
    return None


def load_regions(path: Path, actor: Any) -> int:
    """Upsert streets and grids below the shipped districts (parents first)."""
    import pyarrow.parquet as pq

    rows = pq.read_table(path).to_pylist()
    existing = {r.code: r for r in Region.objects.all()}
    created = 0
    with transaction.atomic():
        for level in ("street", "grid"):
            for row in (r for r in rows if r["level"] == level):
                parent = existing.get(row["parent_code"])
                if parent is None:
                    raise ImportFileError(f"regions 第{rows.index(row) + 1}行：未知的上级区划代码 {row['parent_code']}")
                region = existing.get(row["code"])
                if region is None:
                    region = Region.objects.create(code=row["code"], name=row["name"], level=level, parent=parent)
                    existing[region.code] = region
                    created += 1
                elif (region.name, region.level, region.parent_id) != (row["name"], level, parent.pk):
                    region.name, region.level, region.parent = row["name"], level, parent
                    region.save()
        audit_record(actor=actor, action="core.regions.load", object_type="region", data={"created": created})
    return created


def load_registry(folder: Path, actor: Any = "cli", progress: Callable[[str], None] | None = None) -> list[LoadStep]:
    if not folder.is_dir():
        raise ImportFileError(f"找不到目录 {folder}")
    steps: list[LoadStep] = []
    regions = folder / "regions.parquet"
    if regions.exists():
        started = time.perf_counter()
        count = load_regions(regions, actor)
        steps.append(LoadStep("regions", time.perf_counter() - started, regions=count))
    for table in ORDER:
        path = _table_file(folder, table)
        if path is None:
            continue
        if progress:
            progress(table)
        started = time.perf_counter()
        sheet = read_path(path, None)
        result = import_sheet(
            kind=table, sheet=sheet, filename=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            actor=actor, scope=SYSTEM_SCOPE,
        )  # fmt: skip
        steps.append(LoadStep(table, time.perf_counter() - started, result))
    return steps
