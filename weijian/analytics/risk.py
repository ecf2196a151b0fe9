"""Risk score and grade per institution (OUT/risk.parquet): the analytics component of the supervision grade.

Legal basis: 国办发〔2018〕63号《关于改革完善医疗卫生行业综合监管制度的指导意见》（风险分级、信用
监管）；国发〔2019〕5号（“双随机、一公开”按信用风险分类确定抽查比例）.

score (0–100) = alert part + indicator part, capped at 100:

- alerts: Σ over alerts of rule weight × severity weight, per ``per_visits`` visits of the period (at
  least ``min_visits``), mapped to ``share × (1 − e^(−x / scale))``;
- indicators against their targets: ``weight × min(1, mean over months of max(0, value/target − 1))``.

Weights and grade cut-offs are ``rules/data/risk_score.yaml``, the targets ``rules/data/antimicrobials.yaml``
(:mod:`weijian.analytics.targets`), all as of the period's end (the grade's date). ``reasons`` is a JSON
list of the top contributions. This module reads nothing but its inputs and the rules data: the platform's
overall grade (complaints, inspections, credit) is built by the platform from ``risk.parquet``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from weijian.analytics import targets
from weijian.analytics.output import RISK_SCHEMA
from weijian.analytics.params import Param
from weijian.i18n import gettext as _
from weijian.rules import loader
from weijian.rules.loader import RulesError

FILE = "risk_score"
GRADES = ("A", "B", "C", "D")  # A low risk … D high risk (the contract's grades)
SEVERITIES = ("low", "medium", "high")
ALERT_SCALARS = ("share", "scale", "per_visits", "min_visits")
INDICATORS = tuple(targets.TARGETS)
TALLY_SCHEMA = pa.schema([("rule_id", pa.string()), ("severity", pa.string()), ("institution_id", pa.string()),
                          ("alerts", pa.int64())])


def declared_params(rule_ids: Iterable[str]) -> list[Param]:
    """Every key of risk_score.yaml this module reads (every rule of the library has a weight)."""
    keys = [f"alert_weights.{k}" for k in ALERT_SCALARS]
    keys += [f"alert_weights.severity.{s}" for s in SEVERITIES]
    keys += [f"alert_weights.rules.{r}" for r in rule_ids]
    keys += [f"indicator_weights.{i}" for i in INDICATORS]
    keys += [f"grades.{g}" for g in GRADES]
    return [Param(FILE, k) for k in keys]


@dataclass
class Config:
    """The weights, targets and cut-offs in force on one day, and the versions they came from."""

    on: dt.date
    alerts: dict[str, Any]
    indicator_weights: dict[str, float]
    targets: dict[str, float]
    grades: list[tuple[str, float]]
    used: dict[str, Any] = field(default_factory=dict)


def _entry(key: str, on: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    found = loader.resolve(FILE, key, on)
    body = {k: v for k, v in found.value.items() if k not in loader.META_KEYS}
    return body, {k: v for k, v in found.record().items() if k not in ("as_of", "value")}


def config(on: dt.date, rule_ids: Iterable[str]) -> Config:
    """The risk configuration in force on ``on`` (the period's end)."""
    for p in declared_params(rule_ids):
        p.check(loader.value(p.file, p.key, on), f"on {on.isoformat()}")
    alerts, a_rec = _entry("alert_weights", on)
    weights, w_rec = _entry("indicator_weights", on)
    grades, g_rec = _entry("grades", on)
    tgt: dict[str, float] = {}
    t_rec: dict[str, Any] = {}
    for ind in INDICATORS:
        found = targets.indicator_target_record(ind, on)
        if found is None:
            raise RulesError(f"no target for indicator {ind}")
        tgt[ind] = float(found.value)
        t_rec[ind] = {k: v for k, v in found.record().items() if k != "as_of"}
    cuts = [(g, float(grades[g])) for g in GRADES]
    if [m for _, m in cuts] != sorted(m for _, m in cuts):
        raise RulesError(_("%(file)s.yaml: grades must rise from A to D, got %(cuts)s（分级界值应递增）") % {"file": FILE, "cuts": cuts})
    used = {"alert_weights": {"value": alerts, **a_rec}, "indicator_weights": {"value": weights, **w_rec},
            "grades": {"value": grades, **g_rec}, "targets": t_rec}
    return Config(on, alerts, {k: float(v) for k, v in weights.items()}, tgt, cuts, used)


def grade_for(score: float, grades: list[tuple[str, float]]) -> str:
    for g, top in grades:
        if score <= top:
            return g
    return grades[-1][0]


def grade_on(score: float, on: dt.date) -> str:
    """The grade of ``score`` under the cut-offs in force on ``on``."""
    return grade_for(score, [(g, float(loader.value(FILE, f"grades.{g}", on))) for g in GRADES])


def tally(alerts: pa.Table) -> pa.Table:
    """One rule's shaped alerts counted per institution: what :func:`score` reads of them."""
    if alerts.num_rows == 0:
        return TALLY_SCHEMA.empty_table()
    n = alerts.group_by("institution_id").aggregate([("rule_id", "count")])  # rule_id is never null
    first = alerts.slice(0, 1).to_pylist()[0]
    rows = n.num_rows
    return pa.table({"rule_id": pa.array([first["rule_id"]] * rows, pa.string()),
                     "severity": pa.array([first["severity"]] * rows, pa.string()),
                     "institution_id": n.column("institution_id"),
                     "alerts": n.column("rule_id_count")}).cast(TALLY_SCHEMA)


def score(institution_ids: Sequence[str], tallies: Sequence[pa.Table], indicators: pa.Table,
          cfg: Config) -> pa.Table:
    """Each institution's score from its alerts (``tallies``: :func:`tally` of each rule's, in rule_id order)
    and its indicators."""
    ac = cfg.alerts
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
    for t in tallies:
        al = t.to_pydict()
        for rule, inst, sev, n in zip(al["rule_id"], al["institution_id"], al["severity"], al["alerts"],
                                      strict=True):
            if inst is None:
                continue
            w = float(ac["rules"][rule]) * float(ac["severity"][sev])
            for _i in range(n):  # one alert at a time: n × w rounds differently from n additions of w
                weighted[inst][rule] += w
            counts[inst][rule] += n
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
        if iid not in cfg.indicator_weights:
            continue
        target = cfg.targets[iid]
        excess = sum(max(0.0, v / target - 1) for v in vals) / len(vals)
        pts = cfg.indicator_weights[iid] * min(1.0, excess)
        if pts > 0:
            contrib[inst].append((pts, {"source": "indicator", "indicator_id": iid, "target": target,
                                        "mean_value": round(sum(vals) / len(vals), 4)}))
    rows: dict[str, list[Any]] = {"institution_id": [], "score": [], "grade": [], "reasons": []}
    for inst in sorted(set(institution_ids) | set(contrib)):
        parts = sorted(contrib.get(inst, []), key=lambda c: -c[0])
        total = min(100.0, sum(p for p, _ in parts))
        rows["institution_id"].append(inst)
        rows["score"].append(round(total, 3))
        rows["grade"].append(grade_for(total, cfg.grades))
        rows["reasons"].append(json.dumps([{"points": round(p, 3), **d} for p, d in parts[:5]],
                                          ensure_ascii=False))
    return pa.table(rows).cast(RISK_SCHEMA)
