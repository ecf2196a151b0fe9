"""Precision and recall of alerts against a truth file (rule_id, subject_id per injected violation)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from weijian.analytics.io import lit


def evaluate(out: Path, truth: Path) -> list[dict[str, object]]:
    alerts = Path(out) / "alerts.parquet" if Path(out).is_dir() else Path(out)
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
