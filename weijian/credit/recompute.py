"""Points and grades for many institutions at once: a few bulk reads, the pure scoring, one bulk write.

Institutions are graded once they have a credit record or a point event (or a grade already): an institution
nobody has recorded anything about keeps no credit grade, so the platform grade treats it as before.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from weijian.credit import grading
from weijian.credit.models import CreditGrade, CreditRecord, LicenceCheck, PointEvent, PointStatus, SourceKind
from weijian.credit.points import rulesets, scoring
from weijian.i18n import gettext as _
from weijian.registry.models import Institution

CHUNK = 2000


@dataclass(frozen=True)
class Graded:
    institution_id: int
    result: grading.GradeResult
    standing: scoring.Standing


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _subjects(institution_ids: Iterable[int] | None) -> list[int]:
    if institution_ids is not None:
        return sorted(set(institution_ids))
    found = set(CreditRecord.objects.filter(institution__isnull=False).values_list("institution_id", flat=True)
                .distinct())  # fmt: skip
    found |= set(PointEvent.objects.values_list("institution_id", flat=True).distinct())
    found |= set(CreditGrade.objects.values_list("institution_id", flat=True).distinct())
    return sorted(found)


def standings_as_of(on: dt.date, ids: list[int], rule_set_code: str) -> dict[int, scoring.Standing]:
    """The bad-practice standing of each institution on ``on`` under the rule set in force then."""
    chosen = rulesets.rule_set(rule_set_code, on)
    jiaoyan = rulesets.jiaoyan_period(on)
    out: dict[int, scoring.Standing] = {}
    for chunk in _chunks(ids):
        events: dict[int, list[scoring.Scored]] = defaultdict(list)
        for pk, inst, day, pts in PointEvent.objects.filter(institution_id__in=chunk, status=PointStatus.ACTIVE,
                                                            occurred_on__lte=on).values_list(
                "pk", "institution_id", "occurred_on", "points"):  # fmt: skip
            events[inst].append(scoring.Scored(day, pts, pk))
        passes: dict[int, list[dt.date]] = defaultdict(list)
        for inst, day in LicenceCheck.objects.filter(institution_id__in=chunk, passed=True,
                                                     checked_on__lte=on).values_list("institution_id", "checked_on"):
            passes[inst].append(day)
        for pk, beds, licence_from in Institution.objects.filter(pk__in=chunk).values_list(
                "pk", "beds", "licence_valid_from"):  # fmt: skip
            out[pk] = scoring.standing(chosen, events.get(pk, []), on, beds=beds, passes=passes.get(pk, []),
                                       licence_from=licence_from, jiaoyan=jiaoyan)  # fmt: skip
    return out


def grades_as_of(on: dt.date, institution_ids: Iterable[int] | None = None,
                 rule_set_code: str | None = None) -> dict[int, Graded]:  # fmt: skip
    from weijian.credit.services import configured_rule_set

    ids = _subjects(institution_ids)
    code = rule_set_code or configured_rule_set()
    standings = standings_as_of(on, ids, code)
    scale = grading.scale(on)
    since = grading._months_back(on, scale.lookback_months)
    out: dict[int, Graded] = {}
    for chunk in _chunks(ids):
        rows = list(CreditRecord.objects.filter(institution_id__in=chunk, occurred_on__gt=since, occurred_on__lte=on)
                    .exclude(source_kind=SourceKind.CORRECTION)  # a correction cancels a record; it is no act itself
                    .values_list("pk", "institution_id", "category", "severity", "occurred_on", "title"))  # fmt: skip
        corrected = set(CreditRecord.objects.filter(corrects__institution_id__in=chunk, occurred_on__lte=on)
                        .values_list("corrects_id", flat=True))  # fmt: skip
        records: dict[int, list[grading.GradeInput]] = defaultdict(list)
        for pk, inst, category, severity, day, title in rows:
            records[inst].append(grading.GradeInput(pk, category, severity, day, title, pk in corrected))
        for pk in chunk:
            standing = standings[pk]
            label = _("不良执业行为记分 %(points)s 分（本周期）") % {"points": standing.period_points}
            result = grading.grade_for(records.get(pk, []), standing.period_points, on, points_label=label,
                                       with_scale=scale)  # fmt: skip
            out[pk] = Graded(pk, result, standing)
    return out


def latest_grades(ids: Iterable[int] | None = None) -> dict[int, CreditGrade]:
    """The current CreditGrade row of each institution (the latest computed)."""
    qs = CreditGrade.objects.order_by("institution_id", "-computed_on", "-pk")
    if ids is not None:
        wanted = list(ids)
        qs = qs.filter(Q(institution_id__in=wanted))
    found: dict[int, CreditGrade] = {}
    for row in qs.iterator(chunk_size=CHUNK):
        found.setdefault(row.institution_id, row)
    return found


def write_changes(results: dict[int, Graded], on: dt.date) -> int:
    """A new CreditGrade row for each institution whose grade or score changed (or that had none): the latest row
    always explains the current grade. Returns how many were written."""
    previous = latest_grades(list(results)) if len(results) < CHUNK else latest_grades()
    new = [
        CreditGrade(institution_id=pk, grade=g.result.grade, score=g.result.score, reasons=g.result.reasons_json(),
                    computed_on=on, rules=g.result.rules)
        for pk, g in results.items()
        if pk not in previous or (previous[pk].grade, previous[pk].score) != (g.result.grade, g.result.score)
    ]
    CreditGrade.objects.bulk_create(new, batch_size=CHUNK)
    return len(new)
