"""The archive's forms: a refused form comes back with what was typed and the error naming the field; recording
points regrades the institution inside the same service transaction (one audit event)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from weijian.core.models import AuditEvent, Role
from weijian.credit.models import CreditGrade, PointEvent
from weijian.credit.tests.conftest import D
from weijian.registry.models import Institution

pytestmark = pytest.mark.django_db


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer(make_user: Any) -> Client:
    return client_of(make_user("wang", role=Role.INSPECTOR))


def points_url(institution: Institution) -> str:
    return f"/credit/institutions/{institution.pk}/points/"


def test_recorded_points_regrade_the_institution_in_one_audited_step(penalised: Institution, officer: Client,
                                                                      clock: Any) -> None:  # fmt: skip
    response = officer.post(points_url(penalised), {"item": "L07", "occurred_on": "2026-06-01", "note": "借用许可证"})
    assert response.status_code == 302
    grade = CreditGrade.objects.get(institution=penalised)
    assert (grade.grade, grade.score, grade.computed_on) == ("B", 22.0, D(2026, 6, 10))
    event = AuditEvent.objects.get(action="credit.points.record")
    assert event.data["grade"] == {"on": "2026-06-10", "grade": "B", "score": 22.0, "changed": True}
    assert not AuditEvent.objects.filter(action="credit.grade.recompute").exists(), "one audit event, not two"
    page = officer.get(f"/credit/institutions/{penalised.pk}/").content.decode()
    assert "信用等级 B" in page and "6 分" in page


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"item": "X99", "occurred_on": "2026-06-01"}, "记分项目：X99 不在记分规则"),
        ({"item": "L07", "occurred_on": "2026-06-31"}, "行为日期：日期格式应为 YYYY-MM-DD"),
        ({"item": "L07", "occurred_on": "2026-06-11"}, "行为日期：不能晚于今天 2026-06-10"),
        ({"item": "L07", "occurred_on": "2026-06-05", "confirmed_on": "2026-06-01"}, "确认日期：不能早于行为日期 2026-06-05"),
        ({"item": "P01", "occurred_on": "2026-06-01", "count": "三"}, "人数或科目数：应为整数"),
        ({"item": "P01", "occurred_on": "2026-06-01", "count": "0"}, "人数或科目数：至少为1"),
    ],
)  # fmt: skip
def test_a_refused_points_form_keeps_what_was_typed(penalised: Institution, officer: Client, clock: Any,
                                                   post: dict[str, str], message: str) -> None:  # fmt: skip
    response = officer.post(points_url(penalised), {**post, "note": "夜间无医师值班"})
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert 'value="夜间无医师值班"' in page and f'value="{post["occurred_on"]}"' in page
    assert "<details class=\"card\" open>" in page
    if post["item"] != "X99":
        assert f'value="{post["item"]}" selected' in page
    assert not PointEvent.objects.exists() and not CreditGrade.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="credit.points").exists()  # fmt: skip


def test_a_refused_notice_date_is_shown_at_its_notice(penalised: Institution, officer: Client, clock: Any) -> None:
    officer.post(points_url(penalised), {"item": "L07", "occurred_on": "2026-06-01", "confirmed_on": "2026-06-03"})
    notice = PointEvent.objects.get().notice
    response = officer.post(f"/credit/notices/{notice.pk}/send/", {"sent_on": "2026-06-02"})
    page = response.content.decode()
    assert response.status_code == 400 and "送达日期：不能早于确认日期 2026-06-03" in page
    assert 'value="2026-06-02"' in page
    notice.refresh_from_db()
    assert notice.sent_on is None


def test_refused_objection_forms_keep_what_was_typed(penalised: Institution, officer: Client, make_user: Any,
                                                     clock: Any) -> None:  # fmt: skip
    owner = client_of(make_user("owner", role=Role.INSTITUTION_USER, region=None, department=None, institution=penalised))
    officer.post(points_url(penalised), {"item": "L07", "occurred_on": "2026-06-01"})
    notice = PointEvent.objects.get().notice
    early = owner.post(f"/credit/notices/{notice.pk}/objection/", {"filed_on": "2026-06-10", "grounds": "许可证系借用"})
    assert early.status_code == 400 and "记分通知书尚未送达" in early.content.decode()
    assert "许可证系借用" in early.content.decode()
    officer.post(f"/credit/notices/{notice.pk}/send/", {"sent_on": "2026-06-09"})
    assert owner.post(f"/credit/notices/{notice.pk}/objection/", {"filed_on": "2026-06-10",
                                                                  "grounds": "许可证系借用"}).status_code == 302
    notice.refresh_from_db()
    objection = notice.objection
    bad = officer.post(f"/credit/objections/{objection.pk}/", {"decision": "upheld", "reasons": "核实属实",
                                                               "decided_on": "2026-06-01"})  # fmt: skip
    page = bad.content.decode()
    assert bad.status_code == 400 and "决定日期：不能早于申辩日期 2026-06-10" in page and "核实属实" in page
    assert officer.post(f"/credit/objections/{objection.pk}/", {"decision": "upheld", "reasons": "核实属实",
                                                                "decided_on": "2026-06-10"}).status_code == 302
    assert CreditGrade.objects.filter(institution=penalised).latest("pk").score == 10.0, "regraded: points cancelled"
    assert AuditEvent.objects.get(action="credit.objection.decide").data["grade"]["score"] == 10.0
