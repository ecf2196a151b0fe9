"""The story's clinic: 黄浦区外滩街道社区卫生服务中心 (30 beds, Shanghai rule set), with a general penalty on record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from weijian.conftest import DISTRICT_A
from weijian.credit.facts import CreditFact, credit_record_ingest
from weijian.registry.models import Institution

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
