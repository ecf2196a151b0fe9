"""``publication_windows.yaml`` is checked at start-up: a misspelt key, or a malformed field, names the file and key;
an office may publish 轻微 decisions by replacing the file (the setting the rules give it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from weijian.portal import windows
from weijian.portal.checks import publication_windows_file
from weijian.rules import loader


def _override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    text = (loader.BUNDLED_DIR / "publication_windows.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "publication_windows.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))


@pytest.fixture(autouse=True)
def _fresh_rules() -> object:
    yield None
    loader.clear_cache()


def test_the_bundled_file_passes() -> None:
    assert publication_windows_file() == []


def test_a_misspelt_key_is_refused_naming_file_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _override(tmp_path, monkeypatch, "      max_months: 36\n", "      max_month: 36\n")
    messages = [e.msg for e in publication_windows_file()]
    assert messages and "publication_windows.yaml" in messages[0] and "max_month" in messages[0], messages


def test_a_malformed_field_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _override(tmp_path, monkeypatch, "format: amount_wan}", "format: money}")
    messages = [e.msg for e in publication_windows_file()]
    assert messages and "fine_amount" in messages[0] and "money" in messages[0], messages


def test_an_office_may_publish_minor_decisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    day = dt.date(2026, 5, 4)
    assert not windows.is_published("minor", ["fine"], day)
    _override(tmp_path, monkeypatch, "    minor:\n      publish: false\n", "    minor:\n      publish: true\n")
    assert windows.is_published("minor", ["fine"], day) and windows.max_until("minor", day) == dt.date(2026, 8, 4)


def test_the_portal_labels_every_penalty_kind_of_the_discretion_tables() -> None:
    from weijian.cases.discretion import PENALTY_KINDS

    assert windows.penalty_kind_codes(dt.date(2026, 5, 4)) == list(PENALTY_KINDS)
