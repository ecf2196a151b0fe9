"""Credit repair: only after the minimum period and when the conditions hold (refused with the date otherwise);
review deadline from the rules; on approval the record leaves the public view early, never where the rules forbid."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from weijian.core.models import AuditEvent
from weijian.core.scope import OutOfScope
from weijian.credit import repair
from weijian.credit.models_lists import RepairStatus
from weijian.credit.tests.conftest import move, publish
from weijian.portal import disclosure
from weijian.portal.models import DisclosureStatus

pytestmark = pytest.mark.django_db
DECIDED = dt.date(2026, 6, 5)  # 一般: minimum through 2026-09-05, maximum 2027-06-05


def _file(crew: dict[str, Any], target: Any, **kwargs: Any) -> Any:
    options: dict[str, Any] = {"actor": crew["clinic"], "disclosure": target, "correction": "已整改，人员已取得执业资格",
                               "obligations_done": True, "commitment": "本单位承诺依法执业"}  # fmt: skip
    options.update(kwargs)
    return repair.repair_request_file(**options)


def test_request_before_the_minimum_is_refused_with_the_date(crew: dict[str, Any], clock: Any) -> None:
    target = publish(crew, crew["a1"], decided_on=DECIDED)
    move(clock, dt.date(2026, 9, 5))
    with pytest.raises(repair.RepairError, match="2026-09-06 起方可申请信用修复"):
        _file(crew, target)
    move(clock, dt.date(2026, 9, 6))
    with pytest.raises(repair.RepairError, match="须全部履行"):
        _file(crew, target, obligations_done=False)
    with pytest.raises(repair.RepairError, match="信用承诺：必须填写"):
        _file(crew, target, commitment=" ")
    other = publish(crew, crew["b1"], decided_on=DECIDED)
    with pytest.raises(OutOfScope):
        _file(crew, other)  # an institution files only for its own penalties
    made = _file(crew, target)
    assert made.status == RepairStatus.FILED and made.review_due == dt.date(2026, 9, 18)  # 10 working days from Sunday 09-06
    with pytest.raises(repair.RepairError, match="已有待审核的申请"):
        _file(crew, target)
    assert list(repair.request_list(crew["clinic"])) == [made] and list(repair.request_list(crew["manager_b"])) == []


def test_approval_takes_the_record_down_early_and_keeps_the_notice(crew: dict[str, Any], clock: Any) -> None:
    target = publish(crew, crew["a1"], decided_on=DECIDED)
    move(clock, dt.date(2026, 9, 7))
    made = _file(crew, target)
    with pytest.raises(repair.RepairError, match="不能审核"):
        repair.repair_request_decide(actor=crew["clinic"], request=made, approve=True, reasons="已整改")
    with pytest.raises(OutOfScope):
        repair.repair_request_decide(actor=crew["manager_b"], request=made, approve=True, reasons="已整改")
    assert disclosure.public_penalties().filter(pk=target.pk).exists()
    done = repair.repair_request_decide(actor=crew["manager_a"], request=made, approve=True, reasons="已纠正并履行义务")
    assert done.status == RepairStatus.APPROVED and not done.decided_late and "准予修复" in done.notice
    target.refresh_from_db()
    assert target.status == DisclosureStatus.REMOVED_EARLY
    assert not disclosure.public_penalties().filter(pk=target.pk).exists()
    assert AuditEvent.objects.filter(action="credit.repair.decide").count() == 1
    with pytest.raises(repair.RepairError, match="已于 2026-09-07 作出决定"):
        repair.repair_request_decide(actor=crew["manager_a"], request=made, approve=False, reasons="重复")


def test_refusal_and_a_late_review_and_records_that_never_go_early(crew: dict[str, Any], clock: Any) -> None:
    target = publish(crew, crew["a1"], decided_on=DECIDED)
    move(clock, dt.date(2026, 9, 7))
    made = _file(crew, target)
    move(clock, dt.date(2026, 9, 23))
    done = repair.repair_request_decide(actor=crew["manager_a"], request=made, approve=False, reasons="罚款尚未缴清")
    assert done.status == RepairStatus.REFUSED and done.decided_late and "不予修复" in done.notice
    assert disclosure.public_penalties().filter(pk=target.pk).exists()
    grave = publish(crew, crew["a2"], decided_on=DECIDED, severity="serious",
                    penalty_kinds=["fine", "revoke_licence"], licence="医疗机构执业许可证 PDY00001")  # fmt: skip
    with pytest.raises(repair.RepairError, match="不得提前移除"):
        _file(crew, grave, actor=crew["manager_a"])
    first, reason = repair.possible_from(grave)
    assert first is None and "2029-06-05" in reason
