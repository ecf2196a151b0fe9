"""The demo hook: five cases of the demo district at different stages, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from weijian.cases.demo import demo_cases_setup
from weijian.cases.models import Case, Supervision, Transfer
from weijian.core.models import Department, Region, Role
from weijian.registry.models import Inspector

pytestmark = pytest.mark.django_db


def _demo_people(make_user: Any) -> None:
    """The demo's manager and city office, and two officers of the fixture's district with a valid 执法证."""
    make_user("district_manager", role=Role.DISTRICT_MANAGER)
    make_user("city_admin", role=Role.CITY_ADMIN, region="310000")
    for n in (1, 2):
        Inspector.objects.create(badge_no=f"D{n}", name=f"演示{n}", department=Department.objects.get(code="health"),
                                 region=Region.objects.get(code="310101"), badge_valid_from=dt.date(2020, 1, 1))  # fmt: skip


def test_demo_cases_are_made_once(registry: dict[str, str], make_user: Any, time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    _demo_people(make_user)
    lines = demo_cases_setup()
    assert "新建 2 件" in lines[0], lines  # the fixture's district has two institutions
    assert sorted(Case.objects.values_list("state", flat=True)) == ["notified", "registered"]
    assert Transfer.objects.filter(kind="department").count() == 1 and Supervision.objects.count() == 1
    assert "新建 0 件" in demo_cases_setup()[0]
    assert Case.objects.count() == 2


def test_a_demo_story_whose_step_is_refused_stops_there_and_says_so(
        registry: dict[str, str], make_user: Any, time_machine: Any, monkeypatch: Any) -> None:  # fmt: skip
    from weijian.cases import services

    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    _demo_people(make_user)

    def refused(**_kw: Any) -> None:  # late in December: the notice's time limit reaches a year the calendar lacks
        raise services.CaseError("行政处罚事先告知书：缺少必填内容 陈述申辩期限（statement_deadline）")

    monkeypatch.setattr(services, "case_notify", refused)
    lines = demo_cases_setup()
    assert "新建 2 件" in lines[0] and len(lines) == 2 and "停在立案" in lines[1] and "陈述申辩期限" in lines[1], lines
    # the referral needs no notice; the notified story stops before it, its investigation step undone with it
    assert sorted(Case.objects.values_list("state", flat=True)) == ["registered", "registered"]
    assert Transfer.objects.filter(kind="department").count() == 1 and not Supervision.objects.exists()
