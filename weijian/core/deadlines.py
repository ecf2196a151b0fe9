"""Legal time limits (期限) of complaints, cases, crime transfers and 督办, from ``rules/data/deadlines.yaml``.

A deadline is looked up by its code (``case.pay``) as of the day it starts, and computed when read; nothing
is stored but the start. How a limit is counted:

- **The start day does not count** (行政处罚法 art. 85 with 民事诉讼法 art. 85: 期间开始的日不计算在期间内): a
  15-day limit starting on the 1st ends on the 16th.
- ``working_days``: only working days of the calendar count (:mod:`weijian.core.workdays`: holidays are skipped,
  调休 Saturdays and Sundays count). 行政处罚法 art. 85 makes its "二日""三日""五日""七日" working days.
- ``calendar_days``: every day counts; a limit whose last day is a rest day ends on the next working day
  (民事诉讼法 art. 85, by analogy). The 15-day payment (art. 67) and 90-day decision (art. 60) limits run so.
- ``hours``: exact, from the start moment (国务院令310 art. 5: transfer within 24 hours); the start must be a
  datetime.
- Day limits end at the end of the due day, Asia/Shanghai time.
- ``direction: before`` (e.g. ``case.hearing_notice``, 行政处罚法 art. 64(2) "举行听证的七日前"): the act is due on
  the ``amount``-th unit before the event, the event day not counted — the latest day from which the event is
  still ``amount`` units away. Read with :func:`deadline_before`; a calendar day that is a rest day moves *earlier*
  to the previous working day.

``warn`` (same unit) says how long before the due day a deadline is ``due_soon``. A due date in a year whose
holidays nobody has published raises :class:`~weijian.core.workdays.CalendarYearUnknown`; :func:`state_of`
turns that into :attr:`DeadlineState.UNKNOWN` for pages (never a 500).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from weijian.core import workdays
from weijian.core.workdays import CalendarYearUnknown
from weijian.i18n import gettext as _
from weijian.i18n import in_language
from weijian.rules import loader

__all__ = [
    "CODES", "FILE", "UNITS", "CalendarYearUnknown", "Deadline", "DeadlineState", "check", "counts_before", "deadline",
    "deadline_before", "deadline_or_reason", "due_date", "state_of",
]  # fmt: skip

FILE = "deadlines"
TZ = ZoneInfo("Asia/Shanghai")
UNITS = ("working_days", "calendar_days", "hours")
DIRECTIONS = ("after", "before")
FIELDS = ("amount", "unit", "warn", "direction", "label", "label_en")
CODES = (
    "complaint.accept", "complaint.reply", "complaint.reply_extension",
    "case.register", "case.statement", "case.hearing_request", "case.hearing_notice", "case.decide",
    "case.decide_extension", "case.serve_decision", "case.pay", "case.evidence_preservation", "case.cash_handover",
    "crime.approve", "crime.transfer", "crime.police_review", "crime.reconsider_request", "crime.reconsider_answer",
    "crime.procuratorate", "crime.hand_over",
    "transfer.receipt", "transfer.answer",
    "supervision.report",
    "credit.points_notice", "credit.objection", "credit.objection_decide",
    "credit.list_defence", "credit.repair_review", "credit.cross_region_review",
)  # fmt: skip


class DeadlineState(StrEnum):
    OK = "ok"
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Deadline:
    code: str
    start: dt.datetime  # aware; for a "before" deadline, the event it counts back from
    due: dt.datetime  # aware; day units: the end of the due day, Asia/Shanghai
    amount: int
    unit: str
    warn: int
    label: str  # Chinese, as in the rules file
    basis: str
    label_en: str = ""

    def display_label(self) -> str:
        """The label in the active language."""
        return in_language(self.label, self.label_en)

    def due_date(self) -> dt.date:
        return self.due.astimezone(TZ).date()

    def warn_from(self) -> dt.datetime:
        """The moment the deadline becomes ``due_soon`` (the start of that day for day units)."""
        if self.unit == "hours":
            return self.due - dt.timedelta(hours=self.warn)
        day = self.due_date()
        if self.unit == "working_days":
            day = _working_days_back(day, self.warn)
        else:
            day -= dt.timedelta(days=self.warn)
        return dt.datetime.combine(day, dt.time.min, TZ)

    def state(self, now: dt.datetime | None = None) -> DeadlineState:
        """ok / due_soon / due_today / overdue as of ``now`` (default: :func:`django.utils.timezone.now`; a naive
        ``now`` is read as Asia/Shanghai time)."""
        if now is None:
            from django.utils import timezone

            now = timezone.now()
        now = _aware(now)
        if now > self.due:
            return DeadlineState.OVERDUE
        if now.astimezone(TZ).date() == self.due_date():
            return DeadlineState.DUE_TODAY
        if self.warn and now >= self.warn_from():
            return DeadlineState.DUE_SOON
        return DeadlineState.OK


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=TZ)


def _start_moment(start: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(start, dt.datetime):
        return _aware(start)
    return dt.datetime.combine(start, dt.time.min, TZ)


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, TZ)


def _working_days_back(day: dt.date, days: int) -> dt.date:
    """The ``days``-th working day before ``day`` (``day`` itself not counted)."""
    current, remaining = day, days
    while remaining:
        current -= dt.timedelta(days=1)
        if workdays.is_workday(current):
            remaining -= 1
    return current


def _rule(code: str, on: dt.date) -> tuple[dict[str, object], str]:
    if code not in CODES:
        raise loader.RulesError(_("未知的期限代码 %(code)r（见 deadlines.yaml）") % {"code": code})
    fields = {name: loader.resolve(FILE, f"{code}.{name}", on) for name in FIELDS}
    basis = fields["amount"].basis or ""
    return {name: found.value for name, found in fields.items()}, basis


def _make(code: str, start: dt.datetime | dt.date, amount: int | None, direction: str) -> Deadline:
    moment = _start_moment(start)
    rule, basis = _rule(code, moment.astimezone(TZ).date())
    if rule["direction"] != direction:
        raise ValueError(
            _("期限 %(code)r 应使用 %(function)s 计算") % {
                "code": code, "function": "deadline_before()" if rule["direction"] == "before" else "deadline()",
            }
        )
    unit = str(rule["unit"])
    if unit not in UNITS:
        raise loader.RulesError(_("deadlines.yaml：%(code)s 的 unit %(unit)r 不是 %(units)s 之一")
                                % {"code": code, "unit": unit, "units": ", ".join(UNITS)})
    count = int(rule["amount"]) if amount is None else amount  # type: ignore[call-overload]
    if count < 0:
        raise ValueError(_("期限天数 amount 不能为负数"))
    sign = 1 if direction == "after" else -1
    if unit == "hours":
        if not isinstance(start, dt.datetime):
            raise ValueError(_("按小时计算的期限 %(code)s 需要开始时间（日期和时刻），不能只给日期") % {"code": code})
        due = moment + sign * dt.timedelta(hours=count)
    else:
        day = moment.astimezone(TZ).date()
        if unit == "working_days":
            day = workdays.add_working_days(day, count) if sign > 0 else _working_days_back(day, count)
        else:
            day += sign * dt.timedelta(days=count)
            while not workdays.is_workday(day):
                day += sign * dt.timedelta(days=1)
        due = _end_of(day)
    return Deadline(
        code=code, start=moment, due=due, amount=count, unit=unit, warn=int(rule["warn"]),  # type: ignore[call-overload]
        label=str(rule["label"]), basis=basis, label_en=str(rule["label_en"] or ""),
    )


def deadline(code: str, start: dt.datetime | dt.date, *, amount: int | None = None) -> Deadline:
    """The deadline ``code`` running from ``start``, under the rules in force on the start day.

    ``amount`` replaces the rules' figure where the law lets the office set it (an approved extension). Raises
    :class:`CalendarYearUnknown` when the due day falls in a year whose holidays are not published.
    """
    return _make(code, start, amount, "after")


def deadline_or_reason(code: str, start: dt.datetime | dt.date) -> tuple[Deadline | None, str | None]:
    """:func:`deadline`, or ``(None, why)`` while the working-day calendar does not know the due day's year: for a
    record that is made now and counts its day again later (never guessed, never a 500). ``why`` is at most 200
    characters, fit for the record's rules."""
    try:
        return deadline(code, start), None
    except CalendarYearUnknown as exc:
        return None, str(exc)[:200]


