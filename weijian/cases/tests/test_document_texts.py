"""What a case's documents say that is law or office practice comes from ``enforcement_documents.yaml``
(``case_texts``), and the office's 统一社会信用代码 (``authority_codes``) goes into the 双公示 record once recorded."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from weijian.cases import documents, services
from weijian.cases.tests.conftest import register
from weijian.cases.tests.test_workflow import _decide, _to_notified
from weijian.documents.checks import documents_rules_file
from weijian.rules import loader

pytestmark = pytest.mark.django_db
AUTHORITY = "11310101MB2F012342"  # a code with a valid check digit (GB 32100-2015), made up for the test


def _override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    shutil.copy(loader.BUNDLED_DIR / "enforcement_documents.yaml", tmp_path / "enforcement_documents.yaml")
    with open(tmp_path / "enforcement_documents.yaml", "a", encoding="utf-8") as fh:
        fh.write(text)
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))


def test_the_texts_are_the_rules_files(world: Any) -> None:
    case = register(world)
    filing = documents.context_for(case, "case_filing")
    assert filing["filing_basis"] == documents.case_text("filing_basis", dt.date(2026, 3, 2)) and "第五十四条" in filing["filing_basis"]
    decision = documents.context_for(case, "penalty_decision")
    assert decision["reconsideration_body"] == "黄浦区人民政府" and decision["court"] == "黄浦区人民法院"
    assert documents.authority_code(case, dt.date(2026, 3, 2)) == ""  # nobody has recorded it


def test_an_office_changes_them_in_its_override(world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = register(world)
    assert loader.load("enforcement_documents")["case_texts"]  # the bundled file, before the override
    _override(tmp_path, monkeypatch, f'\n  2026-01-01:\n    basis: "本办登记"\n    "310101": {{health: {AUTHORITY}}}\n')
    assert documents.authority_code(case, dt.date(2026, 3, 2)) == AUTHORITY
    assert documents.authority_code(case, dt.date(2025, 12, 31)) == ""


def test_the_recorded_code_is_published_and_checked(world: Any, fake_parts: dict[str, Any], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    _override(tmp_path, monkeypatch, f'\n  2026-01-01:\n    basis: "本办登记"\n    "310101": {{health: {AUTHORITY}}}\n')
    assert not [e for e in documents_rules_file() if e.id == "weijian.E042"]
    case = _decide(world, _to_notified(world))
    services.case_serve(actor=world.users["inspector_a"], case=case)
    assert fake_parts["published"][0]["fields"]["authority_code"] == AUTHORITY
    _override(tmp_path, monkeypatch, '\n  2026-01-01:\n    basis: "本办登记"\n    "310101": {health: 11310101MB2F012343}\n')
    assert [e.id for e in documents_rules_file()] == ["weijian.E042"]
