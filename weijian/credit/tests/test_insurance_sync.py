"""医保 points shared across institutions; the sync pulls the apps' facts once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from weijian.core.models import Department
from weijian.credit.models import CreditRecord
from weijian.credit.selectors import practitioner_archive
from weijian.credit.services import CreditError, insurance_point_record
from weijian.credit.sync import credit_sync
from weijian.registry.models import Institution, Practitioner

pytestmark = pytest.mark.django_db
D = dt.date


def test_points_from_two_institutions_reach_the_suspension(registry: dict[str, str], make_user: Any) -> None:
    zhang = Practitioner.objects.get(cert_no="110310101000001")
    a1, b2 = Institution.objects.get(uscc=registry["a1"]), Institution.objects.get(uscc=registry["b2"])
    insurance_point_record(actor="test", practitioner=zhang, band="general", points=5, occurred_on=D(2026, 2, 1),
                           reason="串换药品", institution=a1)  # fmt: skip
    insurance_point_record(actor="test", practitioner=zhang, band="light", points=3, occurred_on=D(2026, 6, 1),
                           reason="超限用药", institution=b2)  # fmt: skip
    assert practitioner_archive(None, zhang, on=D(2026, 6, 30)).standing.measure == ""
    insurance_point_record(actor="test", practitioner=zhang, band="light", points=1, occurred_on=D(2026, 7, 1),
                           reason="分解收费", institution=b2)  # fmt: skip
    standing = practitioner_archive(None, zhang, on=D(2026, 7, 2)).standing
    assert (standing.points, standing.measure, standing.suspension_months) == (9, "suspension", 1)
    assert practitioner_archive(None, zhang, on=D(2027, 1, 1)).standing.points == 0, "natural-year reset"
    with pytest.raises(CreditError, match="4—6 分，7 分不在其中"):
        insurance_point_record(actor="test", practitioner=zhang, band="general", points=7, occurred_on=D(2026, 7, 1),
                               reason="虚记费用", institution=a1)  # fmt: skip


def test_sync_pulls_a_closed_inspection_once(registry: dict[str, str]) -> None:
    from weijian.inspections.models import Inspection

    a1 = Institution.objects.get(uscc=registry["a1"])
    Inspection.objects.create(institution=a1, department=Department.objects.get(code="health"), mode="random",
                              item_codes=["CC00227"], source_kind="draw", status="closed", result="rectify",
                              closed_at=timezone.now())  # fmt: skip
    first, _missing = credit_sync(actor="test")
    again, _missing = credit_sync(actor="test")
    assert (first.created, again.created, again.unchanged) == (1, 0, 1)
    record = CreditRecord.objects.get()
    assert (record.category, record.severity, record.institution) == ("inspection_result", "general", a1)