def deadline_before(code: str, event: dt.datetime | dt.date) -> Deadline:
    """The latest day to act before ``event`` (e.g. ``case.hearing_notice``: notify 7 working days before)."""
    return _make(code, event, None, "before")


def counts_before(code: str, on: dt.date) -> bool:
    """Whether ``code`` is counted back from an event (``direction: before``, read with :func:`deadline_before`)."""
    _rule(code, on)  # refuses an unknown code
    return bool(loader.value(FILE, f"{code}.direction", on) == "before")


def due_date(code: str, start: dt.date, *, amount: int | None = None) -> dt.date:
    """The due day of a day-unit deadline ``code`` starting on ``start`` (for lists and the rules' YAML cases)."""
    return deadline(code, start, amount=amount).due_date()


def state_of(
    code: str, start: dt.datetime | dt.date, *, now: dt.datetime | None = None, amount: int | None = None,
    before: bool = False,
) -> DeadlineState:
    """The state of a deadline for a page or a list: ``unknown`` (not an error) when the calendar cannot tell, or
    when no rule was in force on the start day (a record older than the rules file)."""
    try:
        found = deadline_before(code, start) if before else deadline(code, start, amount=amount)
        return found.state(now)
    except CalendarYearUnknown:
        return DeadlineState.UNKNOWN
    except loader.RulesError as exc:
        if "no value in force" in str(exc):
            return DeadlineState.UNKNOWN
        raise


def check() -> None:
    """Refuse ``deadlines.yaml`` (bundled or an office's) unless it has exactly the declared codes and fields."""
    loader.check_keys(FILE, [f"{code}.{name}" for code in CODES for name in FIELDS])
    problems = []
    for code in CODES:
        for version in loader.versions(FILE, f"{code}.unit"):
            if version.value not in UNITS:
                problems.append(f"{code}.unit {version.value!r}")
        for version in loader.versions(FILE, f"{code}.direction"):
            if version.value not in DIRECTIONS:
                problems.append(f"{code}.direction {version.value!r}")
    if problems:
        raise loader.RulesError(_("deadlines.yaml：取值无效 %(problems)s") % {"problems": "; ".join(problems)})
