"""Fixtures of the disclosure tests: a throwaway source (an Institution of the registry fixture — the Case model
lands later) and the 双公示 fields of a penalty decision, for a legal person and for a natural person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

from weijian.conftest import make_uscc
from weijian.core.models import Department, Role
from weijian.registry.models import Institution

AUTHORITY_USCC = make_uscc("310101", "002419800", "11")  # a made-up office code with a valid check character
RIC = "11010519491231002X"  # a valid 居民身份证 number (made up, as in weijian/conftest.py)
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def clock() -> Iterator[Any]:
    """The tests' clock: 2026-06-10 10:00 in Shanghai, moved with ``clock.move_to(...)``."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def penalty_fields(institution: Institution, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "party_name": institution.name, "party_type": "legal_person", "party_code": institution.uscc,
        "legal_representative": "陈某", "decision_number": f"沪黄卫医罚〔2026〕{institution.pk:03d}号",
        "violation_type": "使用非卫生技术人员从事医疗卫生技术工作", "facts": "经查，该单位安排未取得执业资格的人员从事诊疗活动。",
        "basis": "《医疗机构管理条例》第四十七条", "penalty_kinds": ["warning", "fine"], "penalty_content": "警告，罚款人民币5000元",
        "fine_amount": "0.5", "authority": "上海市黄浦区卫生健康委员会", "authority_code": AUTHORITY_USCC,
    }  # fmt: skip
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def person_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "party_name": "刘某某", "party_type": "natural_person", "id_type": "居民身份证", "id_number": RIC,
        "decision_number": "沪黄卫医罚〔2026〕900号", "violation_type": "非医师行医", "facts": "未取得医师执业证书开展诊疗活动。",
        "basis": "《医师法》第五十九条", "penalty_kinds": ["fine", "confiscate_income"], "penalty_content": "没收违法所得并处罚款",
        "fine_amount": "2", "confiscated_amount": "0.12", "authority": "上海市黄浦区卫生健康委员会",
        "authority_code": AUTHORITY_USCC,
    }  # fmt: skip
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


@pytest.fixture
def people(registry: dict[str, str], make_user: Callable[..., Any]) -> dict[str, Any]:
    """Managers of districts A and B (health), and the institutions of the registry fixture."""
    return {
        "manager_a": make_user("manager_a", role=Role.DISTRICT_MANAGER),
        "manager_b": make_user("manager_b", role=Role.DISTRICT_MANAGER, region="310104"),
        "city": make_user("city", role=Role.CITY_ADMIN, region="310000"),
        "health": Department.objects.get(code="health"),
        **{key: Institution.objects.get(uscc=code) for key, code in registry.items()},
    }


from weijian.inspections.tests.conftest import evidence_dir, field  # noqa: E402, F401  (the journey's registry and officers)
from weijian.registry.tests.conftest import browser_page, test_output  # noqa: E402, F401  (the browser fixtures)
