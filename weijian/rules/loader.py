"""Strict loader for rules-as-data (OpenFisca-style).

A rule file is YAML. A *dated table* maps ISO dates (the day a value takes effect) to entries
that carry the value and its ``basis`` (legal reference). Lookups are always as of a date: the
entry in force is the latest one whose date is on or before it. Duplicate keys and non-date keys
in a dated table are errors, so a typo never silently changes the law.

A dated entry holds either named values (``{high: 5, medium: 10, basis: …}``) or one value
(``{value: 40, basis: …, published: 2012-04-24}``); :func:`resolve` returns the ``value`` of the latter.
Every entry may carry ``basis`` (legal reference), ``published`` (the date the act was published, where
known) and ``note``.

Rule files live in ``weijian/rules/data``; an office may point ``WEIJIAN_RULES_DIR`` at a folder
whose files replace the bundled ones of the same name (e.g. next year's holidays, other thresholds).
A replacing file is read as strictly as the bundled one: :func:`check_keys` refuses a key that no
consumer declares and a declared key that is missing, naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from weijian.i18n import gettext as _

BUNDLED_DIR = Path(__file__).resolve().parent / "data"
META_KEYS = frozenset({"basis", "published", "note"})  # what a dated entry may carry besides its values


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


def load(name: str) -> Any:
    """Parse one rules file strictly (cached while the file in effect stays the same)."""
    path = rule_path(name)
    stat = path.stat()
    return _parse(str(path), stat.st_mtime_ns, stat.st_size)


@cache
def _parse(path: str, _mtime_ns: int, _size: int) -> Any:
    with open(path, encoding="utf-8") as fh:
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
    published: dt.date | None = None  # publication date of that entry's act, where the file records one

    def record(self) -> dict[str, Any]:
        """What an alert, a deadline or a decision stores to be replayable: file, entry date, content hash."""
        return {
            "file": self.file,
            "key": self.key,
            "value": self.value,
            "as_of": self.on.isoformat(),
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "published": self.published.isoformat() if self.published else None,
            "basis": self.basis,
            "sha256": self.sha256,
        }


def _is_value_entry(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node and set(node) <= {"value"} | META_KEYS


def resolve(name: str, key: str, on: dt.date) -> Resolved:
    """Walk the dotted ``key`` from the root of rules file ``name`` as of ``on``.

    Wherever the walk meets a dated table it takes the entry in force on ``on`` and goes on inside it, so
    ``resolve("alert_disposal", "deadline_working_days.high", day)`` is the number of working days in force
    on ``day``; an entry of the form ``{value: …, basis: …}`` gives its ``value``. A missing key is a
    :class:`RulesError` naming the file and the key.
    """
    where = f"{name}.yaml"
    node: Any = load(name)
    effective: dt.date | None = None
    basis: str | None = None
    published: dt.date | None = None
    walked: list[str] = []

    def enter_dated(node: Any) -> Any:
        nonlocal effective, basis, published
        while is_dated(node):
            since, entry = _entry_as_of(node, on, f"{where}: {'.'.join(walked) or '(root)'}")
            effective = since
            published = None
            if isinstance(entry, dict):
                if entry.get("basis"):
                    basis = str(entry["basis"])
                if isinstance(entry.get("published"), dt.date):
                    published = entry["published"]
            node = entry
        return node

    for part in key.split(".") if key else []:
        node = enter_dated(node)
        if not isinstance(node, dict) or part not in node:
            raise RulesError(_("%(file)s: no key %(key)r（规则文件中没有该参数）") % {"file": where, "key": ".".join([*walked, part])})
        walked.append(part)
        node = node[part]
    node = enter_dated(node)
    if _is_value_entry(node):
        node = node["value"]
    return Resolved(node, where, key, on, effective, basis, file_hash(name), published)


def _dates_in(node: Any) -> set[dt.date]:
    """Every effective date of every dated table in ``node`` (at any depth)."""
    out: set[dt.date] = set()
    if isinstance(node, dict):
        if is_dated(node):
            out.update(node)
        for child in node.values():
            out |= _dates_in(child)
    elif isinstance(node, list):
        for child in node:
            out |= _dates_in(child)
    return out


def versions(name: str, key: str, start: dt.date | None = None, end: dt.date | None = None) -> list[Resolved]:
    """Every version of ``key`` in force on some day of ``[start, end]`` (all versions when no bounds), oldest first.

    The first is the one in force on ``start`` (when one is); each next one starts on its effective date. A
    day with nothing in force is skipped, so a list whose first ``effective_from`` is after ``start`` means
    "not in force before that date". ``Resolved.on`` is the first day of the window the version applies to.
    """
    dates = sorted(_dates_in(load(name)))
    lo = start or (dates[0] if dates else dt.date.min)
    hi = end or dt.date.max
    candidates = [lo, *(d for d in dates if lo < d <= hi)]
    out: list[Resolved] = []
    for day in candidates:
        try:
            found = resolve(name, key, day)
        except RulesError as exc:
            if "no value in force" in str(exc):
                continue
            raise
        if out and (out[-1].value, out[-1].effective_from) == (found.value, found.effective_from):
            continue
        out.append(found)
    return out


def check_keys(name: str, keys: Iterable[str]) -> None:
    """Refuse rules file ``name`` unless its keys are exactly the dotted ``keys`` its consumers declare.

    Checked in every dated entry (past and future versions too): a key nobody declares (a misspelling) and a
    declared key that is missing are both errors naming the file and the key; a dated entry must say its
    ``basis``; an entry for a declared leaf must be ``{value: …}`` or a plain value, and ``published`` a date.
    """
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for part in key.split("."):
            node = node.setdefault(part, {})
    problems: list[str] = []
    _check(load(name), trie, "", problems)
    if problems:
        shown = "; ".join(problems[:10]) + (f"; … {len(problems) - 10} more" if len(problems) > 10 else "")
        raise RulesError(f"{name}.yaml: {shown}")


def _check(node: Any, trie: dict[str, Any], path: str, problems: list[str]) -> None:
    if is_dated(node):
        for since, entry in dated_entries(node, path or "(root)"):
            here = f"{path}[{since.isoformat()}]"
            if not isinstance(entry, dict):
                problems.append(_("entry %(entry)r is not a mapping with a basis（应为含 basis 的条目）") % {"entry": here})
                continue
            if not entry.get("basis"):
                problems.append(_("entry %(entry)r has no basis（缺少法律依据 basis）") % {"entry": here})
            if "published" in entry and (not isinstance(entry["published"], dt.date)
                                         or isinstance(entry["published"], dt.datetime)):
                problems.append(_("entry %(entry)r: published is not a date (YYYY-MM-DD)（published 应为日期）") % {"entry": here})
            body = {k: v for k, v in entry.items() if k not in META_KEYS}
            if not trie:
                if set(body) != {"value"}:
                    extra = sorted(set(body) - {"value"})
                    found = _(", found %(keys)s") % {"keys": extra} if extra else ""
                    problems.append(_("entry %(entry)r needs exactly one 'value'%(found)s（叶子参数应写 value）")
                                    % {"entry": here, "found": found})
                continue
            _check(body, trie, here, problems)
        return
    if not trie:
        return
    if not isinstance(node, dict):
        problems.append(_("key %(key)r is not a mapping（应为映射）") % {"key": path or "(root)"})
        return
    for k in sorted(set(node) - set(trie), key=str):
        problems.append(_("unknown key %(key)r（未知的参数名，是否拼写错误？）") % {"key": _join(path, k)})
    for k in sorted(set(trie) - set(node)):
        problems.append(_("missing key %(key)r（缺少参数）") % {"key": _join(path, k)})
    for k in sorted(set(trie) & set(node)):
        _check(node[k], trie[k], _join(path, k), problems)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


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


def file_hash(name: str) -> str:
    """SHA-256 of the rules file's bytes as loaded (the office override if there is one)."""
    path = rule_path(name)
    stat = path.stat()
    return _hash(str(path), stat.st_mtime_ns, stat.st_size)


@cache
def _hash(path: str, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def source_of(name: str) -> str:
    """``office`` when the file in effect comes from ``WEIJIAN_RULES_DIR``, else ``bundled``."""
    return "bundled" if rule_path(name).parent == BUNDLED_DIR else "office"


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
    _parse.cache_clear()
    _hash.cache_clear()
