"""The archive page and the objection forms, as the officer and the institution use them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from weijian.core.models import Role
from weijian.credit.models import CreditGrade, Objection, PointEvent
from weijian.registry.models import Institution

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_officer_scores_institution_objects_officer_decides(penalised: Institution, make_user: Any) -> None:
    officer = client_of(make_user("wang", role=Role.INSPECTOR))
    owner = client_of(make_user("owner", role=Role.INSTITUTION_USER, region=None, department=None, institution=penalised))
    today = dt.date.today().isoformat()
    for item in ("L07", "L08", "L03"):
        officer.post(f"/credit/institutions/{penalised.pk}/points/", {"item": item, "occurred_on": today})
    page = officer.get(f"/credit/institutions/{penalised.pk}/").content.decode()
    assert "14 分" in page and "年底暂缓校验" in page and "信用等级 C" in page
    notice = PointEvent.objects.get(item_code="L03").notice
    officer.post(f"/credit/notices/{notice.pk}/send/", {"sent_on": today})
    response = owner.post(f"/credit/notices/{notice.pk}/objection/", {"filed_on": today, "grounds": "已整改并非变更"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert owner.post(f"/credit/objections/{objection.pk}/", {"decision": "upheld", "reasons": "x" * 5,
                                                              "decided_on": today}).status_code == 200  # fmt: skip
    assert not Objection.objects.get().decision, "the institution cannot decide its own objection"
    officer.post(f"/credit/objections/{objection.pk}/", {"decision": "upheld", "reasons": "核实属实", "decided_on": today})
    assert Objection.objects.get().decision == "upheld"
    assert CreditGrade.objects.filter(institution=penalised).latest("pk").score == 34.0  # 10 + 2 × 12
    outsider = client_of(make_user("zhao", role=Role.INSPECTOR, region="310104"))
    assert outsider.get(f"/credit/institutions/{penalised.pk}/").status_code == 404
    assert "待送达记分通知书" in officer.get("/").content.decode(), "the workbench card (two notices unserved)"


def test_deadlines_in_a_year_the_calendar_lacks_are_left_open_and_nothing_is_refused(
        penalised: Institution, make_user: Any, time_machine: Any) -> None:  # fmt: skip
    time_machine.move_to(dt.datetime(2099, 12, 28, 10, tzinfo=SHANGHAI))  # a year the calendar does not know
    officer = client_of(make_user("wang", role=Role.INSPECTOR))
    owner = client_of(make_user("owner", role=Role.INSTITUTION_USER, region=None, department=None, institution=penalised))
    today = "2099-12-28"
    assert officer.post(f"/credit/institutions/{penalised.pk}/points/", {"item": "L03", "occurred_on": today}
                        ).status_code == 302  # fmt: skip
    notice = PointEvent.objects.get().notice
    assert notice.due_on is None and "calendar.yaml" in notice.rules["note"]
    assert "期限无法计算" in officer.get(f"/credit/institutions/{penalised.pk}/").content.decode()
    assert "期限无法计算" in officer.get("/").content.decode(), "the workbench card names the open day"
    officer.post(f"/credit/notices/{notice.pk}/send/", {"sent_on": today})
    notice.refresh_from_db()
    assert notice.sent_on == dt.date(2099, 12, 28) and not notice.sent_late
    assert "期限无法计算" in owner.get(f"/credit/notices/{notice.pk}/objection/").content.decode()
    response = owner.post(f"/credit/notices/{notice.pk}/objection/", {"filed_on": today, "grounds": "已整改"})
    assert response.status_code == 302, "a limit nobody can count refuses nobody"
    objection = Objection.objects.get()
    assert objection.decide_due is None and objection.rules["filed_by_due"] is None
    assert "期限无法计算" in officer.get(f"/credit/objections/{objection.pk}/").content.decode()
    officer.post(f"/credit/objections/{objection.pk}/", {"decision": "rejected", "reasons": "核实不属实",
                                                         "decided_on": today})  # fmt: skip
    objection.refresh_from_db()
    assert objection.decision == "rejected" and not objection.decided_late


def test_an_open_notice_day_is_counted_once_the_calendar_has_its_year(
        penalised: Institution, make_user: Any, time_machine: Any, tmp_path: Any, monkeypatch: Any) -> None:  # fmt: skip
    from weijian.core import workdays
    from weijian.credit import services
    from weijian.rules import loader

    time_machine.move_to(dt.datetime(2099, 12, 28, 10, tzinfo=SHANGHAI))
    officer = make_user("wang", role=Role.INSPECTOR)
    event = services.point_event_record(actor=officer, institution=penalised, item_code="L03",
                                        occurred_on=dt.date(2099, 12, 28))  # fmt: skip
    assert event.notice.due_on is None
    (tmp_path / "calendar.yaml").write_text("years:\n  2099: {holidays: [], workdays: []}\n"
                                            "  2100: {holidays: [2100-01-01], workdays: []}\n", encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))  # the office adds the year
    loader.clear_cache()
    workdays.clear_cache()
    try:
        notice = services.notice_send(actor=officer, notice=event.notice, sent_on=dt.date(2100, 1, 13))
    finally:
        monkeypatch.delenv("WEIJIAN_RULES_DIR")
        loader.clear_cache()
        workdays.clear_cache()
    notice.refresh_from_db()
    # 10 working days after Mon 2099-12-28: 29–31 Dec, 1 Jan a holiday, 4–8 and 11–12 Jan
    assert notice.due_on == dt.date(2100, 1, 12) and notice.sent_late and "note" not in notice.rules


def test_a_bad_date_is_named_and_nothing_is_saved(penalised: Institution, make_user: Any) -> None:
    officer = client_of(make_user("wang", role=Role.INSPECTOR))
    response = officer.post(f"/credit/institutions/{penalised.pk}/points/", {"item": "L07", "occurred_on": "2026-13-01"},
                            follow=True)  # fmt: skip
    assert "行为日期：日期格式应为 YYYY-MM-DD" in response.content.decode() and not PointEvent.objects.exists()
    listing = officer.get("/credit/", {"grade": "B"}).content.decode()
    assert penalised.name not in listing, "not graded yet"
