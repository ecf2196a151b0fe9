"""The precision–recall study of the statistical rules (benchmarks/statistical_rules_study.py) on a small
generated dataset: its rows are evaluate()'s, the row at the rules data's threshold is a plain run's, and every
row is counted from the relaxed run's alerts."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from weijian.analytics.evaluate import SWEEPS, evaluate, relaxed_rules, threshold_table
from weijian.analytics.rules.prescribing_outlier import run_months
from weijian.analytics.runner import RunOptions, run
from weijian.rules import loader
from weijian.sim import city
from weijian.sim.activity import generate

START, END = dt.date(2025, 1, 1), dt.date(2025, 3, 31)
RULES = ["prescribing_outlier", "ghost_registration"]
TINY = city.Preset(districts=("310101", "310104"), institutions=40, practitioners=500, inspectors=6,
                   streets_per_district=(2, 3))  # fmt: skip
GRID = {"prescribing_outlier": [0.0, 1.0, 1.5, 2.5, 4.0, 8.0], "ghost_registration": [0.0, 1.0, 3.0, 10.0]}


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("study")
    city.write_tables(city.generate(TINY, seed=5), base / "registry")
    data = base / "activity"
    generate(base / "registry", data, months=3, rate=0.05, seed=5, start=START, truth=False)
    _keep_what_the_two_rules_read(data)
    cache = base / "cache"
    assert not run(RunOptions(data, START, END, base / "plain", rules=RULES, cache_dir=cache)).failed
    folder = relaxed_rules(base / "rules")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WEIJIAN_RULES_DIR", str(folder))
        assert not run(RunOptions(data, START, END, base / "relaxed", rules=RULES, cache_dir=cache)).failed
    return {"plain": base / "plain", "relaxed": base / "relaxed", "truth": data / "sim_injected.parquet",
            "base": base}


def _keep_what_the_two_rules_read(data: Path) -> None:
    """As the study does: the other large tables are left out (charges, a required table, written empty)."""
    empty = pq.read_table(next(iter(sorted((data / "charges").glob("*.parquet"))))).slice(0, 0)
    for name in ("charges", "waste_bags", "waste_manifests", "wastewater_readings"):
        shutil.rmtree(data / name, ignore_errors=True)
    (data / "deaths.parquet").unlink(missing_ok=True)
    pq.write_table(empty, data / "charges.parquet")


def _default(rule: str) -> float:
    return float(loader.resolve("statistical_rules", SWEEPS[rule].key, START).value)


@pytest.mark.parametrize("rule", RULES)
def test_the_row_at_the_rules_datas_threshold_is_a_plain_runs_score(study: dict[str, Path], rule: str) -> None:
    at = _default(rule)
    rows = threshold_table(study["relaxed"], study["truth"], SWEEPS[rule], sorted({*GRID[rule], at}))
    plain = {r["rule_id"]: r for r in evaluate(study["plain"], study["truth"])}[rule]
    row = next(r for r in rows if r["threshold"] == at)
    assert set(plain) <= set(row) and set(row) - set(plain) == {"threshold"}  # evaluate()'s format plus threshold
    assert {k: row[k] for k in plain} == plain
    assert plain["tp"] > 0  # the dataset has injected cases of the rule, found at the rules data's threshold


def test_each_row_is_counted_from_the_alerts(study: dict[str, Path]) -> None:
    sweep = SWEEPS["prescribing_outlier"]
    rows = threshold_table(study["relaxed"], study["truth"], sweep, GRID["prescribing_outlier"])
    flagged = [r["tp"] + r["fp"] for r in rows]  # type: ignore[operator]
    assert flagged == sorted(flagged, reverse=True) and flagged[0] > flagged[-1]  # a stricter z keeps fewer
    assert all(r["tp"] + r["fn"] == rows[0]["tp"] + rows[0]["fn"] for r in rows)  # type: ignore[operator]
    # take away the alert of one injected case: every row whose threshold it passed loses exactly that TP
    alerts = pq.read_table(study["relaxed"] / "alerts.parquet")
    true = set(pq.read_table(study["truth"]).column("subject_id").to_pylist())
    mine = alerts.filter(pc.equal(alerts["rule_id"], sweep.rule_id))
    victim = next(r for r in mine.to_pylist() if r["subject_id"] in true)
    pq.write_table(alerts.filter(pc.invert(pc.equal(alerts["subject_id"], victim["subject_id"]))),
                   study["base"] / "fewer.parquet")
    fewer = threshold_table(study["base"] / "fewer.parquet", study["truth"], sweep, GRID["prescribing_outlier"])
    for before, after in zip(rows, fewer, strict=True):
        lost = 1 if victim["value"] > before["threshold"] else 0  # type: ignore[operator]
        assert (after["tp"], after["fn"], after["fp"]) == (before["tp"] - lost, before["fn"] + lost, before["fp"])  # type: ignore[operator]


def test_a_threshold_outside_the_relaxed_range_is_refused(study: dict[str, Path]) -> None:
    with pytest.raises(ValueError, match="outside the relaxed run"):
        threshold_table(study["relaxed"], study["truth"], SWEEPS["ghost_registration"], [0.0, 50.0])


def test_run_months() -> None:
    assert run_months(dt.date(2024, 11, 15), dt.date(2025, 2, 1)) == ["2024-11", "2024-12", "2025-01", "2025-02"]
