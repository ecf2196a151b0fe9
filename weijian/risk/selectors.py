"""Reads of the platform grade. Pages (and, later, the random-check draws) read an institution's grade
only through :func:`institution_grade` or its bulk variant :func:`institution_grades`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.alerts.selectors import indicator_names, institution_alerts_since
from weijian.analytics.registry import RULES
from weijian.core.scope import scoped
from weijian.registry.models import Institution, InstitutionStatus
from weijian.risk import grading
from weijian.risk.models import AnalyticsScore
from weijian.risk.sources import Reason, Signal, sources


def _number(value: Any) -> str:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def analytics_reason(raw: Any) -> Reason:
    """One contribution of ``risk.parquet``'s reasons, whatever its source, as a labelled reason."""
    if not isinstance(raw, dict):
        return Reason(str(raw), str(raw), 0.0)
    try:
        points = float(raw.get("points") or 0.0)
    except (TypeError, ValueError):
        points = 0.0
    source = raw.get("source") or ("alerts" if raw.get("rule_id") else "")
    if raw.get("rule_id") is not None or source == "alerts":
        rule_id = str(raw.get("rule_id") or "")
        rule = RULES.get(rule_id)
        n = raw.get("alerts")
        return Reason(
            label=rule.name_zh if rule else f"规则 {rule_id}", label_en=rule.name_en if rule else f"Rule {rule_id}",
            points=points, detail=f"{n} 条预警" if n is not None else "",
            detail_en=f"alerts: {n}" if n is not None else "", internal=True,
        )  # fmt: skip
    if raw.get("indicator_id") is not None or source == "indicator":
        indicator = str(raw.get("indicator_id") or "")
        names = indicator_names().get(indicator) or {}
        mean, target = raw.get("mean_value"), raw.get("target")
        return Reason(
            label=f"{names.get('name', indicator)}超过目标", label_en=f"{names.get('name_en', indicator)} above target",
            points=points, detail=f"均值 {_number(mean)}，目标 {_number(target)}" if mean is not None else "",
            detail_en=f"mean {_number(mean)}, target {_number(target)}" if mean is not None else "",
        )  # fmt: skip
    detail = str(raw.get("detail") or "")
    name = source or raw.get("label")
    return Reason(label=str(name or "其他来源"), label_en=str(name or "Other source"), points=points, detail=detail,
                  detail_en=detail)


def analytics_signals(institution_ids: Sequence[int]) -> dict[int, Signal]:
    """The analytics source: each institution's latest score from ``risk.parquet`` (ids already scope-checked)."""
    found: dict[int, Signal] = {}
    rows = AnalyticsScore.objects.filter(institution_id__in=list(institution_ids)).order_by("institution_id", "-period_end")
    for row in rows:
        if row.institution_id in found:
            continue
        reasons = tuple(analytics_reason(r) for r in (row.reasons if isinstance(row.reasons, list) else []))
        found[row.institution_id] = Signal(points=row.score, as_of=row.period_end, reasons=reasons)
    return found


def _visible_ids(user: Any, institutions: Iterable[Any]) -> list[int]:
    ids = [getattr(i, "pk", i) for i in institutions]
    return list(scoped(user, Institution.objects.filter(pk__in=ids)).values_list("pk", flat=True))


def institution_grades(user: Any, institutions: Iterable[Any]) -> dict[int, grading.Grade]:
    """The platform grade of each institution (objects or ids) the user may see; absent when no source knows it."""
    ids = _visible_ids(user, institutions)
    per_institution: dict[int, list[tuple[Any, Signal]]] = {pk: [] for pk in ids}
    for source in sources():
        for pk, signal in source.load()(ids).items():
            if pk in per_institution:
                per_institution[pk].append((source, signal))
    grades = {}
    for pk, signals in per_institution.items():
        combined = grading.combine(signals)
        if combined is not None:
            grades[pk] = combined
    return grades


def institution_grade(user: Any, institution: Institution) -> grading.Grade | None:
    """One institution's platform grade, with warnings where newer facts contradict it."""
    grade = institution_grades(user, [institution]).get(institution.pk)
    if grade is not None:
        grade.warnings = grade_warnings(user, institution, grade.as_of)
    return grade


def grade_warnings(user: Any, institution: Institution, as_of: dt.date) -> list[str]:
    """Facts newer than the grade's data that it does not reflect: an expired licence, a suspension, new alerts."""
    today = timezone.localdate()
    notes = []
    expiry = institution.licence_valid_to
    if expiry is not None and expiry < today:
        notes.append(_("执业许可证已于 %(expiry)s 到期（评级数据截至 %(as_of)s）")
                     % {"expiry": f"{expiry:%Y-%m-%d}", "as_of": f"{as_of:%Y-%m-%d}"})
    if institution.status != InstitutionStatus.ACTIVE:
        since = f"{institution.status_since:%Y-%m-%d}" if institution.status_since else "?"
        status = institution.get_status_display()
        notes.append(_("机构现为“%(status)s”状态（自 %(since)s）") % {"status": status, "since": since})
    newer = institution_alerts_since(user, institution, as_of)
    if newer["lines"]:
        notes.append(_("评级数据截至 %(as_of)s，此后又有 %(lines)d 条预警明细（%(items)d 个工作项）")
                     % {"as_of": f"{as_of:%Y-%m-%d}", "lines": newer["lines"], "items": newer["items"]})
    return notes


def grade_for_reader(grade: grading.Grade, *, official: bool) -> grading.Grade:
    """What a reader outside the supervising offices (the institution itself) may see of a grade: the parts
    that come from alerts about it are one line, so that it never learns which rules fired (they may become
    clues for a case); the score, the sources and the legend stay as they are."""
    if official or not any(p.internal for p in grade.parts):
        return grade
    internal = [p for p in grade.parts if p.internal]
    label = _("业务数据风险分析")
    merged = grading.Part(internal[0].source, label, round(sum(p.points for p in internal), 1))
    parts = [p for p in grade.parts if not p.internal]
    return dataclasses.replace(grade, parts=[merged, *parts])


def grade_counts(user: Any) -> dict[str, int]:
    """How many institutions the user may see are in each grade (A–D); institutions no source knows are left out."""
    ids = scoped(user, Institution.objects.all()).values_list("pk", flat=True)
    counts: dict[str, int] = {}
    for grade in institution_grades(user, ids).values():
        counts[grade.grade] = counts.get(grade.grade, 0) + 1
    return counts
