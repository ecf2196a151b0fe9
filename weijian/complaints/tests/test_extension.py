"""The reply deadline's one extension (信访工作条例 art. 34: 经批准 … 不得超过 30 日; ``complaint.reply_extension``):
its bounds, its timing, once only, audited, and the extended date where the deadline is shown and notified."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from weijian.complaints import deadline_watch, deadlines, services
from weijian.complaints.errors import ComplaintError
from weijian.complaints.models import Complaint
from weijian.complaints.tests.conftest import Staff, district
from weijian.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ACCEPTED = dt.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
# 60 calendar days from 2026-03-02 end on 05-01, a holiday (劳动节 05-01…05-05): the next working day, 05-06.
REPLY_DUE = dt.date(2026, 5, 6)


def _accepted(staff: Staff, time_machine: Any) -> Complaint:
    time_machine.move_to(ACCEPTED, tick=False)
    complaint = services.complaint_file(actor=None, source="web", description="诊所无证行医，注射美容后红肿",
                                        region=district("310101"), category="illegal_practice", anonymous=True,
                                        subject_name="某无名诊所")  # fmt: skip
    return services.complaint_accept(actor=staff.manager_a, complaint_id=complaint.pk)


def _extend(staff: Staff, complaint: Complaint, days: Any = 30, **changes: Any) -> Complaint:
    values = {"reason": "涉及多个部门，需联合调查核实", "approver": "王主任", **changes}
    return services.complaint_extend(actor=staff.manager_a, complaint_id=complaint.pk, days=days, **values)


def _due(complaint: Complaint) -> dt.date:
    shown = deadlines.reply_deadline(complaint)
    assert shown is not None and shown.due is not None
    return shown.due.astimezone(SHANGHAI).date()


def test_the_limit_is_the_rules_files(staff: Staff) -> None:
    assert deadlines.extension_limit(dt.date(2026, 3, 2)) == 30
    assert "信访工作条例" in deadlines.extension_basis(dt.date(2026, 3, 2))


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (30, True), (31, False), ("十", False)])
def test_days_at_the_boundary(staff: Staff, time_machine: Any, days: Any, ok: bool) -> None:
    complaint = _accepted(staff, time_machine)
    if ok:
        assert _extend(staff, complaint, days).extension_days == days
        return
    with pytest.raises(ComplaintError) as refused:
        _extend(staff, complaint, days)
    assert set(refused.value.errors) == {"extension_days"} and "延期天数" in refused.value.errors["extension_days"]
    complaint.refresh_from_db()
    assert complaint.extended_at is None


def test_extended_by_30_days_from_the_original_due_day(staff: Staff, time_machine: Any) -> None:
    complaint = _accepted(staff, time_machine)
    assert _due(complaint) == REPLY_DUE
    extended = _extend(staff, complaint, 30)
    assert _due(extended) == dt.date(2026, 6, 5)  # 05-06 + 30 calendar days, a Friday
    shown = deadlines.complaint_deadlines(extended)[-1]
    assert "已批准延期 30 日" in shown.label and "第三十四条" in shown.basis
    event = AuditEvent.objects.filter(action="complaints.complaint.extend", object_id=str(complaint.pk)).get()
    assert event.data["days"] == 30 and event.data["from"] == "2026-05-06" and event.data["to"] == "2026-06-05"
    assert event.data["approver"] == "王主任" and event.actor == "manager_a"


def test_approved_on_the_due_day_but_not_the_day_after(staff: Staff, time_machine: Any) -> None:
    complaint = _accepted(staff, time_machine)
    time_machine.move_to(dt.datetime(2026, 5, 7, 0, 5, tzinfo=SHANGHAI), tick=False)  # the day after
    with pytest.raises(ComplaintError, match="已于 2026-05-06 届满"):
        _extend(staff, complaint)
    time_machine.move_to(dt.datetime(2026, 5, 6, 23, 0, tzinfo=SHANGHAI), tick=False)  # the due day itself
    assert _extend(staff, complaint).extension_days == 30


def test_a_second_extension_is_refused_with_the_reason(staff: Staff, time_machine: Any) -> None:
    complaint = _accepted(staff, time_machine)
    _extend(staff, complaint, 10)
    with pytest.raises(ComplaintError, match="只能延期一次"):
        _extend(staff, complaint, 5)
    complaint.refresh_from_db()
    assert complaint.extension_days == 10 and _due(complaint) == dt.date(2026, 5, 18)  # 05-16 is a Saturday
    assert AuditEvent.objects.filter(action="complaints.complaint.extend").count() == 1


def test_reason_approver_and_role_are_required(staff: Staff, time_machine: Any) -> None:
    complaint = _accepted(staff, time_machine)
    with pytest.raises(ComplaintError) as refused:
        _extend(staff, complaint, 30, reason="", approver=" ")
    assert set(refused.value.errors) == {"extension_reason", "extension_approver"}
    with pytest.raises(Http404):  # an inspector does not approve extensions
        services.complaint_extend(actor=staff.inspector_a, complaint_id=complaint.pk, days=30, reason="情况复杂需要核实",
                                  approver="王主任")  # fmt: skip
    with pytest.raises(Http404):  # another district's manager: as if it did not exist
        services.complaint_extend(actor=staff.manager_b, complaint_id=complaint.pk, days=30, reason="情况复杂需要核实",
                                  approver="王主任")  # fmt: skip


def test_notify_and_the_page_use_the_extended_date(staff: Staff, time_machine: Any) -> None:
    complaint = _accepted(staff, time_machine)
    _extend(staff, complaint, 30)
    notified = [d for _users, _label, url, d in deadline_watch.open_deadlines() if url.endswith(f"/{complaint.pk}/")]
    assert [d.due_date() for d in notified] == [dt.date(2026, 6, 5)]
    client = Client()
    client.force_login(staff.manager_a)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "2026-06-05" in page and "王主任" in page and 'name="extension_days"' not in page  # no second form


def test_the_form_keeps_what_was_typed(staff: Staff, time_machine: Any) -> None:
    complaint = _accepted(staff, time_machine)
    client = Client()
    client.force_login(staff.manager_a)
    url = reverse("complaints:detail", args=[complaint.pk])
    refused = client.post(url, {"action": "extend", "extension_days": "45", "extension_reason": "涉及多个部门联合核查",
                                "extension_approver": "王主任"})  # fmt: skip
    body = refused.content.decode()
    assert refused.status_code == 400 and "涉及多个部门联合核查" in body and 'value="45"' in body
    assert client.post(url, {"action": "extend", "extension_days": "30", "extension_reason": "涉及多个部门联合核查",
                             "extension_approver": "王主任"}).status_code == 302  # fmt: skip
