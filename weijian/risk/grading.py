"""The platform grade from its sources' signals, by the weights and cut-offs of rules data (Django-free).

``score = min(100, Σ weight(source) × points(source))`` with the weights of
``rules/data/platform_grade.yaml`` in force on the grade's date (the oldest date of data among the
sources that gave points), and the grade the first whose ``max`` the score does not exceed. The parts of
the explanation always add up to the score shown: every reason of every source, weighted; what a source
counts beyond its listed reasons as one "其他" line; and the cap, when the sum passes 100, as its own line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from weijian.analytics import risk as analytics_risk
from weijian.i18n import gettext as _
from weijian.i18n import gettext_noop, in_language, pgettext
from weijian.risk.sources import Signal, Source
from weijian.rules import loader

FILE = "platform_grade"
MAX_SCORE = 100.0
EPSILON = 0.0005


# The A–D cut-offs are the analytics score's (rules/data/risk_score.yaml): one scale for both grades.
GRADE_LABELS = {"A": gettext_noop("低风险"), "B": gettext_noop("较低风险"), "C": gettext_noop("较高风险"),
                "D": gettext_noop("高风险")}  # fmt: skip


def cutoffs(on: dt.date) -> loader.Resolved:
    """The highest score of each grade in force on ``on``, as ``[{"grade": "A", "max": 20.0}, …]``."""
    found = loader.resolve(analytics_risk.FILE, "grades", on)
    bands = [{"grade": g, "max": float(found.value[g])} for g in analytics_risk.GRADES]
    return dataclasses.replace(found, value=bands)


def weight(source_key: str, on: dt.date) -> loader.Resolved:
    """The weight of a source as of ``on``; a source the file does not weigh is a RulesError naming it."""
    return loader.resolve(FILE, f"weights.{source_key}", on)


def grade_for(score: float, on: dt.date) -> str:
    return analytics_risk.grade_on(score, on)


def weighted_score(points: Mapping[str, float], on: dt.date) -> float:
    total = sum(float(weight(key, on).value) * _clamp(p) for key, p in points.items())
    return round(min(MAX_SCORE, total), 6)


def _clamp(points: float) -> float:
    return max(0.0, min(MAX_SCORE, float(points)))


@dataclass(frozen=True)
class Part:
    source: str
    label: str
    points: float  # weighted, rounded for display so that the parts add up to the score shown
    detail: str = ""
    internal: bool = False


@dataclass(frozen=True)
class Band:
    grade: str
    low: float
    high: float
    label: str


@dataclass(frozen=True)
class SourceUse:
    key: str
    label: str
    weight: float
    points: float
    as_of: dt.date


@dataclass
class Grade:
    """An institution's platform grade, with everything needed to explain and replay it."""

    score: float  # rounded to one decimal, as shown
    grade: str
    grade_label: str
    as_of: dt.date
    parts: list[Part]
    sources: list[SourceUse]
    legend: list[Band]
    rules: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def round_to_total(values: Sequence[float], total: float, digits: int = 1) -> list[float]:
    """Round ``values`` to ``digits`` so that they add up exactly to ``total`` rounded (largest remainder)."""
    scale = 10**digits
    target = round(total * scale)
    floors = [math.floor(v * scale) for v in values]
    rest = target - sum(floors)
    order = sorted(range(len(values)), key=lambda i: -(values[i] * scale - floors[i]))
    for i in order[: max(0, rest)]:
        floors[i] += 1
    if rest < 0:  # only when the values do not add up to the total themselves
        for i in order[::-1][:-rest]:
            floors[i] -= 1
    return [f / scale for f in floors]


def _source_parts(source: Source, signal: Signal, w: float) -> list[tuple[Part, float]]:
    parts = []
    listed = 0.0
    for reason in signal.reasons:
        listed += reason.points
        parts.append((Part(source.key, in_language(reason.label, reason.label_en), 0.0,
                           in_language(reason.detail, reason.detail_en), reason.internal), w * reason.points))  # fmt: skip
    rest = _clamp(signal.points) - listed
    if rest > EPSILON:
        label = pgettext("grade part", "其他") if parts else in_language(source.label, source.label_en)
        parts.append((Part(source.key, label, 0.0), w * rest))
    elif rest < -EPSILON:
        parts.append((Part(source.key, _("超出该来源上限的部分"), 0.0), w * rest))
    return parts


def combine(signals: Sequence[tuple[Source, Signal]]) -> Grade | None:
    """The grade of one institution from the signals of its sources, labelled in the active language; None when
    no source knows it."""
    if not signals:
        return None
    as_of = min(signal.as_of for _, signal in signals)
    weights = {source.key: weight(source.key, as_of) for source, _ in signals}
    raw: list[tuple[Part, float]] = []
    uses = []
    for source, signal in signals:
        w = float(weights[source.key].value)
        uses.append(SourceUse(source.key, in_language(source.label, source.label_en), w, _clamp(signal.points),
                              signal.as_of))
        raw.extend(_source_parts(source, signal, w))
    total = sum(points for _, points in raw)
    if total > MAX_SCORE + EPSILON:
        raw.append((Part("cap", _("总分封顶 100 分"), 0.0), MAX_SCORE - total))
        total = MAX_SCORE
    raw = [(part, points) for part, points in raw if abs(points) > EPSILON]
    shown = round_to_total([p for _, p in raw], total)
    parts = [Part(part.source, part.label, value, part.detail, part.internal) for (part, _), value in zip(raw, shown, strict=True)]
    bands_rule = cutoffs(as_of)
    grade = grade_for(total, as_of)
    legend, low = [], 0.0
    for band in bands_rule.value:
        label = GRADE_LABELS.get(str(band["grade"]))
        legend.append(Band(str(band["grade"]), low, float(band["max"]), _(label) if label else ""))
        low = float(band["max"])
    return Grade(
        score=round(total, 1), grade=grade, grade_label=next((b.label for b in legend if b.grade == grade), ""),
        as_of=as_of, parts=parts, sources=uses, legend=legend,
        rules={"weights": {k: r.record() for k, r in weights.items()}, "cutoffs": bands_rule.record()},
    )  # fmt: skip
