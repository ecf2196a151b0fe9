"""The random-check figures of ``rules/data/random_checks.yaml``, as of a date (the plan's period start)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from weijian.inspections.planning.draw import GRADES
from weijian.rules import loader

FILE = "random_checks"
KEYS = (
    *(f"grade_ratios.{g}" for g in GRADES), "overall_target", "warning_gap_points", "exclusion_months",
    "min_inspectors", "inspector_capacity", "ungraded_grade", "publication_working_days",
)  # fmt: skip


def value(key: str, on: dt.date) -> Any:
    return loader.value(FILE, key, on)


def resolved(key: str, on: dt.date) -> loader.Resolved:
    return loader.resolve(FILE, key, on)


def default_ratios(on: dt.date) -> dict[str, str]:
    return {g: str(value(f"grade_ratios.{g}", on)) for g in GRADES}


def check() -> None:
    """Refuse the file (bundled or an office's) unless its keys are exactly the declared ones."""
    loader.check_keys(FILE, KEYS)
