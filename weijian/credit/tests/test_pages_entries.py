"""The two entries that had services only: the 校验 result on the institution archive and the 医保 points on the
practitioner archive — good input, each bad input, a cross-district write, a role that may not write."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from weijian.core.models import AuditEvent, Role
from weijian.credit.models import CreditGrade, InsurancePointEvent, LicenceCheck
from weijian.credit.services import point_event_record
from weijian.credit.tests.conftest import D
from weijian.registry.models import Institution, Practitioner

pytestmark = pytest.mark.django_db
ZHANG = "110310101000001"  # primary at a1 (district A), also registered at b2 (district B)


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def check_url(institution: Institution) -> str:
    return f"/credit/institutions/{institution.pk}/licence-checks/"


def test_a_passed_jiaoyan_restarts_the_cycle_and_regrades(penalised: Institution, make_user: Any, clock: Any) -> None:
    point_event_record(actor="test", institution=penalised, item_code="L07", occurred_on=D(2026, 3, 2))
    assert CreditGrade.objects.filter(institution=penalised).latest("pk").score == 22.0
    officer = client_of(make_user("wang", role=Role.INSPECTOR))
    response = officer.post(check_url(penalised), {"checked_on": "2026-05-01", "passed": "1", "note": "年度校验"},
                            follow=True)  # fmt: skip
    page = response.content.decode()
    assert response.redirect_chain[-1] == (f"/credit/institutions/{penalised.pk}/", 302)
    assert "本记分周期自 2026-05-01 起" in page and "本周期 2026-05-01" in page and "年度校验" in page
    check = LicenceCheck.objects.get()
    assert (check.institution, check.checked_on, check.passed, check.note) == (penalised, D(2026, 5, 1), True, "年度校验")
    assert CreditGrade.objects.filter(institution=penalised).latest("pk").score == 10.0, "the points of the old cycle"
    assert AuditEvent.objects.get(action="credit.licence_check.record").data["grade"]["score"] == 10.0


def test_a_failed_jiaoyan_keeps_the_cycle(penalised: Institution, make_user: Any, clock: Any) -> None:
    point_event_record(actor="test", institution=penalised, item_code="L07", occurred_on=D(2026, 3, 2))
    officer = client_of(make_user("wang", role=Role.INSPECTOR))
    page = officer.post(check_url(penalised), {"checked_on": "2026-05-01", "passed": "0"}, follow=True).content.decode()
    assert "校验未通过" in page and "本周期 2026-05-01" not in page
    assert CreditGrade.objects.filter(institution=penalised).latest("pk").score == 22.0


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"checked_on": "2026-5-1x", "passed": "1"}, "校验日期：日期格式应为 YYYY-MM-DD"),
        ({"checked_on": "2026-06-11", "passed": "1"}, "校验日期：不能晚于今天 2026-06-10"),
        ({"checked_on": "2026-05-01"}, "校验结论：请选择合格或不合格"),
        ({"checked_on": "2026-05-01", "passed": "1", "note": "长" * 301}, "说明：不能超过 300 个字"),
    ],
)  # fmt: skip
def test_a_refused_jiaoyan_form_keeps_what_was_typed(penalised: Institution, make_user: Any, clock: Any,
                                                    post: dict[str, str], message: str) -> None:  # fmt: skip
    officer = client_of(make_user("wang", role=Role.INSPECTOR))
    response = officer.post(check_url(penalised), {"note": "现场校验", **post})
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert f'value="{post["checked_on"]}"' in page and f'value="{post.get("note", "现场校验")}"' in page
    assert not LicenceCheck.objects.exists() and not AuditEvent.objects.filter(action__startswith="credit.licence").exists()


def test_jiaoyan_only_by_officers_of_the_district(crew: dict[str, Any], clock: Any) -> None:
    a1 = crew["a1"]
    post = {"checked_on": "2026-05-01", "passed": "1"}
    assert client_of(crew["manager_b"]).post(check_url(a1), post).status_code == 404, "another district's officer"
    assert client_of(crew["clinic"]).post(check_url(a1), post).status_code == 403, "the institution itself"
    assert client_of(crew["market"]).post(check_url(a1), post).status_code in (403, 404), "a partner department"
    assert client_of(crew["manager_a"]).get(check_url(a1)).status_code == 405
    assert not LicenceCheck.objects.exists()
    archive = client_of(crew["clinic"]).get(f"/credit/institutions/{a1.pk}/").content.decode()
    assert "check-form" not in archive
    assert client_of(crew["manager_a"]).post(check_url(a1), post).status_code == 302
    assert LicenceCheck.objects.get().recorded_by == crew["manager_a"]


def b2_of(crew: dict[str, Any]) -> Institution:
    """Zhang's second institution (多点执业), in district B."""
    return Institution.objects.get(district__code="310104", registrations__practitioner__cert_no=ZHANG)


