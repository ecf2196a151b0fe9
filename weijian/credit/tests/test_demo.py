"""The demo's credit story: the clinic at 14 points (B → C, notified, objection decided), a physician at 9 医保
points; the lists, the repair, the cross-region review and a physician at 12 points; a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from weijian.conftest import DISTRICT_A, make_uscc
from weijian.core.models import Region, Role
from weijian.credit import lists
from weijian.credit.demo import demo_credit_setup
from weijian.credit.facts import CreditFact, credit_record_ingest
from weijian.credit.models import CreditGrade, CreditRecord, InsurancePointEvent, Objection, PointEvent
from weijian.credit.models_lists import (
    CreditListEntry,
    CrossRegionReview,
    EntryStatus,
    JointMeasureTask,
    RepairRequest,
    RepairStatus,
    ReviewStatus,
    TaskStatus,
)
from weijian.credit.points.scoring import add_years
from weijian.credit.selectors import institution_archive, practitioner_archive
from weijian.portal.models import Disclosure, DisclosureStatus
from weijian.portal.windows import add_months
from weijian.registry.models import Institution, Practitioner, Registration

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


def _counts() -> dict[str, int]:
    models = (CreditRecord, CreditListEntry, JointMeasureTask, RepairRequest, CrossRegionReview, InsurancePointEvent,
              Disclosure, CreditGrade)  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.usefixtures("calendar_ahead")  # its deadlines are counted from today
def test_demo_lists_repair_review_and_termination(registry: dict[str, str], make_user: Any) -> None:
    manager = make_user("district_manager", role=Role.DISTRICT_MANAGER)
    city = make_user("city_admin", role=Role.CITY_ADMIN, region="310000")
    district = Region.objects.get(code=DISTRICT_A)
    clinic = Institution.objects.create(uscc=make_uscc(DISTRICT_A, "MA3000001"), name="黄浦区演示诊所", kind="clinic",
                                        district=district, beds=0)  # fmt: skip
    Institution.objects.create(uscc=make_uscc(DISTRICT_A, "MA3000002"), name="黄浦区演示门诊部", kind="clinic",
                               district=district, beds=0)  # fmt: skip
    a1 = Institution.objects.get(uscc=registry["a1"])
    second = Practitioner.objects.create(cert_no="110310101000009", name="王芳", kind="physician")
    Registration.objects.create(practitioner=second, institution=a1, is_primary=True, valid_from=dt.date(2020, 1, 1))
    Registration.objects.create(practitioner=second, institution=clinic, valid_from=dt.date(2021, 1, 1))
    today = timezone.localdate()
    credit_record_ingest(actor="test", facts=[CreditFact(  # what the cases app offers for a decided case
        source_kind="case", source_key="case-1-party-a1", occurred_on=today, severity="general", category="penalty",
        title="医师超出注册的执业范围执业", region_code=DISTRICT_A, department_code="health", institution_id=a1.pk,
        violation_code="physician_outside_registration", detail={"penalty_kinds": ["warning", "fine"]},
    )])  # fmt: skip
    lines = demo_credit_setup()
    assert sum("信用名单" in line for line in lines) == 2 and any("12分" in line for line in lines), lines

    severe = CreditListEntry.objects.get(list_kind="severe")
    assert severe.status == EntryStatus.LISTED and lists.is_active(severe, today)
    assert severe.notified_on < severe.defence_on <= severe.defence_due and severe.defence_on <= severe.decided_on
    assert severe.listed_until == add_months(severe.decided_on, 36) and severe.institution not in (clinic, a1)
    assert [r.department.code for r in severe.records.all()] == ["drug"]
    tasks = {t.measure_code: (t.department.code, t.status) for t in severe.tasks.select_related("department")}
    assert tasks["licence_check"] == ("health", TaskStatus.DONE) and tasks["subsidy"] == ("finance", TaskStatus.OPEN)
    assert {d for d, _s in tasks.values()} == {"ndrc", "finance", "health", "insurance"}
    focus = CreditListEntry.objects.get(list_kind="focus")
    assert focus.status == EntryStatus.LISTED and focus.institution not in (severe.institution, clinic, a1)
    assert focus.defence_due is not None and focus.decided_on > focus.defence_due and not focus.defence_on
    assert sorted(r.department.code for r in focus.records.all()) == ["drug", "insurance", "market"]
    assert {(t.measure_code, t.department.code) for t in focus.tasks.all()} == {
        ("frequent_checks", "health"), ("designation_watch", "insurance")}  # fmt: skip
    assert list(lists.entry_list(city, list_kind="severe")) == [severe]

    request = RepairRequest.objects.select_related("disclosure").get()
    published = request.disclosure
    assert request.status == RepairStatus.APPROVED and not request.decided_late and "准予修复" in request.notice
    assert published.fields["party_code"] == clinic.uscc and published.status == DisclosureStatus.REMOVED_EARLY
    assert published.min_until is not None and request.filed_on > published.min_until
    assert request.decided_on is not None and request.review_due is not None
    assert request.filed_on <= request.decided_on <= request.review_due

    review = CrossRegionReview.objects.select_related("earlier", "later").get()
    assert review.status == ReviewStatus.OPEN and review.subject_key == a1.uscc
    assert (review.earlier.source_key, review.later.source_key) == ("health:SU-DEMO-0001", "case-1-party-a1")
    assert (review.earlier_region, review.later_region, review.window_months) == ("320102", DISTRICT_A, 24)

    standing = practitioner_archive(manager, second).standing
    assert (standing.points, standing.measure, standing.bar_years) == (12, "termination", 1)
    assert standing.reached_on is not None and standing.bar_until == add_years(standing.reached_on, 1)
    assert {e.institution_id for e in InsurancePointEvent.objects.filter(practitioner=second)} == {a1.pk, clinic.pk}

    before = _counts()
    demo_credit_setup()
    assert _counts() == before, "a second run changes nothing"
