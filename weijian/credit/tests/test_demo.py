"""The demo's credit story: the clinic at 14 points (B → C, notified, objection decided), a physician at 9 医保
points; a second run changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from weijian.conftest import DISTRICT_A, make_uscc
from weijian.core.models import Region, Role
from weijian.credit.demo import demo_credit_setup
from weijian.credit.models import CreditGrade, InsurancePointEvent, Objection, PointEvent
from weijian.credit.selectors import institution_archive, practitioner_archive
from weijian.registry.models import Institution, Practitioner

pytestmark = pytest.mark.django_db


def test_demo_credit_story(registry: dict[str, str], make_user: Any) -> None:
    manager = make_user("district_manager", role=Role.DISTRICT_MANAGER)
    clinic = Institution.objects.create(uscc=make_uscc(DISTRICT_A, "MA3000001"), name="黄浦区演示诊所", kind="clinic",
                                        district=Region.objects.get(code=DISTRICT_A), beds=0)  # fmt: skip
    lines = demo_credit_setup()
    assert any("14" in line for line in lines)
    archive = institution_archive(manager, clinic)
    assert archive.standing is not None and archive.standing.period_points == 14
    assert archive.standing.measures == ["suspend"]
    history = [g.grade for g in CreditGrade.objects.filter(institution=clinic).order_by("computed_on", "pk")]
    assert [g for i, g in enumerate(history) if i == 0 or history[i - 1] != g] == ["B", "C"], history  # a row per score
    objection = Objection.objects.get()
    assert objection.decision == "rejected" and not objection.decided_late
    assert all(e.notice.sent_on and not e.notice.sent_late for e in PointEvent.objects.all())
    zhang = Practitioner.objects.get(cert_no="110310101000001")
    assert practitioner_archive(manager, zhang).standing.measure == "suspension"
    demo_credit_setup()
    assert PointEvent.objects.count() == 3 and InsurancePointEvent.objects.count() == 2
