"""The whole rule set over generated activity: exact on the deterministic rules, same rows on both engines.

A small synthetic city (``weijian.sim.city``) gets two months of activity with violations injected
and labelled (``weijian.sim.activity``); the engine must find exactly the truth of every
deterministic rule, and DuckDB and Spark must write the same alerts, indicators and grades.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from weijian.analytics.evaluate import evaluate
from weijian.analytics.registry import RULES
from weijian.analytics.runner import RunOptions, RunResult, run
from weijian.sim import city
from weijian.sim.activity import generate

START, END = dt.date(2025, 1, 1), dt.date(2025, 2, 28)
DETERMINISTIC = sorted(rule_id for rule_id, rule in RULES.items() if not rule.statistical)
TINY = city.Preset(districts=("310101", "310104"), institutions=40, practitioners=500, inspectors=6,
                   streets_per_district=(2, 3))  # fmt: skip


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    registry = tmp_path_factory.mktemp("registry")
    city.write_tables(city.generate(TINY, seed=5), registry)
    out = tmp_path_factory.mktemp("activity")
    generate(registry, out, months=2, rate=0.03, seed=5, start=START)
    return out


@pytest.fixture(scope="module")
def duckdb_result(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Path]:
    out = tmp_path_factory.mktemp("out-duckdb")
    return run(RunOptions(dataset, START, END, out)), out


def test_deterministic_rules_are_exact_on_generated_data(duckdb_result: tuple[RunResult, Path], dataset: Path) -> None:
    result, out = duckdb_result
    assert not result.failed
    scores = {row["rule_id"]: row for row in evaluate(out, dataset / "truth.parquet")}
    for rule_id in DETERMINISTIC:
        row = scores.get(rule_id)
        assert row is not None, f"{rule_id}: nothing injected and nothing found"
        assert (row["fp"], row["fn"]) == (0, 0), row
        assert row["tp"] > 0, row


def test_every_rule_ran_and_outputs_follow_the_contract(duckdb_result: tuple[RunResult, Path]) -> None:
    result, out = duckdb_result
    ran = {r["id"] for r in result.report["rules_run"]}
    assert ran == set(RULES) and not result.report["rules_skipped"] and not result.report["rules_failed"]
    assert {p.name for p in out.iterdir()} >= {"alerts.parquet", "indicators.parquet", "risk.parquet", "report.json"}
    indicators = set(result.indicators.column("indicator_id").to_pylist())
    assert {"antimicrobial_intensity", "outpatient_antibiotic_rate", "inpatient_days", "charges_per_visit"} <= indicators
    cutoffs = [("A", 20), ("B", 40), ("C", 60), ("D", 100)]  # risk.yaml
    for row in result.risk.to_pylist():
        assert 0 <= row["score"] <= 100
        assert row["grade"] == next(g for g, top in cutoffs if row["score"] <= top)
        assert json.loads(row["reasons"]) or row["score"] == 0


def test_alerts_are_written_one_rule_at_a_time_in_order(duckdb_result: tuple[RunResult, Path]) -> None:
    result, out = duckdb_result
    f = pq.ParquetFile(out / "alerts.parquet")
    rows = f.read().select(["rule_id", "subject_id"]).to_pylist()
    keys = [(r["rule_id"], r["subject_id"]) for r in rows]
    assert keys == sorted(keys) and len(keys) == result.report["alerts"]["rows"]
    by_rule = Counter(r["rule_id"] for r in rows)
    assert dict(by_rule) == result.report["alerts"]["by_rule"] and len(by_rule) >= 10
    assert f.metadata.num_row_groups >= len(by_rule)  # each rule's part written as it was shaped
    assert not list(out.glob(".work/rule-*"))  # no rule's result left behind
    per_inst = Counter((r["institution_id"], r["rule_id"]) for r in f.read().to_pylist() if r["institution_id"])
    counted = {(row["institution_id"], c["rule_id"]): c["alerts"] for row in result.risk.to_pylist()
               for c in json.loads(row["reasons"]) if c["source"] == "alerts"}
    assert counted and all(per_inst[k] == n for k, n in counted.items())  # the score counts every alert


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return sorted(table.to_pylist(), key=lambda r: tuple(str(v) for v in r.values()))


@pytest.mark.spark
def test_spark_writes_the_same_rows(
    duckdb_result: tuple[RunResult, Path], dataset: Path, tmp_path: Path, spark_session: Any
) -> None:
    result, _ = duckdb_result
    spark = run(RunOptions(dataset, START, END, tmp_path / "out-spark", engine="spark", spark_session=spark_session))
    assert not spark.failed
    assert _rows(spark.alerts) == _rows(result.alerts)
    assert _rows(spark.indicators) == _rows(result.indicators)
    assert _rows(spark.risk) == _rows(result.risk)
