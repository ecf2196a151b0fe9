"""The credit grade A–D from an institution's archive and its bad-practice points only (``credit_grade.yaml``).

Pure: records and points in, the score, grade and its reasons out. Credit never reads the platform's supervision
grade (``risk/``); the platform grade reads this one (:func:`weijian.credit.selectors.credit_signals`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from weijian.i18n import gettext as _
from weijian.rules import loader

FILE = "credit_grade"
CATEGORIES = ("penalty", "inspection_result", "alert", "complaint", "commitment", "award", "other")
SEVERITIES = ("minor", "general", "serious", "specially_serious")
GRADES = ("A", "B", "C", "D")


class GradeRulesError(loader.RulesError):
    """A grade rule file that is malformed: overlapping bands, a gap, an unknown grade — named."""


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min: float
    max: float | None
    label: str
    label_en: str


def check_bands(raw: Any, where: str = "credit_grade.yaml") -> list[GradeBand]:
    """The bands, A … D in order, from 0 with neither gap nor overlap; refused naming the band otherwise."""
    if not isinstance(raw, list) or [b.get("grade") for b in raw if isinstance(b, dict)] != list(GRADES):
        raise GradeRulesError(_("%(file)s：bands 必须依次为 A、B、C、D 四档") % {"file": where})
    out: list[GradeBand] = []
    expected: float | None = 0.0
    for number, band in enumerate(raw):
        low, high = band.get("min"), band.get("max")
        last = number == len(raw) - 1
        if not isinstance(low, int | float) or (high is not None and not isinstance(high, int | float)):
            raise GradeRulesError(_("%(file)s：%(grade)s 档的 min/max 不是数字") % {"file": where, "grade": band["grade"]})
        if expected is not None and low < expected:
            raise GradeRulesError(_("%(file)s：%(grade)s 档与上一档重叠（自 %(low)s 起，上一档至 %(prev)s）")
                                  % {"file": where, "grade": band["grade"], "low": low, "prev": expected})
        if expected is not None and low > expected:
            raise GradeRulesError(_("%(file)s：%(grade)s 档之前有空档（%(prev)s—%(low)s 不属任何一档）")
                                  % {"file": where, "grade": band["grade"], "low": low, "prev": expected})
        if last and high is not None:
            raise GradeRulesError(_("%(file)s：最后一档 %(grade)s 不应有上限") % {"file": where, "grade": band["grade"]})
        if not last and (high is None or high <= low):
            raise GradeRulesError(_("%(file)s：%(grade)s 档的上限必须大于下限") % {"file": where, "grade": band["grade"]})
        out.append(GradeBand(band["grade"], float(low), float(high) if high is not None else None, band.get("label", ""),
                             band.get("label_en", "")))  # fmt: skip
        expected = float(high) if high is not None else None
    return out


@dataclass(frozen=True)
class Scale:
    lookback_months: int
    points_factor: float
    records: dict[str, dict[str, float]]
    bands: list[GradeBand]
    signal_points: dict[str, float]
    rules: dict[str, Any]


def scale(on: dt.date) -> Scale:
    found = loader.resolve(FILE, "scale", on)
    value = found.value
    records = value["records"]
    for category in CATEGORIES:
        if set(records.get(category) or {}) != set(SEVERITIES):
            raise GradeRulesError(_("credit_grade.yaml：records.%(category)s 须给出四个严重程度的分值") % {"category": category})
    return Scale(int(value["lookback_months"]), float(value["points_factor"]),
                 {c: {s: float(records[c][s]) for s in SEVERITIES} for c in CATEGORIES}, check_bands(value["bands"]),
                 {g: float(value["signal_points"][g]) for g in GRADES},
                 {"file": found.file, "effective_from": str(found.effective_from), "sha256": found.sha256})  # fmt: skip


@dataclass(frozen=True)
class GradeInput:
    """One archive record as the grade sees it."""

    record_id: int | None
    category: str
    severity: str
    occurred_on: dt.date
    title: str = ""
    corrected: bool = False  # a newer record corrects it: it counts no more


@dataclass(frozen=True)
class GradeReason:
    kind: str  # record | points
    label: str
    points: float
    record_id: int | None = None


@dataclass(frozen=True)
class GradeResult:
    grade: str
    score: float
    reasons: tuple[GradeReason, ...]
    on: dt.date
    rules: dict[str, Any]

    def reasons_json(self) -> list[dict[str, Any]]:
        return [{"kind": r.kind, "label": r.label, "points": r.points, "record": r.record_id} for r in self.reasons]


def _months_back(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def grade_for(records: Iterable[GradeInput], cycle_points: int, on: dt.date, *, points_label: str = "",
              with_scale: Scale | None = None) -> GradeResult:  # fmt: skip
    """The grade on ``on``: records of the look-back window (on or before ``on``) plus the cycle's points.
    ``with_scale``: the scale in force on ``on`` when the caller grades many institutions on one day."""
    s = with_scale or scale(on)
    since = _months_back(on, s.lookback_months)
    reasons: list[GradeReason] = []
    for r in sorted(records, key=lambda r: (r.occurred_on, r.record_id or 0)):
        if r.corrected or not since < r.occurred_on <= on:
            continue
        points = s.records[r.category][r.severity]
        if points:
            reasons.append(GradeReason("record", r.title or r.category, points, r.record_id))
    if cycle_points:
        reasons.append(GradeReason("points", points_label or f"{cycle_points}", cycle_points * s.points_factor))
    score = max(0.0, round(sum(r.points for r in reasons), 3))
    grade = next(b.grade for b in s.bands if b.max is None or score < b.max)
    return GradeResult(grade, score, tuple(reasons), on, s.rules)


def grade_of_score(score: float, on: dt.date) -> str:
    """For the rules YAML cases: the grade of a score."""
    return next(b.grade for b in scale(on).bands if b.max is None or score < b.max)
