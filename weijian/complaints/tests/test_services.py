"""Filing and handling complaints through the services: validation, routing, duplicates, the workflow, audit."""

from __future__ import annotations

from typing import Any

import pytest

from weijian.clues.models import Clue
from weijian.complaints import codes, services
from weijian.complaints.errors import ComplaintError
from weijian.complaints.models import Complaint, ComplaintStatus
from weijian.complaints.tests.conftest import Staff, district
from weijian.core.audit import audit_verify
from weijian.core.models import AuditEvent
from weijian.core.scope import OutOfScope
from weijian.inspections.tests.conftest import png_bytes
from weijian.registry.models import Institution

pytestmark = pytest.mark.django_db


def file(**changes: Any) -> Complaint:
    values: dict[str, Any] = {
        "actor": None, "source": "web", "description": "诊所没有执业许可证却在给人打针输液", "region": district(),
        "category": "illegal_practice", "subject_name": "无名诊所", "anonymous": True,
    }  # fmt: skip
    values.update(changes)
    return services.complaint_file(**values)


def test_a_filed_complaint_is_routed_by_category_and_audited(staff: Staff) -> None:
    complaint = file(category="price", institution=Institution.objects.get(uscc=staff.codes["b2"]), subject_name="")
    assert codes.is_valid(complaint.tracking_code)
    assert complaint.department.code == "market"  # 收费 → 市场监管 (responsibility list)
    assert complaint.district.code == "310104"  # the institution's district, not the one the filer picked
    assert complaint.routing["by"] == "category" and complaint.status == ComplaintStatus.RECEIVED
    event = AuditEvent.objects.get(action="complaints.complaint.file", object_id=str(complaint.pk))
    assert event.actor == "public" and event.data["department"] == "market"
    assert audit_verify().ok


def test_a_street_routes_to_its_district(staff: Staff) -> None:
    street = district("310101").children.filter(level="street").first()
    if street is None:
        pytest.skip("no street in the region table")
    complaint = file(region=street)
    assert complaint.district.code == "310101" and complaint.region == street


def test_without_a_category_the_classifier_routes_or_sends_to_triage(staff: Staff, propose: Any) -> None:
    propose("medical_aesthetics", 0.9)
    sure = file(category="")
    assert (sure.category, sure.department.code, sure.routing["by"]) == ("medical_aesthetics", "health", "classifier")
    assert sure.routing["confidence"] == pytest.approx(0.9)
    propose("medical_aesthetics", 0.3)
    unsure = file(category="other", description="不知道该找谁反映这件事情")
    assert unsure.department is None and unsure.routing["by"] == "triage"
    assert unsure.routing["confidence"] == pytest.approx(0.3) and "0.30" in unsure.routing["reason"]
    propose(None, 0.0)
    assert file(category="").department is None


def test_every_bad_input_is_named_at_once_and_nothing_is_filed(staff: Staff) -> None:
    with pytest.raises(ComplaintError) as caught:
        file(description="😀😀😀🙏", region=None, subject_name="", anonymous=False, complainant_name="",
             complainant_phone="12345", category="no_such")  # fmt: skip
    errors = caught.value.errors
    assert set(errors) == {"description", "region", "subject", "complainant_name", "complainant_phone", "category"}
    assert errors["description"].startswith("问题描述：") and "表情" in errors["description"]
    assert errors["complainant_phone"].startswith("联系电话：") and "12345" in errors["complainant_phone"]
    with pytest.raises(ComplaintError) as caught:
        file(description="")
    assert "必须填写" in caught.value.errors["description"]
    with pytest.raises(ComplaintError) as caught:
        file(description="长" * 20_000)
    assert "20000" in caught.value.errors["description"]
    assert Complaint.objects.count() == 0


def test_html_is_kept_as_typed(staff: Staff) -> None:
    text = "<script>alert('x')</script> 诊所 <b>无证</b> 行医"
    assert file(description=text).description == text


@pytest.mark.parametrize(("typed", "stored"), [("138 1234 5678", "13812345678"), ("+86-13812345678", "13812345678"),
                                               ("021-63211234", "02163211234"), ("0510-8688 1234转12", "051086881234#12")])
def test_phone_numbers_are_normalised(staff: Staff, typed: str, stored: str) -> None:
    complaint = file(anonymous=False, complainant_name="王小明", complainant_phone=typed)
    assert complaint.complainant_phone == stored


def test_photos_are_stored_under_their_hash_and_bad_ones_refused(staff: Staff) -> None:
    complaint = file(photos=[services.Photo(png_bytes("red"), "a.png"), services.Photo(png_bytes("blue"), "b.png")])
    assert [len(p.sha256) for p in complaint.photos.all()] == [64, 64]
    with pytest.raises(ComplaintError) as caught:
        file(photos=[services.Photo(b"%PDF-1.4 not an image", "x.pdf")])
    assert caught.value.errors["photos"].startswith("照片 1（x.pdf）：")
    with pytest.raises(ComplaintError) as caught:
        file(photos=[services.Photo(png_bytes(), f"{n}.png") for n in range(7)])
    assert "最多 6 张" in caught.value.errors["photos"]


