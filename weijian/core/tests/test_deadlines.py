"""Every legal time limit at its boundary, in the unit the rules file gives it, across the 2026 Spring Festival.

2026 calendar used below: 02-14 (Sat) and 02-28 (Sat) are 调休 working days; 02-15 … 02-23 are the Spring
Festival days off; 03-01 is a Sunday. Working days after Friday 02-13: 02-14 (1), 02-24 (2), 02-25 (3), 02-26 (4),
02-27 (5), 02-28 (6), 03-02 (7). The expected days are written out by hand, not computed by the module under test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from weijian.core import checks, deadlines, workdays
from weijian.core.deadlines import DeadlineState as S
from weijian.rules import loader

D = dt.date
TZ = deadlines.TZ

# (code, unit, amount) as the law gives them; the case.* codes are tested in weijian/cases/tests/test_deadlines.py.
OTHER_CODES = [
    ("complaint.accept", "working_days", 7),
    ("complaint.reply", "calendar_days", 60),
    ("complaint.reply_extension", "calendar_days", 30),
    ("crime.approve", "calendar_days", 3),
    ("crime.transfer", "hours", 24),
    ("crime.police_review", "calendar_days", 3),
    ("crime.reconsider_request", "calendar_days", 3),
    ("crime.reconsider_answer", "calendar_days", 3),
    ("crime.procuratorate", "calendar_days", 3),
    ("crime.hand_over", "calendar_days", 3),
    ("transfer.receipt", "working_days", 3),
    ("transfer.answer", "calendar_days", 30),
    ("supervision.report", "calendar_days", 30),
    ("credit.list_defence", "working_days", 7),
    ("credit.repair_review", "working_days", 10),
    ("credit.cross_region_review", "calendar_days", 30),
    ("credit.points_notice", "working_days", 10),
    ("credit.objection", "working_days", 5),
    ("credit.objection_decide", "working_days", 10),
]

# Working-day limits started on Friday 2026-02-13: (amount → (working day before, due day, working day after)).
WORKING_FROM_0213 = {
    2: (D(2026, 2, 14), D(2026, 2, 24), D(2026, 2, 25)),  # the day before is the 调休 Saturday, across the holiday
    3: (D(2026, 2, 24), D(2026, 2, 25), D(2026, 2, 26)),
    5: (D(2026, 2, 26), D(2026, 2, 27), D(2026, 2, 28)),  # the day after is the 调休 Saturday 02-28
    7: (D(2026, 2, 28), D(2026, 3, 2), D(2026, 3, 3)),  # the day before is the 调休 Saturday 02-28
    10: (D(2026, 3, 4), D(2026, 3, 5), D(2026, 3, 6)),
}


def at(day: dt.date, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ)


def assert_day_boundary(found: deadlines.Deadline, before: dt.date, due: dt.date, after: dt.date) -> None:
    """Due at the end of ``due``; not yet due on ``before``; overdue from the start of ``after``."""
    assert found.due_date() == due, (found.code, found.due_date(), due)
    assert found.due == dt.datetime.combine(due, dt.time.max, TZ)
    assert found.state(at(before, 23, 59, 59)) in (S.OK, S.DUE_SOON)
    assert found.state(at(due)) == S.DUE_TODAY
    assert found.state(at(due, 23, 59, 59)) == S.DUE_TODAY
    assert found.state(at(after)) == S.OVERDUE
    assert found.state(at(due) + dt.timedelta(days=1)) == S.OVERDUE


def assert_code_boundaries(code: str, unit: str, amount: int) -> None:
    """The boundary checks of one code in its unit: across the Spring Festival and on a 调休 Saturday."""
    if unit == "working_days":
        found = deadlines.deadline(code, D(2026, 2, 13))
        assert (found.unit, found.amount) == (unit, amount)
        assert_day_boundary(found, *WORKING_FROM_0213[amount])
    elif unit == "calendar_days":
        # Nominal last day 02-16 is a holiday: the limit ends on the next working day, 02-24.
        found = deadlines.deadline(code, D(2026, 2, 16) - dt.timedelta(days=amount))
        assert (found.unit, found.amount) == (unit, amount)
        assert_day_boundary(found, D(2026, 2, 23), D(2026, 2, 24), D(2026, 2, 25))
        # Nominal last day 02-14 is a 调休 Saturday, a working day: the limit ends on it.
        found = deadlines.deadline(code, D(2026, 2, 14) - dt.timedelta(days=amount))
        assert_day_boundary(found, D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 15))
    else:
        assert unit == "hours"
        start = at(D(2026, 2, 13), 18, 30)  # Friday evening: the hours run through the 调休 Saturday unchanged
        found = deadlines.deadline(code, start)
        assert (found.unit, found.amount) == (unit, amount)
        due = start + dt.timedelta(hours=amount)
        assert found.due == due
        assert found.state(due - dt.timedelta(days=1)) == S.OK
        assert found.state(due - dt.timedelta(hours=found.warn, seconds=-1)) == S.DUE_TODAY
        assert found.state(due) == S.DUE_TODAY
        assert found.state(due + dt.timedelta(seconds=1)) == S.OVERDUE
        over_holiday = deadlines.deadline(code, at(D(2026, 2, 16), 10))  # a holiday does not stop the clock
        assert over_holiday.due == at(D(2026, 2, 16), 10) + dt.timedelta(hours=amount)


@pytest.mark.parametrize(("code", "unit", "amount"), OTHER_CODES, ids=[c for c, _, _ in OTHER_CODES])
def test_code_at_its_boundary(code: str, unit: str, amount: int) -> None:
    assert_code_boundaries(code, unit, amount)


def test_every_code_is_tested_somewhere() -> None:
    from weijian.cases.tests.test_deadlines import CASE_CODES

    tested = [c for c, _, _ in OTHER_CODES] + [c for c, _, _ in CASE_CODES] + ["case.hearing_notice"]
    assert sorted(tested) == sorted(deadlines.CODES)  # case.hearing_notice: its own test (counted before)


def test_bundled_file_has_exactly_the_declared_codes() -> None:
    deadlines.check()
    for code in deadlines.CODES:
        found = deadlines.deadline_before(code, at(D(2026, 3, 3), 9)) if code == "case.hearing_notice" \
            else deadlines.deadline(code, at(D(2026, 3, 3), 9))
        assert found.label and found.label_en and found.basis, code


def test_label_in_the_active_language_and_a_naive_clock() -> None:
    from django.utils import translation

    found = deadlines.deadline("case.pay", D(2026, 2, 1))
    with translation.override("en"):
        assert found.display_label() == "Pay the fine (from receipt of the decision)"
    with translation.override("zh-hans"):
        assert found.display_label() == found.label == "缴纳罚款（自收到决定书之日起）"
    assert found.state(dt.datetime(2026, 2, 24, 23, 0)) == S.DUE_TODAY  # naive: read as Asia/Shanghai


def test_hours_need_a_moment_not_a_day() -> None:
    with pytest.raises(ValueError, match="开始时间"):
        deadlines.deadline("crime.transfer", D(2026, 2, 13))


def test_warning_starts_warn_units_before_the_due_day() -> None:
    # complaint.accept: 7 working days from 02-13 → 03-02; warn 2 working days → due soon from 02-27 (02-28 is one).
    found = deadlines.deadline("complaint.accept", D(2026, 2, 13))
    assert found.warn == 2
    assert found.state(at(D(2026, 2, 26), 23, 59)) == S.OK
    assert found.state(at(D(2026, 2, 27))) == S.DUE_SOON
    assert found.state(at(D(2026, 3, 1), 12)) == S.DUE_SOON
    # complaint.reply: 60 calendar days from 2025-12-16 → 2026-02-14; warn 10 → due soon from 02-04.
    reply = deadlines.deadline("complaint.reply", D(2025, 12, 16))
    assert reply.state(at(D(2026, 2, 3), 23, 59)) == S.OK
    assert reply.state(at(D(2026, 2, 4))) == S.DUE_SOON


def test_state_reads_the_settable_clock() -> None:
    found = deadlines.deadline("transfer.receipt", D(2026, 2, 13))  # due 02-25
    with time_machine.travel(at(D(2026, 2, 20), 10), tick=False):
        assert found.state() == S.OK
    with time_machine.travel(at(D(2026, 2, 24), 10), tick=False):
        assert found.state() == S.DUE_SOON
    with time_machine.travel(at(D(2026, 2, 25), 17), tick=False):
        assert found.state() == S.DUE_TODAY
    with time_machine.travel(at(D(2026, 2, 26), 8), tick=False):
        assert found.state() == S.OVERDUE


def test_a_year_nobody_published_is_unknown_not_guessed() -> None:
    with pytest.raises(workdays.CalendarYearUnknown):
        deadlines.deadline("complaint.accept", D(2026, 12, 28))  # 7 working days reach into 2027
    assert deadlines.state_of("complaint.accept", D(2026, 12, 28), now=at(D(2026, 12, 29))) == S.UNKNOWN
    assert deadlines.state_of("complaint.reply", D(2026, 11, 20), now=at(D(2026, 12, 1))) == S.UNKNOWN
    assert deadlines.state_of("complaint.accept", D(2026, 2, 13), now=at(D(2026, 3, 3))) == S.OVERDUE
    assert deadlines.state_of("case.pay", D(2021, 7, 1), now=at(D(2021, 7, 2))) == S.UNKNOWN  # before the rules
    with pytest.raises(loader.RulesError):
        deadlines.state_of("case.payment", D(2026, 2, 13))
    found, why = deadlines.deadline_or_reason("complaint.accept", D(2099, 3, 2))
    assert found is None and why and "2099" in why and len(why) <= 200
    found, why = deadlines.deadline_or_reason("transfer.receipt", D(2026, 2, 13))
    assert why is None and found is not None and found.due_date() == D(2026, 2, 25)


def test_unknown_code_and_wrong_direction_are_refused() -> None:
    with pytest.raises(loader.RulesError, match=r"case\.payment"):
        deadlines.deadline("case.payment", D(2026, 2, 13))
    with pytest.raises(ValueError, match="deadline_before"):
        deadlines.deadline("case.hearing_notice", D(2026, 2, 13))
    with pytest.raises(ValueError, match=r"deadline\(\)"):
        deadlines.deadline_before("case.pay", D(2026, 2, 13))


def test_office_override_with_a_misspelt_field_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (loader.BUNDLED_DIR / "deadlines.yaml").read_text(encoding="utf-8")
    (tmp_path / "deadlines.yaml").write_text(text.replace("unit: hours", "units: hours", 1), encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))
    try:
        with pytest.raises(loader.RulesError, match=r"crime\.transfer"):
            deadlines.check()
        assert [e.id for e in checks.deadlines_file()] == ["weijian.E020"]  # refused at start-up too
        (tmp_path / "deadlines.yaml").write_text(text.replace("unit: hours", "unit: minutes", 1), encoding="utf-8")
        with pytest.raises(loader.RulesError, match="minutes"):
            deadlines.check()
    finally:
        monkeypatch.delenv("WEIJIAN_RULES_DIR")
        loader.clear_cache()
    assert checks.deadlines_file() == []
