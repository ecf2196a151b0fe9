"""The cycle a day falls in and the points and thresholds reached in it (pure: dates and numbers in, figures out).

The cycle follows the rule set's ``anchor``:

- ``jiaoyan``: the 校验 period runs from the last passed 校验 on or before the day (else the licence date, else
  1 January of the day's year) for ``jiaoyan_period.years_for(beds)`` years (医疗机构管理条例 art. 22); it resets
  only on the next passed 校验, so an overdue 校验 keeps the points counting. Its *year* is the year, counted
  from the period's start, that the day falls in.
- ``licence_date``: the year since the last anniversary of the licence date, reset on a passed 校验 in it.
- ``calendar_year``: 1 January – 31 December, reset on a passed 校验 in it.

A passed 校验 starts the new cycle on its own date: points for behaviour on that day count in the new cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from weijian.credit.points.rulesets import JiaoyanPeriod, RuleSet, Threshold


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Cycle:
    anchor: str
    period_years: int  # the 校验 period of the institution (1 or 3)
    start: dt.date  # the period's first day
    nominal_end: dt.date  # the period's last day if the 校验 is passed on time
    year_start: dt.date  # the cycle year the day falls in
    year_end: dt.date  # its last day


def cycle_for(anchor: str, on: dt.date, *, beds: int, passes: Iterable[dt.date], licence_from: dt.date | None,
              jiaoyan: JiaoyanPeriod) -> Cycle:  # fmt: skip
    years = jiaoyan.years_for(beds)
    last_pass = max((p for p in passes if p <= on), default=None)
    if anchor == "jiaoyan":
        start = last_pass or (licence_from if licence_from and licence_from <= on else dt.date(on.year, 1, 1))
        k = 0
        while add_years(start, k + 1) <= on:
            k += 1
        year_start = add_years(start, k)
        return Cycle(anchor, years, start, add_years(start, years) - dt.timedelta(days=1), year_start,
                     add_years(year_start, 1) - dt.timedelta(days=1))  # fmt: skip
    if anchor == "licence_date" and licence_from is not None and licence_from <= on:
        k = 0
        while add_years(licence_from, k + 1) <= on:
            k += 1
        begin, end = add_years(licence_from, k), add_years(licence_from, k + 1) - dt.timedelta(days=1)
    else:  # calendar_year (and a licence-date anchor without a licence date)
        begin, end = dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
    if last_pass is not None and last_pass > begin:
        begin = last_pass
    return Cycle(anchor, years, begin, end, begin, end)


@dataclass(frozen=True)
class Scored:
    """One point event as scoring sees it."""

    occurred_on: dt.date
    points: int
    ref: object = None  # the event (or its id) the points come from


@dataclass(frozen=True)
class Reached:
    threshold: Threshold
    points: int  # the points in its window
    reached_on: dt.date  # the day of the event that reached it


@dataclass(frozen=True)
class Standing:
    cycle: Cycle
    period_points: int
    year_points: int
    events: tuple[Scored, ...]  # the events counted in the period, oldest first
    reached: tuple[Reached, ...]

    @property
    def measures(self) -> list[str]:
        return [r.threshold.code for r in self.reached]


def _windows(threshold: Threshold, cycle: Cycle, on: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Where a threshold is counted: ``period`` the whole period; ``year`` each cycle year of the period up to
    ``on`` ("any single year" — an overdue 校验 does not hide a year that passed the threshold)."""
    if threshold.window != "year":
        return [(cycle.start, dt.date.max)]
    out, k = [], 0
    while add_years(cycle.start, k) <= on:
        out.append((add_years(cycle.start, k), add_years(cycle.start, k + 1) - dt.timedelta(days=1)))
        k += 1
    return out


def _reached_on(threshold: Threshold, events: Sequence[Scored]) -> tuple[int, dt.date | None]:
    total, day = 0, None
    for event in events:
        total += event.points
        if day is None and threshold.reached_by(total):
            day = event.occurred_on
    return total, day


def standing(rule_set: RuleSet, events: Iterable[Scored], on: dt.date, *, beds: int, passes: Iterable[dt.date],
             licence_from: dt.date | None, jiaoyan: JiaoyanPeriod) -> Standing:  # fmt: skip
    """The points of the cycle ``on`` falls in (events up to and including ``on``) and the thresholds reached."""
    cycle = cycle_for(rule_set.anchor, on, beds=beds, passes=list(passes), licence_from=licence_from, jiaoyan=jiaoyan)
    counted = sorted((e for e in events if cycle.start <= e.occurred_on <= on), key=lambda e: e.occurred_on)
    in_year = [e for e in counted if cycle.year_start <= e.occurred_on <= cycle.year_end]
    reached: dict[str, Reached] = {}
    pending = [t for t in rule_set.thresholds if t.period_years in ("any", cycle.period_years)]
    windows: dict[str, tuple[dt.date, dt.date]] = {}
    for threshold in sorted(pending, key=lambda t: t.window.startswith("after:")):  # "after:" ones last
        if threshold.window.startswith("after:"):
            first = reached.get(threshold.window[6:])
            if first is None:
                continue
            low, high = windows[first.threshold.code]
            later = [e for e in counted if first.reached_on < e.occurred_on and low <= e.occurred_on <= high]
            total, day = _reached_on(threshold, later)
            if day is not None:
                reached[threshold.code] = Reached(threshold, total, day)
            continue
        for low, high in _windows(threshold, cycle, on):
            total, day = _reached_on(threshold, [e for e in counted if low <= e.occurred_on <= high])
            if day is not None:
                reached[threshold.code], windows[threshold.code] = Reached(threshold, total, day), (low, high)
                break
    ordered = tuple(reached[t.code] for t in rule_set.thresholds if t.code in reached)
    return Standing(cycle, sum(e.points for e in counted), sum(e.points for e in in_year), tuple(counted), ordered)
