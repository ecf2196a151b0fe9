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
import hashlib
import os
from dataclasses import dataclass
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
    return _entry_as_of(table, on, where)[1]


def is_dated(node: Any) -> bool:
    """A dated table: a non-empty mapping whose keys are all effective dates."""
    return (
        isinstance(node, dict)
        and bool(node)
        and all(isinstance(k, dt.date) and not isinstance(k, dt.datetime) for k in node)
    )


@dataclass(frozen=True)
class Resolved:
    """A value looked up in a rules file as of a date, with what a decision must record about it."""

    value: Any
    file: str
    key: str
    on: dt.date
    effective_from: dt.date | None  # the date of the (innermost) dated entry the value came from
    basis: str | None
    sha256: str

    def record(self) -> dict[str, Any]:
        """What an alert, a deadline or a decision stores to be replayable: file, entry date, content hash."""
        return {
            "file": self.file,
            "key": self.key,
            "as_of": self.on.isoformat(),
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "basis": self.basis,
            "sha256": self.sha256,
        }


def resolve(name: str, key: str, on: dt.date) -> Resolved:
    """Walk the dotted ``key`` from the root of rules file ``name`` as of ``on``.

    Wherever the walk meets a dated table it takes the entry in force on ``on`` and goes on inside it, so
    ``resolve("alert_disposal", "deadline_working_days.high", day)`` is the number of working days in force
    on ``day``. A missing key is a :class:`RulesError` naming the file and the key.
    """
    where = f"{name}.yaml"
    node: Any = load(name)
    effective: dt.date | None = None
    basis: str | None = None
    walked: list[str] = []

    def enter_dated(node: Any) -> Any:
        nonlocal effective, basis
        while is_dated(node):
            since, entry = _entry_as_of(node, on, f"{where}: {'.'.join(walked) or '(root)'}")
            effective = since
            if isinstance(entry, dict) and entry.get("basis"):
                basis = str(entry["basis"])
            node = entry
        return node

    for part in key.split(".") if key else []:
        node = enter_dated(node)
        if not isinstance(node, dict) or part not in node:
            raise RulesError(f"{where}: no key {'.'.join([*walked, part])!r}")
        walked.append(part)
        node = node[part]
    node = enter_dated(node)
    return Resolved(node, where, key, on, effective, basis, file_hash(name))


def value(name: str, key: str, on: dt.date) -> Any:
    """The value of ``key`` in rules file ``name`` in force on ``on`` (see :func:`resolve`)."""
    return resolve(name, key, on).value


def _entry_as_of(table: dict[Any, Any], on: dt.date, where: str) -> tuple[dt.date, Any]:
    current: tuple[dt.date, Any] | None = None
    for since, entry in dated_entries(table, where):
        if since <= on:
            current = (since, entry)
    if current is None:
        raise RulesError(f"{where}: no value in force on {on.isoformat()}")
    return current


@cache
def file_hash(name: str) -> str:
    """SHA-256 of the rules file's bytes as loaded (the office override if there is one)."""
    return hashlib.sha256(rule_path(name).read_bytes()).hexdigest()


def rules_files() -> list[str]:
    """Names of every rules file in effect (bundled ones and an office's additions)."""
    names = {p.stem for folder in rules_dirs() if folder.is_dir() for p in folder.glob("*.yaml")}
    return sorted(names)


def rules_hash() -> str:
    """One content hash over every rules file in effect: changes when any rule changes."""
    digest = hashlib.sha256()
    for name in rules_files():
        digest.update(f"{name}\0{file_hash(name)}\n".encode())
    return digest.hexdigest()


def identifier_spec(name: str, on: dt.date | None = None) -> dict[str, str]:
    spec = load("identifiers")[name]
    return as_of(spec["versions"], on or dt.date.today(), f"identifiers.{name}")


def clear_cache() -> None:
    load.cache_clear()
    file_hash.cache_clear()
