"""医保支付资格 points of a practitioner (医保发〔2024〕23号, ``rules/data/insurance_points.yaml``), pure figures.

Points count per natural year across every institution and region where the practitioner works (一医一档). At
``suspension_from`` points a suspension of the months the office configures is proposed; at ``termination_at``
the termination, with the re-registration bar: ``bar_years_single_event`` when one event carried them all, else
``bar_years_cumulative``, counted from the day the total was reached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from weijian.credit.points.scoring import add_years
from weijian.i18n import gettext as _
from weijian.rules import loader

FILE = "insurance_points"
BANDS = ("light", "general", "serious", "grave")


class InsurancePointsError(ValueError):
    """Points that do not fit the band, or a band that does not exist; the message names it (Chinese)."""


@dataclass(frozen=True)
class Band:
    code: str
    min: int
    max: int
    label: str
    label_en: str


def bands(on: dt.date) -> dict[str, Band]:
    found = loader.resolve(FILE, "bands", on).value
    return {code: Band(code, int(found[code]["min"]), int(found[code]["max"]), found[code]["label"],
                       found[code]["label_en"]) for code in BANDS}  # fmt: skip


def rules(on: dt.date) -> dict[str, Any]:
    return dict(loader.resolve(FILE, "rules", on).value)


def check_points(band: str, points: int, on: dt.date) -> Band:
    """The band, if ``points`` lie in it; refused naming the band and its range otherwise."""
    table = bands(on)
    if band not in table:
        raise InsurancePointsError(_("记分档次：%(band)s 不存在") % {"band": band})
    found = table[band]
    if not found.min <= points <= found.max:
        raise InsurancePointsError(_("记分：%(label)s 档为 %(low)s—%(high)s 分，%(points)s 分不在其中")
                                   % {"label": found.label, "low": found.min, "high": found.max, "points": points})
    return found


@dataclass(frozen=True)
class InsuranceStanding:
    year: int
    points: int
    measure: str  # "" | suspension | termination
    suspension_months: int | None
    reached_on: dt.date | None  # the day the measure's total was reached
    bar_years: int | None
    bar_until: dt.date | None  # the last day re-registration is barred
    single_event: bool


def insurance_standing(events: Iterable[tuple[dt.date, int]], on: dt.date) -> InsuranceStanding:
    """The natural year of ``on``: points up to ``on``, and the measure proposed."""
    r = rules(on)
    counted = sorted((day, pts) for day, pts in events if day.year == on.year and day <= on)
    total, suspension_day, termination_day, single = 0, None, None, False
    for day, pts in counted:
        total += pts
        if suspension_day is None and total >= int(r["suspension_from"]):
            suspension_day = day
        if termination_day is None and total >= int(r["termination_at"]):
            termination_day, single = day, pts >= int(r["termination_at"])
    if termination_day is not None:
        years = int(r["bar_years_single_event"] if single else r["bar_years_cumulative"])
        return InsuranceStanding(on.year, total, "termination", None, termination_day, years,
                                 add_years(termination_day, years), single)  # fmt: skip
    if suspension_day is not None:
        months = {int(k): int(v) for k, v in r["suspension_months"].items()}
        return InsuranceStanding(on.year, total, "suspension", months.get(total, max(months.values())), suspension_day,
                                 None, None, False)  # fmt: skip
    return InsuranceStanding(on.year, total, "", None, None, None, None, False)


def standing_summary(events: list[list[Any]], on: dt.date) -> dict[str, Any]:
    """For the rules YAML cases: ``events`` as ``[[date, points], …]``."""
    s = insurance_standing([(e[0], int(e[1])) for e in events], on)
    return {"points": s.points, "measure": s.measure, "months": s.suspension_months,
            "bar_until": s.bar_until}  # fmt: skip
