"""Precision and recall of alerts against a truth file (rule_id, subject_id per injected violation).

:func:`evaluate` scores every rule of a run at the thresholds it ran with. :func:`threshold_table` gives a
statistical rule's precision–recall table over its threshold from *one* run: the alert carries its score
(``value``) and fires on one side of ``threshold``, so a run whose rules data put the threshold at the end of
the range (:func:`relaxed_rules`) has every candidate of the range among its alerts, and the alerts that a
stricter threshold keeps are exactly those whose ``value`` passes it (the other conditions of the rule do
not depend on the threshold). Each row is counted from the alerts; nothing is interpolated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from weijian.analytics.io import lit
from weijian.rules import loader


def _alerts_file(out: Path) -> Path:
    return Path(out) / "alerts.parquet" if Path(out).is_dir() else Path(out)


def scores(flagged: set[str], truth: set[str]) -> dict[str, object]:
    """TP, FP, FN, precision (None when nothing is flagged) and recall (None when nothing is true)."""
    tp, fp, fn = len(flagged & truth), len(flagged - truth), len(truth - flagged)
    return {"tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / (tp + fn) if tp + fn else None}


def evaluate(out: Path, truth: Path) -> list[dict[str, object]]:
    alerts = _alerts_file(out)
    con = duckdb.connect()
    rows = con.execute(f"""
        WITH a AS (SELECT DISTINCT rule_id, CAST(subject_id AS VARCHAR) AS subject_id
                   FROM read_parquet({lit(str(alerts))})),
             t AS (SELECT DISTINCT rule_id, CAST(subject_id AS VARCHAR) AS subject_id
                   FROM read_parquet({lit(str(truth))})),
             j AS (SELECT coalesce(a.rule_id, t.rule_id) AS rule_id, a.subject_id IS NOT NULL AS flagged,
                          t.subject_id IS NOT NULL AS true_
                   FROM a FULL OUTER JOIN t ON a.rule_id = t.rule_id AND a.subject_id = t.subject_id)
        SELECT rule_id, count_if(flagged AND true_) AS tp, count_if(flagged AND NOT true_) AS fp,
               count_if(true_ AND NOT flagged) AS fn
        FROM j GROUP BY rule_id ORDER BY rule_id""").fetchall()
    out_rows = []
    for rule, tp, fp, fn in rows:
        out_rows.append({"rule_id": rule, "tp": tp, "fp": fp, "fn": fn,
                         "precision": tp / (tp + fp) if tp + fp else None,
                         "recall": tp / (tp + fn) if tp + fn else None})
    return out_rows


@dataclass(frozen=True)
class Sweep:
    """How a statistical rule's alert compares its ``value`` with the threshold swept."""

    rule_id: str
    key: str  # the rules-data parameter (statistical_rules.yaml) that is the threshold
    above: bool  # True: fires when value > threshold (a score); False: when value <= threshold (a count)
    relaxed: float  # the parameter's value for the run that yields every candidate of the table's range


SWEEPS: dict[str, Sweep] = {
    "prescribing_outlier": Sweep("prescribing_outlier", "prescribing_outlier.z_threshold", True, 0.0),
    "ghost_registration": Sweep("ghost_registration", "ghost_registration.max_visits_here", False, 10.0),
}
RULES_FILE = "statistical_rules"


def relaxed_rules(folder: Path, sweeps: Iterable[Sweep] = SWEEPS.values()) -> Path:
    """Write a replacement ``statistical_rules.yaml`` (for ``WEIJIAN_RULES_DIR``) with each swept threshold
    at its relaxed value in every dated entry; every other parameter stays the bundled one."""
    data = yaml.safe_load((loader.BUNDLED_DIR / f"{RULES_FILE}.yaml").read_text(encoding="utf-8"))
    for sweep in sweeps:
        rule, param = sweep.key.split(".")
        for entry in data[rule][param].values():
            entry["value"] = int(sweep.relaxed) if float(sweep.relaxed).is_integer() else sweep.relaxed
            entry["basis"] = f"{entry['basis']} (relaxed for a precision-recall study)"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{RULES_FILE}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def truth_subjects(truth: Path, rule_id: str) -> set[str]:
    con = duckdb.connect()
    rows = con.execute(f"SELECT DISTINCT CAST(subject_id AS VARCHAR) FROM read_parquet({lit(str(truth))}) "
                       "WHERE rule_id = ?", [rule_id]).fetchall()
    return {r[0] for r in rows}


def alert_values(out: Path, rule_id: str) -> dict[str, float]:
    """subject_id → value of a rule's alerts (the largest where a subject has several)."""
    con = duckdb.connect()
    rows = con.execute(f"SELECT CAST(subject_id AS VARCHAR), max(value) FROM read_parquet({lit(str(_alerts_file(out)))}) "
                       "WHERE rule_id = ? GROUP BY 1", [rule_id]).fetchall()
    return {s: float(v) for s, v in rows}


def threshold_table(out: Path, truth: Path, sweep: Sweep, thresholds: Sequence[float]) -> list[dict[str, object]]:
    """One row per threshold: the alerts of ``out`` (a run at ``sweep.relaxed``) that the threshold keeps,
    scored against ``truth``; rows in :func:`evaluate`'s format plus ``threshold``."""
    edge = (min if sweep.above else max)(thresholds)
    if (edge < sweep.relaxed) if sweep.above else (edge > sweep.relaxed):
        raise ValueError(f"threshold {edge} lies outside the relaxed run's range ({sweep.key} = {sweep.relaxed})")
    values, true = alert_values(out, sweep.rule_id), truth_subjects(truth, sweep.rule_id)
    rows = []
    for t in thresholds:
        flagged = {s for s, v in values.items() if (v > t if sweep.above else v <= t)}
        rows.append({"rule_id": sweep.rule_id, "threshold": t, **scores(flagged, true)})
    return rows
