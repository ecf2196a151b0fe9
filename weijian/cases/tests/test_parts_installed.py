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


def test_an_overturn_takes_the_real_publication_down(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """parts.disclosure_withdraw against the portal: the case's published decision leaves the public view."""
    from weijian.portal import disclosure
    from weijian.portal.models import DisclosureStatus
    from weijian.portal.tests.conftest import penalty_fields

    monkeypatch.setattr(parts, "_module", parts._import)
    case = register(world)
    institution = case.parties.exclude(institution=None).first().institution
    actor = world.users["manager_a"]
    made = disclosure.disclosure_publish(actor=actor, kind="penalty", source=case, fields=penalty_fields(institution),
                                         decided_on=dt.date(2026, 3, 2), severity="general")  # fmt: skip
    world.clock.shift(dt.timedelta(days=1))
    assert parts.disclosure_withdraw(actor=actor, source=case, reason="行政复议决定撤销", overturned_on=dt.date(2026, 3, 3)) == made.pk
    made.refresh_from_db()
    assert made.status == DisclosureStatus.WITHDRAWN and made.overturned_on == dt.date(2026, 3, 3)
    assert made.withdraw_due is not None and made.withdraw_due > dt.date(2026, 3, 3)
    assert parts.disclosure_withdraw(actor=actor, source=case, reason="再次", overturned_on=dt.date(2026, 3, 3)) is None
