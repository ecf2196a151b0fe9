"""The working-day calendar every legal deadline is counted on.

Holidays and 调休 make-up days come from the chinese-calendar package for the years it ships,
and from the rules file ``calendar.yaml`` for years an office adds after the State Council
publishes them. A date in a year known to neither raises :class:`CalendarYearUnknown`: a
deadline is never guessed.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import chinese_calendar

from weijian.i18n import gettext as _
from weijian.rules import loader as rules


class CalendarYearUnknown(LookupError):
    """The working days of this year have not been published (or not added to calendar.yaml)."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _("%(year)d年的法定节假日和调休安排尚未录入工作日历，无法计算该年的期限；"
              "请在国务院公布后将其加入规则文件 calendar.yaml") % {"year": year}
        )


@cache
def _extra_years() -> dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]]:
    data = rules.load("calendar") or {}
    years: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] = {}
    for year, entry in (data.get("years") or {}).items():
        holidays = frozenset(entry.get("holidays") or [])
        workdays = frozenset(entry.get("workdays") or [])
        for day in holidays | workdays:
            if not isinstance(day, dt.date) or day.year != int(year):
                raise rules.RulesError(f"calendar.yaml: {day!r} is not a date of {year}")
        years[int(year)] = (holidays, workdays)
    return years


def _package_years() -> range:
    days = chinese_calendar.holidays.keys()
    return range(min(days).year, max(days).year + 1)


def is_workday(day: dt.date) -> bool:
    """True when ``day`` is a working day (weekday not a holiday, or a 调休 weekend)."""
    extra = _extra_years().get(day.year)
    if extra is not None:
        holidays, workdays = extra
        if day in workdays:
            return True
        if day in holidays:
            return False
        return day.weekday() < 5
    if day.year not in _package_years():
        raise CalendarYearUnknown(day.year)
    return bool(chinese_calendar.is_workday(day))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (the start day itself is not counted).

    This is how 行政处罚法-style "N个工作日" limits are counted: the period starts the next day.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in ``(start, end]``: how many have elapsed from ``start`` to ``end``."""
    if end <= start:
        return 0
    return sum(1 for n in range(1, (end - start).days + 1) if is_workday(start + dt.timedelta(days=n)))


def clear_cache() -> None:
    _extra_years.cache_clear()
