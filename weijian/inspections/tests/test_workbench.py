"""The inspections' workbench cards: the inspector's own tasks, the manager's publication queue."""

from __future__ import annotations

from weijian.core.workbench import cards_for
from weijian.inspections.tests.conftest import Field


def _cards(user: object) -> dict[str, object]:
    return {card.key: card for card in cards_for(user)}


def test_an_inspector_sees_their_own_inspection_and_others_do_not(field: Field) -> None:
    field.create()
    mine = _cards(field.wang)
    assert mine["inspections.assigned"].count == 1  # type: ignore[attr-defined]
    assert mine["inspections.assigned"].url == "/inspections/"  # type: ignore[attr-defined]
    assert _cards(field.zhao)["inspections.assigned"].count == 0  # type: ignore[attr-defined]  # another district's
    assert "inspections.assigned" not in _cards(field.manager)


def test_a_manager_sees_the_publication_queue(field: Field) -> None:
    cards = _cards(field.manager)
    assert cards["inspections.publication_due"].count == 0  # type: ignore[attr-defined]
    assert cards["inspections.publication_overdue"].url.endswith("?view=overdue")  # type: ignore[attr-defined]
    assert "inspections.publication_due" not in _cards(field.wang)
