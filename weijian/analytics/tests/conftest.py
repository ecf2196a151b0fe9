from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from weijian.analytics.runner import RunOptions, RunResult, run
from weijian.analytics.tests.builder import Dataset

START, END = dt.date(2025, 3, 1), dt.date(2025, 3, 31)


@pytest.fixture
def ds() -> Dataset:
    return Dataset()


@pytest.fixture
def run_ds(tmp_path: Path) -> Callable[..., RunResult]:
    counter = iter(range(10**6))

    def go(d: Dataset, rules: list[str] | None = None, start: dt.date = START, end: dt.date = END,
           **kw: object) -> RunResult:
        i = next(counter)
        folder = d.write(tmp_path / f"ds{i}", **kw)  # type: ignore[arg-type]
        return run(RunOptions(folder, start, end, tmp_path / f"out{i}", rules=rules))

    return go


def fired(res: RunResult, rule: str) -> set[str]:
    """Subject ids the rule fired on."""
    rows = res.alerts.to_pylist()
    return {r["subject_id"] for r in rows if r["rule_id"] == rule}


@pytest.fixture(scope="session")
def spark_session():  # type: ignore[no-untyped-def]
    """One local Spark session for every Spark test (they are slow to start)."""
    pytest.importorskip("pyspark")
    from weijian.analytics.engine import spark_session as make

    spark = make("local[2]", shuffle_partitions=2)
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()
