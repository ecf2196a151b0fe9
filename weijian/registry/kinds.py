"""The kinds of supervised unit: the sector each belongs to and the licence it holds (``data/institution_kinds.yaml``).

Reference data, read once; :func:`check` (run at start-up) refuses a file that leaves a kind out, names a kind
the model does not have, or names an unknown sector or licence kind.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

KINDS_FILE = Path(__file__).resolve().parent / "data" / "institution_kinds.yaml"
SECTORS = ("medical", "public_place", "water", "school", "disinfection", "radiation", "occupational")
LICENCES = ("practice", "hygiene", "filing", "none")


class KindsError(ValueError):
    """The kinds file does not match the model's kinds."""


@cache
def _table() -> dict[str, dict[str, str]]:
    with KINDS_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    table = data["kinds"]
    for kind, entry in table.items():
        if set(entry) != {"sector", "licence"}:
            raise KindsError(f"{KINDS_FILE.name}: {kind} needs exactly sector and licence")
        if entry["sector"] not in SECTORS:
            raise KindsError(f"{KINDS_FILE.name}: {kind}: unknown sector {entry['sector']!r}; allowed {SECTORS}")
        if entry["licence"] not in LICENCES:
            raise KindsError(f"{KINDS_FILE.name}: {kind}: unknown licence {entry['licence']!r}; allowed {LICENCES}")
    return table


def check(model_kinds: list[str]) -> None:
    table = _table()
    missing, extra = set(model_kinds) - set(table), set(table) - set(model_kinds)
    if missing or extra:
        raise KindsError(f"{KINDS_FILE.name}: kinds missing {sorted(missing)}, unknown {sorted(extra)}")


def sector_of(kind: str) -> str:
    entry = _table().get(kind)
    return entry["sector"] if entry else ""


def licence_of(kind: str) -> str:
    entry = _table().get(kind)
    return entry["licence"] if entry else "none"


def kinds_of(sector: str) -> list[str]:
    """Every kind of one sector, in file order."""
    return [kind for kind, entry in _table().items() if entry["sector"] == sector]


def medical_kinds() -> list[str]:
    return kinds_of("medical")


def all_kinds() -> list[str]:
    """Every kind of supervised unit, in file order."""
    return list(_table())
