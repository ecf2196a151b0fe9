"""The ingest service: one record per fact, every reporter kept, unknown subjects rejected by name, all or none."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from weijian.conftest import DISTRICT_A
from weijian.core.models import AuditEvent
from weijian.credit.facts import CreditFact, CreditFactError, credit_record_ingest
from weijian.credit.models import CreditRecord
from weijian.registry.models import Institution, Practitioner

pytestmark = pytest.mark.django_db


def fact(**over: Any) -> CreditFact:
    values: dict[str, Any] = {
        "source_kind": "case", "source_key": "case:1", "occurred_on": dt.date(2026, 3, 2), "severity": "general",
        "category": "penalty", "title": "警告并罚款", "region_code": DISTRICT_A, "department_code": "health",
    }  # fmt: skip
    values.update(over)
    if "institution_id" not in values and "practitioner_id" not in values:
        values["institution_id"] = Institution.objects.get(district__code=DISTRICT_A, beds=800).pk
    return CreditFact(**values)


def test_the_same_fact_twice_is_one_record_with_both_sources(registry: dict[str, str]) -> None:
    first = credit_record_ingest(actor="test", facts=[fact()])
    again = credit_record_ingest(actor="test", facts=[fact()])
    partner = credit_record_ingest(actor="test", facts=[fact(reported_by="partner:market")])
    assert (first.created, again.unchanged, partner.merged) == (1, 1, 1)
    record = CreditRecord.objects.get()
    assert [s["by"] for s in record.sources] == ["case", "partner:market"]
    assert AuditEvent.objects.filter(action="credit.record.ingest").count() == 3


def test_an_unknown_subject_rejects_the_batch_naming_it(registry: dict[str, str]) -> None:
    with pytest.raises(CreditFactError, match=r"case:2.*机构 999999 不在名录中"):
        credit_record_ingest(actor="test", facts=[fact(), fact(source_key="case:2", institution_id=999999)])
    assert not CreditRecord.objects.exists()
    with pytest.raises(CreditFactError, match="只能是其一"):
        both = {"institution_id": Institution.objects.first().pk, "practitioner_id": Practitioner.objects.first().pk}
        credit_record_ingest(actor="test", facts=[fact(**both)])


def test_a_correction_is_a_new_record_pointing_at_the_old(registry: dict[str, str]) -> None:
    credit_record_ingest(actor="test", facts=[fact()])
    credit_record_ingest(actor="test", facts=[fact(source_kind="correction", source_key="fix:1", corrects_kind="case",
                                                   corrects_key="case:1", title="更正：罚款金额")])  # fmt: skip
    old, new = CreditRecord.objects.get(source_kind="case"), CreditRecord.objects.get(source_kind="correction")
    assert new.corrects == old and old.title == "警告并罚款"
    with pytest.raises(CreditFactError, match="case:nope"):
        credit_record_ingest(actor="test", facts=[fact(source_kind="correction", source_key="fix:2",
                                                       corrects_kind="case", corrects_key="nope")])  # fmt: skip
    assert not CreditRecord.objects.filter(source_key="fix:2").exists()
