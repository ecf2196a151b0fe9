"""Everything the analytics engine reads from the rules data (``weijian/rules/data``), and its check.

Each rule declares its parameters (:class:`~weijian.analytics.params.Param`: file and key, no value); the
indicators, the targets, the risk score and the DDD reference declare theirs. :func:`validate` refuses a
rules file in effect (bundled or an office's ``WEIJIAN_RULES_DIR`` replacement) that lacks a declared key
or holds one nobody declares — naming the file and the key — or whose value, in any version, is of the
wrong kind. ``weijian analytics run`` calls it before reading any data; a test calls it over all rules.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from weijian.analytics import ddd, indicators, risk, targets
from weijian.analytics.params import Param
from weijian.analytics.registry import RULES
from weijian.rules import loader


def declared() -> dict[str, list[Param]]:
    """Declared parameters by rules file."""
    by_file: dict[str, list[Param]] = defaultdict(list)
    params: list[Param] = [p for rule in RULES.values() for p in rule.params.values()]
    params += list(indicators.PARAMS.values())
    params += list(targets.TARGETS.values())
    params += risk.declared_params(RULES)
    params.append(Param(ddd.RULES_FILE, ddd.RULES_KEY, "table"))
    for p in params:
        if p not in by_file[p.file]:
            by_file[p.file].append(p)
    return dict(by_file)


def validate() -> None:
    """Raise ``RulesError`` (naming file and key) unless every file the engine reads is exactly as declared."""
    for file, params in declared().items():
        loader.check_keys(file, [p.key for p in params])
        for p in params:
            for v in loader.versions(p.file, p.key):
                p.check(v.value, f"version of {v.effective_from}")
    ddd.rules_drug_doses()


def record() -> dict[str, Any]:
    """What a run records about the rules data: one hash over all files and each file's hash."""
    names = loader.rules_files()
    out: dict[str, Any] = {"hash": loader.rules_hash(), "files": {n: loader.file_hash(n) for n in names}}
    office = [n for n in names if loader.source_of(n) == "office"]
    if office:
        out["office_files"] = office
    return out
