"""Strict loader for rules-as-data (OpenFisca-style).

A rule file is YAML. A *dated table* maps ISO dates (the day a value takes effect) to entries
that carry the value and its ``basis`` (legal reference). Lookups are always as of a date: the
entry in force is the latest one whose date is on or before it. Duplicate keys and non-date keys
in a dated table are errors, so a typo never silently changes the law.

Rule files live in ``weijian/rules/data``; an office may point ``WEIJIAN_RULES_DIR`` at a folder
whose files replace the bundled ones of the same name (e.g. next year's holidays).
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

BUNDLED_DIR = Path(__file__).resolve().parent / "data"


class RulesError(ValueError):
    """A rules file is malformed, or no rule is in force on the date asked."""


class _StrictLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise RulesError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1} of {node.start_mark.name}")
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def rules_dirs() -> list[Path]:
    """The office's override folder (if set) first, then the bundled rules."""
    extra = os.environ.get("WEIJIAN_RULES_DIR")
    return [Path(extra), BUNDLED_DIR] if extra else [BUNDLED_DIR]


def rule_path(name: str) -> Path:
    for folder in rules_dirs():
        path = folder / f"{name}.yaml"
        if path.exists():
            return path
    raise RulesError(f"no rules file named {name}.yaml")


@cache
def load(name: str) -> Any:
    """Parse one rules file strictly (cached for the life of the process)."""
    path = rule_path(name)
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_StrictLoader)


def dated_entries(table: dict[Any, Any], where: str) -> list[tuple[dt.date, Any]]:
    """Turn ``{date: entry}`` into a sorted list, rejecting keys that are not dates."""
    entries = []
    for key, entry in table.items():
        if isinstance(key, dt.datetime) or not isinstance(key, dt.date):
            raise RulesError(f"{where}: key {key!r} is not an effective date (YYYY-MM-DD)")
        entries.append((key, entry))
    return sorted(entries, key=lambda e: e[0])


def as_of(table: dict[Any, Any], on: dt.date, where: str = "rule") -> Any:
    """The entry of a dated table in force on ``on``."""
    current = None
    for since, entry in dated_entries(table, where):
        if since <= on:
            current = entry
    if current is None:
        raise RulesError(f"{where}: no value in force on {on.isoformat()}")
    return current


def identifier_spec(name: str, on: dt.date | None = None) -> dict[str, str]:
    spec = load("identifiers")[name]
    return as_of(spec["versions"], on or dt.date.today(), f"identifiers.{name}")


def clear_cache() -> None:
    load.cache_clear()
