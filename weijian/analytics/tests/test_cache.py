"""Validated input is cached by content: a re-run reuses it, any change to an input or the rules data does not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from weijian.analytics.runner import RunOptions, RunResult, run
from weijian.analytics.tests.builder import Dataset
from weijian.analytics.tests.conftest import fired
from weijian.analytics.tests.test_rules_data import bundled, office

D = dt.date
RULES = ["duplicate_charge", "institution_licence", "split_admission"]


def _dataset(ds: Dataset) -> Dataset:
    v = ds.visit(D(2025, 3, 2), patient="P1")
    ds.charge(v, D(2025, 3, 2), item_code="X1")
    ds.charge(v, D(2025, 3, 2), item_code="X1")  # a duplicate
    a = ds.visit(D(2025, 2, 1), D(2025, 2, 10), kind="inpatient", patient="P2")
    ds.visit(D(2025, 3, 1), D(2025, 3, 5), kind="inpatient", patient="P2")  # 19 days later: no split admission
    del a
    return ds


def _run(folder: Path, out: Path, cache_dir: Path) -> RunResult:
    return run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), out, rules=RULES, cache_dir=cache_dir))


def _cache(res: RunResult) -> dict[str, Any]:
    return res.report["cache"]


def test_a_rerun_reuses_every_validated_file_and_gives_the_same_rows(ds: Dataset, tmp_path: Path) -> None:
    folder = _dataset(ds).write(tmp_path / "ds")
    first = _run(folder, tmp_path / "out1", tmp_path / "cache")
    assert _cache(first)["reused"] == 0 and _cache(first)["validated"] == _cache(first)["files"] > 0
    again = _run(folder, tmp_path / "out2", tmp_path / "cache")
    assert _cache(again)["reused"] == _cache(again)["files"] and _cache(again)["validated"] == 0
    assert again.alerts.to_pylist() == first.alerts.to_pylist()
    assert again.report["tables"] == first.report["tables"]
    assert len(fired(again, "duplicate_charge")) == 1


def test_one_changed_byte_of_one_input_validates_that_file_again(ds: Dataset, tmp_path: Path) -> None:
    folder = _dataset(ds).write(tmp_path / "ds", csv_tables=("visits",))
    first = _run(folder, tmp_path / "out1", tmp_path / "cache")
    assert not fired(first, "split_admission")
    csv = folder / "visits.csv"
    text = csv.read_bytes()
    assert text.count(b"2025-02-10") == 1
    csv.write_bytes(text.replace(b"2025-02-10", b"2025-02-20"))  # one byte: the earlier stay now ends 9 days before
    again = _run(folder, tmp_path / "out2", tmp_path / "cache")
    assert _cache(again)["validated"] == 1 and _cache(again)["reused"] == _cache(again)["files"] - 1
    assert len(fired(again, "split_admission")) == 1  # the new content was read, not the cached one


def test_changing_the_rules_data_validates_everything_again(ds: Dataset, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _dataset(ds).write(tmp_path / "ds")
    first = _run(folder, tmp_path / "out1", tmp_path / "cache")
    office(monkeypatch, tmp_path / "rules", "insurance_fund",
           bundled("insurance_fund").replace("basis:", "basis: （本市文本）", 1))
    again = _run(folder, tmp_path / "out2", tmp_path / "cache")
    assert again.report["rules_data"]["hash"] != first.report["rules_data"]["hash"]
    assert _cache(again)["reused"] == 0 and _cache(again)["validated"] == _cache(again)["files"]


def test_a_later_month_reuses_the_months_already_validated(ds: Dataset, tmp_path: Path) -> None:
    folder = _dataset(ds).write(tmp_path / "ds")
    charges = pq.read_table(folder / "charges.parquet")
    (folder / "charges.parquet").unlink()
    (folder / "charges").mkdir()
    pq.write_table(charges, folder / "charges" / "2025-03.parquet")
    first = _run(folder, tmp_path / "out1", tmp_path / "cache")
    pq.write_table(charges.slice(0, 1), folder / "charges" / "2025-04.parquet")
    again = _run(folder, tmp_path / "out2", tmp_path / "cache")
    assert _cache(again)["files"] == _cache(first)["files"] + 1
    assert _cache(again)["validated"] == 1  # only the new month
    assert again.report["tables"]["charges"]["rows_read"] == charges.num_rows + 1


def test_no_cache_keeps_nothing(ds: Dataset, tmp_path: Path) -> None:
    folder = _dataset(ds).write(tmp_path / "ds")
    res = run(RunOptions(folder, D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out", rules=RULES, cache=False))
    assert _cache(res)["persistent"] is False and _cache(res)["reused"] == 0
    assert not (tmp_path / "out" / ".cache").exists() and not (tmp_path / "out" / ".work").exists()


def _kinds(cache_dir: Path) -> list[str]:
    import json

    return sorted(json.loads(p.read_text(encoding="utf-8"))["kind"] for p in cache_dir.glob("*.json")
                  if not p.name.startswith("fk-"))


def test_a_clean_typed_file_is_read_in_place_and_a_file_with_rejects_is_copied(ds: Dataset, tmp_path: Path) -> None:
    folder = _dataset(ds).write(tmp_path / "ds")
    first = _run(folder, tmp_path / "out1", tmp_path / "cache")
    assert set(_kinds(tmp_path / "cache")) == {"input"}  # typed, no rejects: nothing copied
    assert not list((tmp_path / "cache").glob("*.parquet"))
    v = ds.visit(D(2025, 3, 3), patient="P3")
    bad = ds.charge(v, D(2025, 3, 3), item_code="X2", quantity=-1)  # rejected: the charges file is copied
    ds.charge(v, D(2025, 3, 3), item_code="X2", quantity=-1)
    folder = ds.write(tmp_path / "ds2")
    again = _run(folder, tmp_path / "out2", tmp_path / "cache2")
    assert _kinds(tmp_path / "cache2").count("parquet") == 1
    assert len(list((tmp_path / "cache2").glob("*.parquet"))) == 1
    assert again.report["tables"]["charges"]["rows_rejected"] == 2
    assert fired(again, "duplicate_charge") == fired(first, "duplicate_charge")  # the rejected copies do not fire
    rej = pq.read_table(tmp_path / "out2" / "rejected.parquet").to_pylist()
    assert [(r["table"], r["column"]) for r in rej] == [("charges", "quantity")] * 2
    assert bad not in fired(again, "duplicate_charge")
    reused = _run(folder, tmp_path / "out3", tmp_path / "cache2")  # the copied unit is reused, rejects and all
    assert _cache(reused)["validated"] == 0
    assert pq.read_table(tmp_path / "out3" / "rejected.parquet").to_pylist() == rej


def test_the_foreign_key_checks_are_kept_with_the_units_and_redone_when_a_side_changes(ds: Dataset,
                                                                                     tmp_path: Path) -> None:
    ds.charge("NO_SUCH_VISIT", D(2025, 3, 2))
    folder = _dataset(ds).write(tmp_path / "ds")
    first = _run(folder, tmp_path / "out1", tmp_path / "cache")
    assert first.report["integrity"]["charges.visit_id_unknown_in_visits"]["rows"] == 1
    assert len(list((tmp_path / "cache").glob("fk-*.json"))) == 3
    again = _run(folder, tmp_path / "out2", tmp_path / "cache")
    assert again.report["integrity"] == first.report["integrity"]
    ds.visit(D(2025, 3, 2), visit_id="NO_SUCH_VISIT")  # the parent side changes: the check runs again
    folder = ds.write(tmp_path / "ds")
    third = _run(folder, tmp_path / "out3", tmp_path / "cache")
    assert third.report["integrity"]["charges.visit_id_unknown_in_visits"]["rows"] == 0
