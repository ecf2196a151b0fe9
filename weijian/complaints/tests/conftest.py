"""Fixtures of the complaints tests: the registry of two districts, staff of each queue, a classifier stand-in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from weijian.complaints import routing
from weijian.core.models import Region, Role


@dataclass
class Proposal:
    category: str | None
    confidence: float
    ranked: list[tuple[str, float]]


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    cache.clear()  # the rate limits count in the cache
    yield
    cache.clear()


@pytest.fixture
def evidence_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def propose(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Replace the classifier (``weijian.complaints.classify.propose``) with a fixed answer; returns a setter."""
    answer: dict[str, Any] = {"value": Proposal(None, 0.0, [])}
    monkeypatch.setattr(routing, "_propose", lambda text: answer["value"])
    monkeypatch.setattr(routing, "_min_confidence", lambda: 0.5)

    def set_answer(category: str | None, confidence: float) -> None:
        answer["value"] = Proposal(category, confidence, [(category, confidence)] if category else [])

    return set_answer


@dataclass
class Staff:
    codes: dict[str, str]
    city: Any
    manager_a: Any
    manager_b: Any
    market_a: Any
    inspector_a: Any


@pytest.fixture
def staff(registry: dict[str, str], make_user: Any, evidence_dir: Path) -> Staff:
    return Staff(
        codes=registry,
        city=make_user("city", role=Role.CITY_ADMIN, region="310000"),
        manager_a=make_user("manager_a", role=Role.DISTRICT_MANAGER),
        manager_b=make_user("manager_b", role=Role.DISTRICT_MANAGER, region="310104"),
        market_a=make_user("market_a", role=Role.PARTNER_OFFICER, department="market"),
        inspector_a=make_user("inspector_a"),
    )


def district(code: str = "310101") -> Region:
    return Region.objects.get(code=code)
