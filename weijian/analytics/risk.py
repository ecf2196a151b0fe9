"""Risk score and grade per institution (OUT/risk.parquet).

Legal basis: 国办发〔2018〕63号《关于改革完善医疗卫生行业综合监管制度的指导意见》（风险分级、信用
监管）；国发〔2019〕5号（“双随机、一公开”按信用风险分类确定抽查比例）.

score (0–100) = alert part + indicator part + provider part, capped at 100:

- alerts: Σ over alerts of rule weight × severity weight, per 1000 visits of the period (at
  least ``min_visits``), mapped to ``share × (1 − e^(−x / scale))``;
- indicators against targets (risk.yaml): ``weight × min(1, mean_months max(0, value/target − 1))``;
- extension point: any :class:`RiskSignalProvider` registered with :func:`register_provider`
  (complaints, inspection findings, credit records — later Django apps register theirs; this
  module imports nothing from them) gives 0–100 points per institution, weighted by
  ``providers.<name>`` in risk.yaml or by the weight given at registration.

Grades A (low) … D (high) come from the cut-offs in risk.yaml. ``reasons`` is a JSON list of
the top contributions.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pyarrow as pa
import yaml

from weijian.analytics.output import RISK_SCHEMA


@dataclass(frozen=True)
class RiskSignal:
    points: float  # 0–100 before weighting
    detail: str


@runtime_checkable
class RiskSignalProvider(Protocol):
    """Extra per-institution risk signals (complaints, inspections, credit …)."""

    name: str

    def signals(self, institution_ids: Sequence[str], start: dt.date, end: dt.date) -> Mapping[str, RiskSignal]:
        ...


_PROVIDERS: dict[str, tuple[RiskSignalProvider, float]] = {}


def register_provider(provider: RiskSignalProvider, weight: float = 10.0) -> None:
    """Register a provider; risk.yaml ``providers.<name>`` overrides ``weight``."""
    _PROVIDERS[provider.name] = (provider, weight)


def unregister_provider(name: str) -> None:
    _PROVIDERS.pop(name, None)


def load_config(path: Path | None = None) -> dict[str, Any]:
    if path is not None:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    text = resources.files("weijian.analytics").joinpath("risk.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def grade_for(score: float, grades: list[dict[str, Any]]) -> str:
    for g in grades:
        if score <= float(g["max"]):
            return str(g["grade"])
    return str(grades[-1]["grade"])


def score(institution_ids: Sequence[str], alerts: pa.Table, indicators: pa.Table, start: dt.date,
          end: dt.date, config: dict[str, Any] | None = None) -> pa.Table:
    cfg = config or load_config()
    ac = cfg["alerts"]
    contrib: dict[str, list[tuple[float, dict[str, Any]]]] = defaultdict(list)
    visits: dict[str, float] = defaultdict(float)
    ind = indicators.to_pydict()
    by_ind: dict[tuple[str, str], list[float]] = defaultdict(list)
    for iid, inst, val in zip(ind["indicator_id"], ind["institution_id"], ind["value"], strict=True):
        if iid == "visits":
            visits[inst] += val
        else:
            by_ind[(iid, inst)].append(val)
    weighted: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    al = alerts.select(["rule_id", "institution_id", "severity"]).to_pydict()
    for rule, inst, sev in zip(al["rule_id"], al["institution_id"], al["severity"], strict=True):
        if inst is None:
            continue
        w = float(ac["rules"].get(rule, 1.0)) * float(ac["severity"].get(sev, 1.0))
        weighted[inst][rule] += w
        counts[inst][rule] += 1
    for inst, rules in weighted.items():
        vol = max(visits.get(inst, 0.0), float(ac["min_visits"]))
        per = {r: w * float(ac["per_visits"]) / vol for r, w in rules.items()}
        x = sum(per.values())
        part = float(ac["share"]) * (1 - math.exp(-x / float(ac["scale"])))
        for r, p in per.items():
            contrib[inst].append((part * p / x if x else 0.0,
                                  {"source": "alerts", "rule_id": r, "alerts": counts[inst][r],
                                   "per_1000_visits": round(p, 3)}))
    for (iid, inst), vals in by_ind.items():
        spec = cfg.get("indicators", {}).get(iid)
        if not spec:
            continue
        target = float(spec["target"])
        excess = sum(max(0.0, v / target - 1) for v in vals) / len(vals)
        pts = float(spec["weight"]) * min(1.0, excess)
        if pts > 0:
            contrib[inst].append((pts, {"source": "indicator", "indicator_id": iid, "target": target,
                                        "mean_value": round(sum(vals) / len(vals), 4)}))
    for name, (prov, weight) in _PROVIDERS.items():
        w = float(cfg.get("providers", {}).get(name, weight))
        for inst, sig in prov.signals(list(institution_ids), start, end).items():
            pts = max(0.0, min(100.0, sig.points)) * w / 100
            if pts > 0:
                contrib[inst].append((pts, {"source": name, "detail": sig.detail}))
    rows: dict[str, list[Any]] = {"institution_id": [], "score": [], "grade": [], "reasons": []}
    for inst in sorted(set(institution_ids) | set(contrib)):
        parts = sorted(contrib.get(inst, []), key=lambda c: -c[0])
        total = min(100.0, sum(p for p, _ in parts))
        rows["institution_id"].append(inst)
        rows["score"].append(round(total, 3))
        rows["grade"].append(grade_for(total, cfg["grades"]))
        rows["reasons"].append(json.dumps([{"points": round(p, 3), **d} for p, d in parts[:5]],
                                          ensure_ascii=False))
    return pa.table(rows).cast(RISK_SCHEMA)
