"""The case figures as the guards read them (the fake rules of conftest, in case_rules.yaml's shape)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from weijian.cases import figures

DAY = dt.date(2026, 3, 2)


def test_hearing_thresholds_by_kind_and_party() -> None:
    assert figures.hearing_offered(kinds=["revoke_licence"], fine=None, party_kind="organisation", on=DAY)
    assert figures.hearing_offered(kinds=["fine"], fine=Decimal(10000), party_kind="person", on=DAY)
    assert figures.hearing_offered(kinds=["fine"], fine=Decimal(10000), party_kind="individual_business", on=DAY)
    assert not figures.hearing_offered(kinds=["fine"], fine=Decimal(9999), party_kind="person", on=DAY)
    assert not figures.hearing_offered(kinds=["fine"], fine=Decimal(10000), party_kind="organisation", on=DAY)


def test_major_case_and_minimum_handlers() -> None:
    assert figures.major_case(kinds=["warning"], fine=None, hearing_held=True, on=DAY)
    assert figures.major_case(kinds=["fine"], fine=Decimal(200000), hearing_held=False, on=DAY)
    assert not figures.major_case(kinds=["fine"], fine=Decimal(199999), hearing_held=False, on=DAY)
    assert figures.min_handlers(DAY) == 2


def test_without_the_rules_file_the_statute_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(figures, "_rule", lambda key, on: None)
    assert figures.hearing_offered(kinds=["warning"], fine=None, party_kind="person", on=DAY)
    assert not figures.major_case(kinds=["fine"], fine=Decimal(10**7), hearing_held=False, on=DAY)
    assert figures.min_handlers(DAY) == 2  # random_checks.yaml min_inspectors (行政处罚法 art. 42)
