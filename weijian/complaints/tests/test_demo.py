"""The demo complaints: about 40, anonymous and named, one duplicate, some in triage, handled where a demo
manager works; made once (a second run makes none and creates no second key)."""

from __future__ import annotations

from typing import Any

import pytest

from weijian.complaints.demo import demo_complaints_setup
from weijian.complaints.models import ApiKey, Complaint, ComplaintStatus
from weijian.complaints.tests.conftest import Staff

pytestmark = pytest.mark.django_db


def test_demo_complaints(staff: Staff, propose: Any) -> None:
    propose(None, 0.0)  # the classifier proposes nothing: uncategorised complaints wait in triage
    lines = demo_complaints_setup()
    made = Complaint.objects.all()
    assert made.count() >= 40 and made.filter(duplicate_of__isnull=False).exists()
    assert made.filter(anonymous=True).exists() and made.filter(anonymous=False).exists()
    assert made.filter(department__isnull=True).count() >= 3
    assert len({c.category for c in made}) >= 15 and made.values("district").distinct().count() >= 5
    handled = made.filter(district__code="310101", department__code="health").exclude(status=ComplaintStatus.RECEIVED)
    assert handled.exists()  # manager_a (黄浦, health) handled some
    assert any("wj_" in line for line in lines) and ApiKey.objects.count() == 1
    assert not any("wj_" in line for line in demo_complaints_setup())
    assert Complaint.objects.count() == made.count() and ApiKey.objects.count() == 1
