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


def test_value_entries_versions_and_publication(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "t:\n  2020-01-01: {value: 40, basis: a, published: 2019-11-30}\n"
                     "  2025-03-15: {value: 60, basis: b}\n", monkeypatch)
    first = loader.resolve("sample", "t", dt.date(2024, 1, 1))
    assert (first.value, first.published, first.record()["published"]) == (40, dt.date(2019, 11, 30), "2019-11-30")
    assert loader.resolve("sample", "t", dt.date(2025, 3, 15)).published is None
    window = loader.versions("sample", "t", dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    assert [(v.value, v.effective_from, v.on) for v in window] == [
        (40, dt.date(2020, 1, 1), dt.date(2025, 3, 1)), (60, dt.date(2025, 3, 15), dt.date(2025, 3, 15))]
    assert [v.value for v in loader.versions("sample", "t")] == [40, 60]  # the whole history
    late = loader.versions("sample", "t", dt.date(2019, 6, 1), dt.date(2020, 6, 1))
    assert [v.effective_from for v in late] == [dt.date(2020, 1, 1)]  # nothing in force before 2020
    loader.clear_cache()


def test_check_keys_names_the_file_and_every_bad_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "a:\n  x:\n    2020-01-01: {value: 1, basis: b}\n  y:\n    2020-01-01: {value: 2}\n"
                     "  zz:\n    2020-01-01: {value: 3, basis: b}\n"
                     "w:\n  2020-01-01: {basis: b, p: 1, q: 2, published: soon}\n", monkeypatch)
    with pytest.raises(loader.RulesError) as info:
        loader.check_keys("sample", ["a.x", "a.y", "a.z", "w.p", "w.q"])
    msg = str(info.value)
    assert msg.startswith("sample.yaml: ")
    assert "unknown key 'a.zz'" in msg and "missing key 'a.z'" in msg
    assert "'a.y[2020-01-01]' has no basis" in msg and "published is not a date" in msg
    loader.clear_cache()


def test_an_edited_file_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "t:\n  2020-01-01: {value: 1, basis: a}\n", monkeypatch)
    assert loader.value("sample", "t", dt.date(2021, 1, 1)) == 1
    (tmp_path / "sample.yaml").write_text("t:\n  2020-01-01: {value: 22, basis: ab}\n", encoding="utf-8")
    assert loader.value("sample", "t", dt.date(2021, 1, 1)) == 22  # no clear_cache needed
    assert loader.source_of("sample") == "office" and loader.source_of("calendar") == "bundled"
    loader.clear_cache()
