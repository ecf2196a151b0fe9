"""A complaint's deadlines are read from ``complaint.accept`` / ``complaint.reply`` (weijian.core.deadlines),
computed when read; the boundaries of the figures themselves are tested with the rules file."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from weijian.complaints import deadlines
from weijian.complaints.models import Complaint, ComplaintStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _complaint(**fields: object) -> Complaint:
    return Complaint(received_at=dt.datetime(2026, 2, 10, 9, tzinfo=SHANGHAI), status=ComplaintStatus.RECEIVED, **fields)


def test_the_accept_deadline_runs_until_accepted_then_the_reply_deadline() -> None:
    core = pytest.importorskip("weijian.core.deadlines")
    complaint = _complaint()
    expected = core.deadline("complaint.accept", complaint.received_at)
    shown = deadlines.complaint_deadlines(complaint, now=complaint.received_at)
    assert [d.code for d in shown] == ["complaint.accept"] and shown[0].due == expected.due
    assert deadlines.running_state(complaint, now=expected.due + dt.timedelta(days=1)) == "overdue"
    complaint.status, complaint.accepted_at = ComplaintStatus.ACCEPTED, complaint.received_at + dt.timedelta(days=1)
    shown = deadlines.complaint_deadlines(complaint, now=complaint.accepted_at)
    assert [d.code for d in shown] == ["complaint.accept", "complaint.reply"] and shown[0].met
    assert shown[1].due == core.deadline("complaint.reply", complaint.accepted_at).due


def test_without_the_rules_a_deadline_reads_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(code: str, start: object) -> object:
        raise LookupError("no calendar for that year")

    try:
        from weijian.core import deadlines as core
    except ImportError:
        assert deadlines.running_state(_complaint()) == "unknown"
        return
    monkeypatch.setattr(core, "deadline", broken)
    assert deadlines.running_state(_complaint()) == "unknown"


@pytest.mark.django_db
def test_an_unaccepted_complaint_near_its_limit_tells_its_queue_and_nobody_else(staff: object, time_machine: object) -> None:
    from django.utils import timezone

    from weijian.complaints import services
    from weijian.complaints.tests.conftest import district
    from weijian.core.models import Notification
    from weijian.core.notifications import deadlines_notify

    pytest.importorskip("weijian.core.deadlines")
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI))  # type: ignore[attr-defined]
    complaint = services.complaint_file(actor=None, source="web", description="诊所无证行医，注射美容后红肿",
                                        region=district("310101"), category="illegal_practice", anonymous=True,
                                        subject_name="某无名诊所")
    due = deadlines.complaint_deadlines(complaint)[0].due
    time_machine.move_to(due - dt.timedelta(hours=12))  # type: ignore[attr-defined]  # the due day: 今日到期
    assert deadlines_notify(now=timezone.now()) >= 2 and deadlines_notify(now=timezone.now()) == 0  # once a day
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert {"manager_a", "inspector_a"} <= told  # 黄浦's health queue
    assert not told & {"manager_b", "market_a"}  # another district, another department
    assert complaint.tracking_code not in " ".join(Notification.objects.values_list("text", flat=True))
