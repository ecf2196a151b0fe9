"""The rules files the alerts app reads are checked at start-up: a misspelt key names the file and the key."""

from pathlib import Path

import pytest

from weijian.alerts.checks import alerts_rules_files
from weijian.rules import loader


def test_bundled_files_pass() -> None:
    assert alerts_rules_files() == []


def test_a_misspelt_override_is_refused_naming_file_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "alert_disposal.yaml").write_text(
        "deadline_working_days:\n  2020-01-01: {high: 5, medium: 10, lwo: 15, basis: 本市默认}\n", encoding="utf-8"
    )
    (tmp_path / "alert_routing.yaml").write_text(
        "routes:\n  no_such_rule:\n    2020-01-01: {duty: health.medical, basis: x}\n", encoding="utf-8"
    )
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))
    try:
        messages = [e.msg for e in alerts_rules_files()]
    finally:
        monkeypatch.delenv("WEIJIAN_RULES_DIR")
        loader.clear_cache()
    assert any("alert_disposal.yaml" in m and "lwo" in m for m in messages), messages
    assert any("alert_disposal.yaml" in m and "low" in m for m in messages), messages
    assert any("alert_routing.yaml" in m and "no_such_rule" in m for m in messages), messages


def test_a_route_naming_an_unknown_duty_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "alert_routing.yaml").write_text(
        "routes:\n  duplicate_charge:\n    2020-01-01: {duty: insurance.nothing, basis: x}\n", encoding="utf-8"
    )
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))
    try:
        messages = [e.msg for e in alerts_rules_files()]
    finally:
        monkeypatch.delenv("WEIJIAN_RULES_DIR")
        loader.clear_cache()
    assert any("insurance.nothing" in m and "职责" in m for m in messages), messages
