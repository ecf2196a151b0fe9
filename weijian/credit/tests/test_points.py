"""Bad-practice points: the rule set's items only, the notice deadline, the objection's window and decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from weijian.core.models import AuditEvent, Role
from weijian.credit.models import Objection, PointEvent, PointStatus
from weijian.credit.selectors import institution_archive
from weijian.credit.services import (
    CreditError,
    licence_check_record,
    notice_send,
    objection_decide,
    objection_file,
    point_event_record,
)
from weijian.registry.models import Institution

pytestmark = pytest.mark.django_db
D = dt.date


def score(clinic: Institution, item: str, on: dt.date, **kw: Any) -> PointEvent:
    return point_event_record(actor="test", institution=clinic, item_code=item, occurred_on=on, **kw)


def test_fourteen_points_propose_the_shanghai_measure(clinic: Institution, make_user: Any) -> None:
    score(clinic, "L07", D(2026, 3, 2))
    score(clinic, "L08", D(2026, 3, 9), count=1)
    event = score(clinic, "P02", D(2026, 4, 1), count=1)
    score(clinic, "L03", D(2026, 4, 20))
    assert event.points == 2 and event.notice.due_on == D(2026, 4, 16)  # 清明 04-04..06 skipped
    archive = institution_archive(make_user("manager", role=Role.DISTRICT_MANAGER), clinic, on=D(2026, 6, 1))
    assert archive.standing is not None and archive.standing.period_points == 16
    assert archive.standing.measures == ["suspend"], "12 → 暂缓校验; revoke needs more than 6 after reaching 12"
    assert [n.notice.event.pk for n in archive.notices][-1] == PointEvent.objects.order_by("pk").first().pk


def test_an_item_outside_the_rule_set_is_refused_naming_it(clinic: Institution) -> None:
    with pytest.raises(CreditError, match="X99 不在记分规则“上海市"):
        score(clinic, "X99", D(2026, 3, 2))
    with pytest.raises(CreditError, match="不适用于"):
        score(clinic, "L01", D(2026, 3, 2), rule_set_code="guangdong_2011")
    assert not PointEvent.objects.exists() and not AuditEvent.objects.filter(action="credit.points.record").exists()


def test_per_person_items_count_each_person_and_per_event_items_once(clinic: Institution) -> None:
    assert score(clinic, "P01", D(2026, 3, 2), count=3).points == 3
    assert score(clinic, "L07", D(2026, 3, 2), count=3).points == 6


def test_a_passed_jiaoyan_resets_the_cycle(clinic: Institution, make_user: Any) -> None:
    score(clinic, "L07", D(2026, 3, 2))
    licence_check_record(actor="test", institution=clinic, checked_on=D(2026, 5, 1))
    score(clinic, "L01", D(2026, 5, 1))
    archive = institution_archive(make_user("m", role=Role.DISTRICT_MANAGER), clinic, on=D(2026, 6, 1))
    assert archive.standing is not None and archive.standing.period_points == 1


def test_objection_window_and_decision(clinic: Institution) -> None:
    event = score(clinic, "L07", D(2026, 3, 2), confirmed_on=D(2026, 3, 3))
    notice = event.notice
    with pytest.raises(CreditError, match="尚未送达"):
        objection_file(actor="test", notice=notice, filed_on=D(2026, 3, 4), grounds="许可证系借用给分院")
    notice_send(actor="test", notice=notice, sent_on=D(2026, 3, 5))
    with pytest.raises(CreditError, match="2026-03-12 届满"):
        objection_file(actor="test", notice=notice, filed_on=D(2026, 3, 13), grounds="许可证系借用给分院")
    assert not Objection.objects.exists()
    objection = objection_file(actor="test", notice=notice, filed_on=D(2026, 3, 12), grounds="许可证系借用给分院")
    assert objection.decide_due == D(2026, 3, 26)
    objection_decide(actor="test", objection=objection, decision="upheld", reasons="经核实为同一法人", decided_on=D(2026, 3, 20))
    event.refresh_from_db()
    assert event.status == PointStatus.CANCELLED and not objection.decided_late
    with pytest.raises(CreditError, match="已于"):
        objection_decide(actor="test", objection=objection, decision="rejected", reasons="再议", decided_on=D(2026, 3, 21))


def test_an_inspector_scores_only_inside_the_district(clinic: Institution, make_user: Any) -> None:
    from weijian.conftest import DISTRICT_B
    from weijian.core.scope import OutOfScope

    outsider = make_user("zhao", role=Role.INSPECTOR, region=DISTRICT_B)
    with pytest.raises(OutOfScope):
        point_event_record(actor=outsider, institution=clinic, item_code="L01", occurred_on=D(2026, 3, 2))
    owner = make_user("owner", role=Role.INSTITUTION_USER, region=None, department=None, institution=clinic)
    with pytest.raises(CreditError, match="权限"):
        point_event_record(actor=owner, institution=clinic, item_code="L01", occurred_on=D(2026, 3, 2))
