"""The signal sources of the platform grade, and the one small interface a source implements.

A source is a selector of its own app, ``signals(institution_ids) -> {institution_id: Signal}``: for the
(already scope-checked) institutions it knows something about, 0–100 points with the date of the data
and the reasons, labelled. The risk app lists the sources here; each is weighted by
``rules/data/platform_grade.yaml`` (a source without a weight there is refused, not guessed). Credit,
complaints and inspection results plug in with one line each when their apps exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module


@dataclass(frozen=True)
class Reason:
    """One contribution to a source's points, labelled for the reader."""

    label: str
    label_en: str
    points: float
    detail: str = ""
    detail_en: str = ""
    internal: bool = False  # the detail is for officials only (never shown to the institution itself)


@dataclass(frozen=True)
class Signal:
    points: float  # 0–100, the source's own measure of risk
    as_of: dt.date  # the date of the data the points are based on
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


SignalSelector = Callable[[Sequence[int]], Mapping[int, Signal]]


@dataclass(frozen=True)
class Source:
    key: str  # its weight's key in platform_grade.yaml
    label: str
    label_en: str
    selector: str  # dotted path of the app's selector

    def load(self) -> SignalSelector:
        module, _, name = self.selector.rpartition(".")
        selector: SignalSelector = getattr(import_module(module), name)
        return selector


SOURCES: tuple[Source, ...] = (
    Source("analytics", label="风险分析", label_en="Risk analytics", selector="weijian.risk.selectors.analytics_signals"),
    Source("credit", label="信用等级", label_en="Credit grade", selector="weijian.credit.selectors.credit_signals"),
    # Source("complaints", "投诉举报", "Complaints", "weijian.complaints.selectors.complaint_signals"),
    # Source("inspections", "检查结果", "Inspection results", "weijian.inspections.selectors.finding_signals"),
)


def sources() -> tuple[Source, ...]:
    return SOURCES
