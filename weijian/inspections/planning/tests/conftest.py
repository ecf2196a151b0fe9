"""A small planning city: 40 clinics in two districts with platform grades, and the inspectors who check them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from weijian.alerts.models import AnalyticsRun
from weijian.conftest import DISTRICT_A, DISTRICT_B, make_uscc
from weijian.core.models import Department, Region, Role
from weijian.registry.models import Inspector, Institution
from weijian.risk.models import AnalyticsScore

GRADE_SCORES = {"A": 5.0, "B": 30.0, "C": 60.0, "D": 90.0}
PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@dataclass
class City:
    institutions: list[Institution]
    inspectors: list[Inspector]
    expired: Inspector
    market: list[Inspector]
    manager: Any
    region: Region
    health: Department
    market_dept: Department


def grade_of(n: int) -> str:
    return "ABCD"[n % 4]


@pytest.fixture
def city(db: Any, make_user: Any) -> City:
    a, b = Region.objects.get(code=DISTRICT_A), Region.objects.get(code=DISTRICT_B)
    health, market = Department.objects.get(code="health"), Department.objects.get(code="market")
    run = AnalyticsRun.objects.create(fingerprint="f" * 64, source="test", period_start=dt.date(2025, 1, 1),
                                      period_end=dt.date(2025, 12, 31))  # fmt: skip
    institutions = []
    for n in range(40):
        district = a if n < 24 else b
        inst = Institution.objects.create(
            uscc=make_uscc(district.code, f"MA9{n:06d}"), name=f"测试诊所{n:02d}", kind="clinic", district=district,
            licence_valid_from=dt.date(2022, 1, 1), licence_valid_to=dt.date(2030, 12, 31),
        )  # fmt: skip
        grade = grade_of(n)
        AnalyticsScore.objects.create(institution=inst, run=run, period_end=dt.date(2025, 12, 31),
                                      score=GRADE_SCORES[grade], grade=grade)  # fmt: skip
        institutions.append(inst)
    inspectors = []
    for n in range(8):
        district = a if n < 5 else b
        inspectors.append(Inspector.objects.create(
            badge_no=f"3101{n:010d}", name=f"监督员{n}", department=health, region=district, fields="medical",
            badge_valid_from=dt.date(2020, 1, 1), badge_valid_to=dt.date(2030, 12, 31),
        ))  # fmt: skip
    expired = Inspector.objects.create(
        badge_no="31019999999999", name="过期证", department=health, region=a, fields="medical",
        badge_valid_from=dt.date(2018, 1, 1), badge_valid_to=dt.date(2026, 3, 31),
    )  # fmt: skip
    market_officers = [
        Inspector.objects.create(badge_no=f"3102{n:010d}", name=f"市场{n}", department=market, region=a,
                                 fields="price", badge_valid_from=dt.date(2020, 1, 1))
        for n in range(3)
    ]  # fmt: skip
    manager = make_user("planner", role=Role.DISTRICT_MANAGER, region=DISTRICT_A, department="health")
    return City(institutions, inspectors, expired, market_officers, manager, a, health, market)


@pytest.fixture
def city_admin(make_user: Any) -> Any:
    return make_user("city_planner", role=Role.CITY_ADMIN, region="310000", department="health")
