"""The cases against the real parts (deadlines, case figures) once they are installed; skipped before."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from weijian.cases import figures, parts, selectors
from weijian.cases.tests.conftest import register

pytestmark = pytest.mark.django_db


def test_decision_limit_from_the_real_deadlines(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("weijian.core.deadlines")
    monkeypatch.setattr(parts, "_module", parts._import)
    case = register(world)  # registered on 2026-03-02 (a Monday)
    decide = selectors.case_deadlines(case)[0]
    assert decide.code == "case.decide" and decide.due is not None and decide.basis
    assert decide.due >= case.registered_on + dt.timedelta(days=90)
    assert decide.state == "ok"


def test_case_figures_from_the_real_rules_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from weijian.rules.loader import RulesError, value

    try:
        value("case_rules", "min_handlers", dt.date(2026, 3, 2))
    except RulesError:
        pytest.skip("case_rules.yaml is not installed yet")
    monkeypatch.setattr(figures, "_rule", figures._read)
    day = dt.date(2026, 3, 2)
    assert figures.min_handlers(day) == 2
    assert figures.hearing_offered(kinds=["revoke_licence"], fine=None, party_kind="organisation", on=day)
    assert figures.major_case(kinds=["warning"], fine=None, hearing_held=True, on=day)
