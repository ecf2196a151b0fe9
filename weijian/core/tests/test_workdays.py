import datetime as dt
from pathlib import Path

import pytest

from weijian.core import workdays
from weijian.rules import loader

D = dt.date


def test_national_day_week_and_make_up_days_2026() -> None:
    assert not workdays.is_workday(D(2026, 10, 1))
    assert not workdays.is_workday(D(2026, 10, 7))
    assert workdays.is_workday(D(2026, 10, 10))  # Saturday 调休 make-up day
    assert workdays.is_workday(D(2026, 10, 8))


def test_add_working_days_skips_weekends_and_holidays() -> None:
    # Thursday 2026-09-24 + 3: 09-25 is 中秋节 (Friday), then the weekend, so 09-28, 09-29, 09-30.
    assert workdays.add_working_days(D(2026, 9, 24), 3) == D(2026, 9, 30)
    assert workdays.is_workday(D(2026, 9, 20))  # a Sunday worked as 调休
    # From 2026-09-30, the next working day is after the National Day week.
    assert workdays.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert workdays.add_working_days(D(2026, 11, 20), 0) == D(2026, 11, 20)


def test_working_days_between_counts_elapsed_days() -> None:
    assert workdays.working_days_between(D(2026, 11, 20), D(2026, 11, 27)) == 5


def test_unpublished_year_is_refused_not_guessed() -> None:
    with pytest.raises(workdays.CalendarYearUnknown) as info:
        workdays.add_working_days(D(2026, 12, 24), 10)
    assert info.value.year == 2027
    assert "2027" in str(info.value)


def test_office_can_add_a_year_through_the_rules_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "calendar.yaml").write_text(
        "years:\n  2027:\n    basis: test\n    holidays: [2027-01-01]\n    workdays: [2027-01-09]\n", encoding="utf-8"
    )
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))
    loader.clear_cache()
    workdays.clear_cache()
    try:
        assert not workdays.is_workday(D(2027, 1, 1))
        assert workdays.is_workday(D(2027, 1, 9))  # a Saturday made a working day
        assert workdays.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    finally:
        monkeypatch.delenv("WEIJIAN_RULES_DIR")
        loader.clear_cache()
        workdays.clear_cache()


def test_the_check_warns_while_the_coming_months_fall_in_an_unknown_year(monkeypatch: pytest.MonkeyPatch) -> None:
    from weijian.core.checks import calendar_years_known

    last = max(workdays._package_years())  # the last year the calendar package knows
    monkeypatch.setattr(workdays, "_extra_years", lambda: {})
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(last, 12, 1))
    warned = calendar_years_known()
    assert [w.id for w in warned] == ["weijian.W002"] and str(last + 1) in warned[0].msg
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(last, 6, 1))  # 120 days stay in the year
    assert calendar_years_known() == []
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(last, 12, 1))
    monkeypatch.setattr(workdays, "_extra_years", lambda: {last + 1: (frozenset(), frozenset())})  # an office added it
    assert calendar_years_known() == []
