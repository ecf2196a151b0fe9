"""Figures for managers (issue 8 §7, §10): catalog coverage, ratio achieved per grade, inspections per inspector,
and what risk grading buys — simulated (``weijian draw evaluate``) and, once inspections have results, measured.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from weijian.inspections import catalog
from weijian.inspections.models import Draw, Inspection, InspectionResult, InspectionStatus, Plan
from weijian.inspections.planning import draw, evaluate, selectors
from weijian.sim import inspection_truth

HIT_RESULTS = (InspectionResult.RECTIFY, InspectionResult.CASE)


def catalog_coverage(user: Any, year: int) -> dict[str, Any]:
    """Share of the catalog's random and key items that the user's plans of the year cover."""
    on = dt.date(year, 1, 1)
    items = {code: it for code, it in catalog.items(on).items() if it.mode in ("random", "key")}
    covered: set[str] = set()
    for codes in selectors.plan_list(user).filter(year=year).values_list("item_codes", flat=True):
        covered |= set(codes or []) & set(items)
    share = len(covered) / len(items) if items else 0.0
    return {"year": year, "items": len(items), "covered": len(covered), "share": share,
            "missing": [(code, items[code].name) for code in items if code not in covered]}  # fmt: skip


@dataclass
class GradeRow:
    stratum: str
    candidates: int
    drawn: int
    ratio: str  # the plan's ratio (percent)

    @property
    def achieved(self) -> float | None:
        return self.drawn / self.candidates if self.candidates else None


def ratio_achieved(made: Draw) -> list[GradeRow]:
    """Per stratum of a drawn draw: candidates in the frozen population, targets drawn, ratio set."""
    record = made.record or {}
    counts = draw.stratum_counts(draw.Candidate(int(c["id"]), str(c["stratum"])) for c in record.get("population", []))
    drawn = dict.fromkeys(draw.STRATA, 0)
    for t in record.get("targets", []):
        drawn[t["stratum"]] += 1
    ratios = made.parameters.get("ratios", {})
    return [GradeRow(s, counts[s], drawn[s], "100" if s == draw.KEY else str(ratios.get(s, "")))
            for s in (draw.KEY, *draw.GRADES)]  # fmt: skip


def inspections_per_inspector(made: Draw) -> list[tuple[Any, int]]:
    """(inspector, targets assigned) for a draw, busiest first."""
    from weijian.registry.models import Inspector

    rows = (Inspector.objects.filter(assignments__target__draw=made).annotate(n=Count("assignments"))
            .select_related("region").order_by("-n", "badge_no"))  # fmt: skip
    return [(i, i.n) for i in rows]


@dataclass
class Measured:
    """Real results of a plan's inspections: hit rate per grade and overall, the lift over the hit rate uniform
    sampling would have had (estimated from the per-grade rates, weighted by the population), first-half share."""

    closed: int = 0
    hits: int = 0
    per_grade: dict[str, tuple[int, int]] = field(default_factory=dict)  # grade → (closed, hits)
    population: dict[str, int] = field(default_factory=dict)
    first_half_share: float | None = None

    @property
    def hit_rate(self) -> float | None:
        return self.hits / self.closed if self.closed else None

    @property
    def uniform_estimate(self) -> float | None:
        known = {g: h / n for g, (n, h) in self.per_grade.items() if n}
        weight = sum(self.population.get(g, 0) for g in known)
        if not weight:
            return None
        return sum(self.population.get(g, 0) * rate for g, rate in known.items()) / weight

    @property
    def lift(self) -> float | None:
        rate, base = self.hit_rate, self.uniform_estimate
        return rate / base if rate is not None and base else None


def measured(user: Any, made: Draw) -> Measured:
    result = Measured()
    population = draw.stratum_counts(
        draw.Candidate(int(c["id"]), str(c["stratum"])) for c in (made.record or {}).get("population", [])
    )
    result.population = {g: population[g] for g in draw.GRADES}
    from weijian.core.scope import scoped

    rows = list(
        scoped(user, Inspection.objects.filter(target__draw=made, status=InspectionStatus.CLOSED, target__mode="random"))
        .select_related("target").order_by("closed_at", "pk")
    )  # fmt: skip
    for inspection in rows:
        grade = inspection.target.stratum
        hit = inspection.result in HIT_RESULTS
        n, h = result.per_grade.get(grade, (0, 0))
        result.per_grade[grade] = (n + 1, h + int(hit))
        result.closed += 1
        result.hits += int(hit)
    if result.hits:
        half = math.ceil(len(rows) / 2)
        result.first_half_share = sum(1 for i in rows[:half] if i.result in HIT_RESULTS) / result.hits
    return result


def default_dataset() -> Path | None:
    """The activity dataset of the latest analytics run loaded (where the simulator's truth lies)."""
    from weijian.alerts.models import AnalyticsRun

    run = AnalyticsRun.objects.order_by("-loaded_at", "-pk").first()
    dataset = (run.report or {}).get("dataset") if run is not None else None
    return Path(dataset) if dataset else None


def plan_evaluation(user: Any, plan: Plan, *, rounds: int, dataset: Path | None = None,
                    seed: str = "weijian-evaluate") -> evaluate.Evaluation:
    """``weijian draw evaluate``: the plan's ratios against uniform sampling on the plan's population, each
    institution failing with the simulator's hidden probability (0.1 where the simulator does not know it)."""
    folder = dataset or default_dataset()
    if folder is None:
        raise FileNotFoundError(_("--truth：没有已导入的分析批次，请给出 weijian sim activity 的输出目录"))
    truth = inspection_truth.read_truth(folder)
    population = selectors.plan_population(user, plan)
    units = [evaluate.Unit(m.institution.uscc, m.grade, truth.get(m.institution.uscc, inspection_truth.P_FAIL_CLEAN))
             for m in population.members if m.stratum != draw.KEY]  # fmt: skip
    if not units:
        raise ValueError(_("本计划没有可评估的抽查对象"))
    return evaluate.evaluate(units, plan.ratios, rounds, seed)