def test_a_second_complaint_about_the_same_subject_is_linked_not_lost(staff: Staff) -> None:
    b2 = Institution.objects.get(uscc=staff.codes["b2"])
    first = file(institution=b2, subject_name="", category="medical_aesthetics")
    second = file(institution=b2, subject_name="", category="medical_aesthetics", description="又去做了一次，还是没有医生")
    other = file(institution=b2, subject_name="", category="price")
    free_1 = file(subject_name="张三 黑诊所")
    free_2 = file(subject_name="张三黑诊所")  # the same name, blanks aside
    assert second.duplicate_of == first and other.duplicate_of is None
    assert free_2.duplicate_of == free_1
    assert list(first.duplicates.all()) == [second]


def test_the_workflow_refuses_skipped_steps_and_audits_each_step(staff: Staff) -> None:
    complaint = file()
    manager = staff.manager_a
    with pytest.raises(ComplaintError, match="须先受理"):
        services.complaint_reply(actor=manager, complaint_id=complaint.pk, text="已经查处，感谢您的反映。")
    with pytest.raises(ComplaintError, match="须先受理"):
        services.complaint_to_clue(actor=manager, complaint_id=complaint.pk)
    with pytest.raises(ComplaintError, match="须先答复投诉人"):
        services.complaint_close(actor=manager, complaint_id=complaint.pk)
    services.complaint_accept(actor=manager, complaint_id=complaint.pk)
    services.complaint_to_clue(actor=manager, complaint_id=complaint.pk)
    complaint.refresh_from_db()
    clue = Clue.objects.get(source_kind="complaint", source_id=complaint.pk)
    assert complaint.clue == clue and complaint.status == ComplaintStatus.TO_CLUE
    assert clue.department.code == "health" and clue.region.code == "310101" and clue.subject_name == "无名诊所"
    services.complaint_reply(actor=manager, complaint_id=complaint.pk, text="已立为案源线索调查，结果将在此告知。")
    services.complaint_close(actor=manager, complaint_id=complaint.pk)
    actions = list(AuditEvent.objects.filter(object_type="complaint", object_id=str(complaint.pk))
                   .values_list("action", flat=True))  # fmt: skip
    assert actions == ["complaints.complaint.file", "complaints.complaint.accept", "complaints.complaint.to_clue",
                       "complaints.complaint.reply", "complaints.complaint.close"]  # fmt: skip
    assert audit_verify().ok


def test_not_accepted_needs_a_reason(staff: Staff) -> None:
    complaint = file()
    with pytest.raises(ComplaintError) as caught:
        services.complaint_not_accept(actor=staff.manager_a, complaint_id=complaint.pk, reason="")
    assert "reason" in caught.value.errors
    services.complaint_not_accept(actor=staff.manager_a, complaint_id=complaint.pk, reason="不属于卫生健康部门职责")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.NOT_ACCEPTED and complaint.closed_at is not None


def test_other_queues_answer_like_missing_complaints(staff: Staff) -> None:
    complaint = file()  # 黄浦 health
    for user in (staff.manager_b, staff.market_a):
        with pytest.raises(OutOfScope):
            services.complaint_accept(actor=user, complaint_id=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_the_city_routes_triage_and_the_history_is_kept(staff: Staff, propose: Any) -> None:
    complaint = file(category="")
    with pytest.raises(ComplaintError):
        services.complaint_route(actor=staff.manager_a, complaint_id=complaint.pk, department_code="health", note="x")
    with pytest.raises(OutOfScope):  # triage is the city's: the district cannot even accept it
        services.complaint_accept(actor=staff.manager_a, complaint_id=complaint.pk)
    services.complaint_route(actor=staff.city, complaint_id=complaint.pk, department_code="health",
                             category="service_quality", note="按内容判断为医疗服务质量")  # fmt: skip
    complaint.refresh_from_db()
    assert complaint.department.code == "health" and complaint.category == "service_quality"
    assert complaint.routing["by"] == "manual" and complaint.routing["history"][0]["by"] == "triage"
    services.complaint_accept(actor=staff.manager_a, complaint_id=complaint.pk)


def test_a_duplicate_can_be_linked_by_hand(staff: Staff) -> None:
    first, second = file(), file(subject_name="另一家诊所")
    with pytest.raises(ComplaintError) as caught:
        services.complaint_link_duplicate(actor=staff.manager_a, complaint_id=second.pk, original_code="NOSUCHCODE")
    assert "original" in caught.value.errors
    services.complaint_link_duplicate(actor=staff.manager_a, complaint_id=second.pk, original_code=codes.display(first.tracking_code))
    second.refresh_from_db()
    assert second.duplicate_of == first


def test_api_keys_are_kept_as_hashes(staff: Staff) -> None:
    record, key = services.api_key_create(actor="test", name="12345热线", department_code="health")
    assert key not in record.key_sha256 and services.api_key_lookup(key) == record
    assert services.api_key_lookup(key + "x") is None and services.api_key_lookup("") is None
    assert record.per_minute == 60  # complaints.yaml default