def points_url(practitioner: Practitioner) -> str:
    return f"/credit/practitioners/{practitioner.pk}/insurance-points/"


def entry(at: Institution, **over: str) -> dict[str, str]:
    return {"band": "general", "points": "5", "occurred_on": "2026-03-02", "institution": str(at.pk),
            "reason": "串换药品收费，医保行政部门认定", **over}  # fmt: skip


def test_insurance_officer_records_points_up_to_the_termination(crew: dict[str, Any], clock: Any) -> None:
    zhang = Practitioner.objects.get(cert_no=ZHANG)
    officer = client_of(crew["insurance"])
    page = officer.get(f"/credit/practitioners/{zhang.pk}/").content.decode()
    assert "insurance-form" in page and "情节一般（4—6分）" in page and crew["b1"].name not in page
    assert officer.post(points_url(zhang), entry(crew["a1"])).status_code == 302
    page = officer.post(points_url(zhang), entry(b2_of(crew), points="4", occurred_on="2026-04-01",
                                                 reason="超医保限定支付范围用药"), follow=True).content.decode()  # fmt: skip
    assert "已记分：2026 年度共 9 分" in page and "拟暂停医保支付资格" in page and "1 个月" in page
    event = InsurancePointEvent.objects.get(points=5)
    assert (event.institution, event.region.code, event.band, event.created_by) == (crew["a1"], "310101", "general",
                                                                                     crew["insurance"])  # fmt: skip
    page = officer.post(points_url(zhang), entry(crew["a1"], band="light", points="3", occurred_on="2026-06-01"),
                        follow=True).content.decode()  # fmt: skip
    assert "拟终止医保支付资格" in page and "1 年内不得再次登记备案（至 2027-06-01）" in page
    assert AuditEvent.objects.filter(action="credit.insurance_points.record").count() == 3
    health = client_of(crew["manager_a"]).get(f"/credit/practitioners/{zhang.pk}/").content.decode()
    assert "12 分" in health and "insurance-form" not in health, "health officers read the points"


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"points": "7"}, "记分：情节一般 档为 4—6 分，7 分不在其中"),
        ({"band": "grave", "points": "13"}, "10—12 分，13 分不在其中"),
        ({"points": "五"}, "记分：应为整数"),
        ({"band": "heavy"}, "记分档次：heavy 不存在"),
        ({"occurred_on": "2026-02-30"}, "行为日期：日期格式应为 YYYY-MM-DD"),
        ({"occurred_on": "2026-06-11"}, "行为日期：不能晚于今天 2026-06-10"),
        ({"reason": " "}, "记分事由：必须填写"),
        ({"institution": ""}, "发生机构：请选择该执业人员的执业机构"),
    ],
)  # fmt: skip
def test_refused_insurance_points_keep_what_was_typed(crew: dict[str, Any], clock: Any, over: dict[str, str],
                                                     message: str) -> None:  # fmt: skip
    zhang = Practitioner.objects.get(cert_no=ZHANG)
    response = client_of(crew["insurance"]).post(points_url(zhang), entry(crew["a1"], **over))
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    typed = entry(crew["a1"], **over)
    assert f'value="{typed["points"]}"' in page and f'value="{typed["occurred_on"]}"' in page
    if typed["reason"].strip():
        assert typed["reason"] in page
    assert not InsurancePointEvent.objects.exists()


def test_an_institution_the_practitioner_does_not_work_at_is_refused(crew: dict[str, Any], clock: Any) -> None:
    zhang = Practitioner.objects.get(cert_no=ZHANG)
    response = client_of(crew["insurance"]).post(points_url(zhang), entry(crew["b1"]))
    assert response.status_code == 400 and "发生机构：不是该执业人员的执业机构" in response.content.decode()
    assert not InsurancePointEvent.objects.exists()


def test_insurance_points_only_by_the_insurance_department_in_its_region(crew: dict[str, Any], make_user: Any,
                                                                         clock: Any) -> None:  # fmt: skip
    zhang = Practitioner.objects.get(cert_no=ZHANG)
    for role in ("manager_a", "city", "clinic", "market"):
        response = client_of(crew[role]).post(points_url(zhang), entry(crew["a1"]))
        assert response.status_code in (403, 404), role
    assert client_of(crew["manager_a"]).post(points_url(zhang), entry(crew["a1"])).status_code == 403
    district_b = client_of(make_user("yb_b", role=Role.PARTNER_OFFICER, region="310104", department="insurance"))
    assert district_b.post(points_url(zhang), entry(crew["a1"])).status_code == 404, "an act in another district"
    assert not InsurancePointEvent.objects.exists()
    assert district_b.post(points_url(zhang), entry(b2_of(crew))).status_code == 302, "its own district's institution"
    assert client_of(crew["insurance"]).get(points_url(zhang)).status_code == 405
