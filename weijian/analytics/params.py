"""Rule parameters with effective dates (``params.yaml``), picked as of the period end.

A parameter version applies from its ``effective_from``; the engine uses, for a run over
``[start, end]``, the latest version with ``effective_from ≤ end`` (DESIGN.md: the version in
force on the date of the facts, never today's). ``--params FILE`` overlays a file of the same
shape; a plain scalar there means "this value, in force always".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class ParamValue:
    value: float
    effective_from: dt.date | None
    legal_basis: str | None


class NotInForce(Exception):
    """No version of a parameter is in force on the given day."""


def _versions(raw: Any) -> list[ParamValue]:
    if isinstance(raw, int | float):
        return [ParamValue(float(raw), None, None)]
    out = []
    for v in raw:
        eff = v.get("effective_from")
        if isinstance(eff, str):
            eff = dt.date.fromisoformat(eff)
        out.append(ParamValue(float(v["value"]), eff, v.get("legal_basis")))
    return out


class Params:
    def __init__(self, data: dict[str, dict[str, list[ParamValue]]]) -> None:
        self.data = data

    @classmethod
    def load(cls, override: Path | None = None) -> Params:
        text = resources.files("weijian.analytics").joinpath("params.yaml").read_text(encoding="utf-8")
        base = yaml.safe_load(text) or {}
        data = {rule: {p: _versions(v) for p, v in ps.items()} for rule, ps in base.items()}
        if override is not None:
            extra = yaml.safe_load(Path(override).read_text(encoding="utf-8")) or {}
            for rule, ps in extra.items():
                for p, v in (ps or {}).items():
                    data.setdefault(rule, {})[p] = _versions(v)
        return cls(data)

    def resolve(self, rule_id: str, defaults: dict[str, float], as_of: dt.date) -> dict[str, ParamValue]:
        """Parameter values in force on ``as_of``; defaults fill parameters absent from the YAML."""
        out: dict[str, ParamValue] = {k: ParamValue(float(v), None, None) for k, v in defaults.items()}
        for name, versions in self.data.get(rule_id, {}).items():
            live = [v for v in versions if v.effective_from is None or v.effective_from <= as_of]
            if not live:
                raise NotInForce(f"{rule_id}.{name}: no version in force on {as_of}")
            out[name] = max(live, key=lambda v: v.effective_from or dt.date.min)
        return out
