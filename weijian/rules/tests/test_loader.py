import datetime as dt
from pathlib import Path

import pytest

from weijian.rules import loader


def _write(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sample.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))
    loader.clear_cache()


def test_as_of_picks_the_value_in_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "t:\n  2020-01-01: {value: 1, basis: a}\n  2024-07-01: {value: 2, basis: b}\n", monkeypatch)
    table = loader.load("sample")["t"]
    assert loader.as_of(table, dt.date(2024, 6, 30))["value"] == 1
    assert loader.as_of(table, dt.date(2024, 7, 1))["value"] == 2
    with pytest.raises(loader.RulesError, match="no value in force"):
        loader.as_of(table, dt.date(2019, 12, 31))
    loader.clear_cache()


def test_duplicate_keys_are_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "t:\n  2020-01-01: 1\n  2020-01-01: 2\n", monkeypatch)
    with pytest.raises(loader.RulesError, match="duplicate key"):
        loader.load("sample")
    loader.clear_cache()


def test_non_date_keys_are_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "t:\n  2020-01-01: 1\n  soon: 2\n", monkeypatch)
    with pytest.raises(loader.RulesError, match="not an effective date"):
        loader.as_of(loader.load("sample")["t"], dt.date(2021, 1, 1))
    loader.clear_cache()


def test_bundled_rules_files_parse() -> None:
    for path in loader.BUNDLED_DIR.glob("*.yaml"):
        assert loader.load(path.stem) is not None


def test_resolve_records_file_entry_date_basis_and_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "t:\n  2020-01-01: {high: 5, basis: a}\n  2024-07-01: {high: 3, basis: b}\n", monkeypatch)
    before = loader.resolve("sample", "t.high", dt.date(2024, 6, 30))
    after = loader.resolve("sample", "t.high", dt.date(2024, 7, 1))
    assert (before.value, before.effective_from, before.basis) == (5, dt.date(2020, 1, 1), "a")
    assert (after.value, after.effective_from, after.basis) == (3, dt.date(2024, 7, 1), "b")
    assert after.record()["file"] == "sample.yaml" and len(after.sha256) == 64
    with pytest.raises(loader.RulesError, match=r"sample.yaml: no key 't.low'"):
        loader.resolve("sample", "t.low", dt.date(2024, 7, 1))
    _write(tmp_path, "t:\n  2020-01-01: {high: 6, basis: a}\n", monkeypatch)
    assert loader.resolve("sample", "t.high", dt.date(2024, 7, 1)).sha256 != after.sha256
    loader.clear_cache()
