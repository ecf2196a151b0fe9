"""Fixtures of the credit tests.

The story's clinic: 黄浦区外滩街道社区卫生服务中心 (30 beds, Shanghai rule set), with a general penalty on record;
for the lists, repair and exchange tests: officers, an institution user and a published penalty."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

from weijian.conftest import DISTRICT_A
from weijian.core.models import Department, Role
from weijian.credit.facts import CreditFact, credit_record_ingest
from weijian.credit.models import CreditRecord
from weijian.portal import disclosure
from weijian.portal.models import Disclosure
from weijian.portal.tests.conftest import penalty_fields
from weijian.registry.models import Institution

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, 0, tzinfo=TZ), tick=False) as traveller:
        yield traveller


def move(clock: Any, day: dt.date) -> None:
    clock.move_to(dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=TZ))


@pytest.fixture
def crew(registry: dict[str, str], make_user: Callable[..., Any]) -> dict[str, Any]:
    a1 = Institution.objects.get(uscc=registry["a1"])
    return {
        "city": make_user("city", role=Role.CITY_ADMIN, region="310000"),
        "manager_a": make_user("manager_a", role=Role.DISTRICT_MANAGER),
        "manager_b": make_user("manager_b", role=Role.DISTRICT_MANAGER, region="310104"),
        "clinic": make_user("clinic", role=Role.INSTITUTION_USER, region=None, department=None, institution=a1),
        "finance": make_user("finance", role=Role.PARTNER_OFFICER, region="310000", department="finance"),
        "insurance": make_user("insurance", role=Role.PARTNER_OFFICER, region="310000", department="insurance"),
        "market": make_user("market", role=Role.PARTNER_OFFICER, region="310000", department="market"),
        "a1": a1, "a2": Institution.objects.get(uscc=registry["a2"]), "b1": Institution.objects.get(uscc=registry["b1"]),
        "health": Department.objects.get(code="health"),
    }  # fmt: skip


def publish(crew: dict[str, Any], source: Any, *, decided_on: dt.date, severity: str = "general",
            **fields: Any) -> Disclosure:  # fmt: skip
    return disclosure.disclosure_publish(
        actor=crew["city"], kind="penalty", source=source, fields=penalty_fields(source, **fields),
        decided_on=decided_on, severity=severity, department=crew["health"],
        region=getattr(source, "district", None),
    )  # fmt: skip


def record(institution: Institution, key: str, *, severity: str, on: dt.date, kinds: list[str] | None = None,
           violation: str = "", region: str = DISTRICT_A, origin: str = "") -> CreditRecord:  # fmt: skip
    detail: dict[str, Any] = {"penalty_kinds": kinds or ["fine"]}
    if origin:
        detail["origin_region"] = origin
    credit_record_ingest(actor="test", facts=[CreditFact(
        source_kind="case", source_key=key, occurred_on=on, severity=severity, category="penalty", title=f"处罚 {key}",
        region_code=region, department_code="health", institution_id=institution.pk, detail=detail,
        violation_code=violation,
    )])  # fmt: skip
    return CreditRecord.objects.get(source_kind="case", source_key=key)


D = dt.date
PENALTY_DAY = D(2026, 2, 2)


@pytest.fixture
def clinic(registry: dict[str, str]) -> Institution:
    return Institution.objects.get(uscc=registry["a2"])


def penalty(institution: Institution, key: str = "case-1", *, on: dt.date = PENALTY_DAY, severity: str = "general",
            **over: Any) -> CreditFact:  # fmt: skip
    return CreditFact(source_kind="case", source_key=key, occurred_on=on, severity=severity, category="penalty",
                      title="未按规定悬挂执业许可证，警告", region_code=DISTRICT_A, department_code="health",
                      institution_id=institution.pk, **over)  # fmt: skip


@pytest.fixture
def penalised(clinic: Institution) -> Institution:
    credit_record_ingest(actor="test", facts=[penalty(clinic)])
    return clinic


from weijian.registry.tests.conftest import browser_page, test_output  # noqa: E402, F401  (the browser fixtures)
