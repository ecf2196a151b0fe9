"""What risk grading buys, measured (issue 8 §7). Django-free core of ``weijian draw evaluate``.

N simulated years over one population: each year every unit fails an on-site check or not, with its hidden
probability (the simulator's truth: 0.6 with an injected violation, 0.1 without; ``weijian.sim.inspection_truth``).

* Under the plan: ceil(n × ratio) units of each grade, ranked by SHA-256 as in a real draw, inspected in
  descending grade order (D first; within a grade in drawn order).
* Uniform: the same number of inspections drawn from the whole population regardless of grade, inspected in
  random (drawn) order.

For each: the hit rate (inspections that find a non-compliance ÷ inspections), the lift (plan ÷ uniform), the
share of the failing units found (recall), and — the City of Chicago's measure for its food-inspection model —
the share of the year's findings made in the first half of the year's inspections.
Key-supervision targets are inspected under both, so they are left out of the comparison.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from weijian.i18n import gettext as _
from weijian.inspections.planning import draw
from weijian.sim.inspection_truth import fails

GRADE_ORDER = {"D": 0, "C": 1, "B": 2, "A": 3}


@dataclass(frozen=True)
class Unit:
    key: str  # a stable id (the 统一社会信用代码)
    grade: str
    p_fail: float


@dataclass
class Figures:
    inspections: int = 0
    hits: int = 0
    failing: int = 0  # failing units in the population, summed over the years
    first_half_hits: int = 0

    @property
    def hit_rate(self) -> float:
        return self.hits / self.inspections if self.inspections else 0.0

    @property
    def recall(self) -> float:
        return self.hits / self.failing if self.failing else 0.0

    @property
    def first_half_share(self) -> float:
        return self.first_half_hits / self.hits if self.hits else 0.0


@dataclass
class Evaluation:
    rounds: int
    units: int
    per_year: int  # inspections per year (the same under both)
    plan: Figures
    uniform: Figures

    @property
    def lift(self) -> float | None:
        return self.plan.hit_rate / self.uniform.hit_rate if self.uniform.hit_rate else None


def _year(units: Sequence[Unit], order: Sequence[int], failed: Sequence[bool], figures: Figures) -> None:
    half = math.ceil(len(order) / 2)
    for position, index in enumerate(order):
        if failed[index]:
            figures.hits += 1
            if position < half:
                figures.first_half_hits += 1
    figures.inspections += len(order)


def evaluate(units: Sequence[Unit], ratios: Mapping[str, str], rounds: int, seed: str) -> Evaluation:
    """Simulate ``rounds`` years of draws under the plan's ratios and under uniform sampling."""
    if rounds < 1:
        raise ValueError(_("rounds：至少 1 轮"))
    ordered = sorted(units, key=lambda u: u.key)
    by_grade: dict[str, list[int]] = {g: [] for g in draw.GRADES}
    for index, unit in enumerate(ordered):
        by_grade[unit.grade].append(index)
    per_year = sum(draw.quota(len(by_grade[g]), ratios[g]) for g in draw.GRADES)
    plan, uniform = Figures(), Figures()
    for year in range(1, rounds + 1):
        year_seed = draw.sha256_hex(f"{seed}|year|{year}")
        failed = [fails(seed, year, u.key, u.p_fail) for u in ordered]
        n_failing = sum(failed)
        plan.failing += n_failing
        uniform.failing += n_failing
        chosen: list[int] = []
        for grade in sorted(draw.GRADES, key=GRADE_ORDER.__getitem__):
            ranked = sorted(by_grade[grade], key=lambda i, g=grade: draw.rank_key(year_seed, g, i))
            chosen += ranked[: draw.quota(len(ranked), ratios[grade])]
        _year(ordered, chosen, failed, plan)
        everyone = sorted(range(len(ordered)), key=lambda i: draw.rank_key(year_seed, "uniform", i))
        _year(ordered, everyone[:per_year], failed, uniform)
    return Evaluation(rounds, len(ordered), per_year, plan, uniform)


def report_lines(result: Evaluation) -> list[str]:
    def row(label: str, f: Figures) -> str:
        return _(
            "%(label)s 检查 %(inspections)s  发现问题 %(hits)s  命中率 %(hit_rate)s  "
            "发现问题单位占比 %(recall)s  前一半检查中发现的占比 %(first_half_share)s"
        ) % {
            "label": f"{label:<6}", "inspections": f"{f.inspections:>7}", "hits": f"{f.hits:>6}",
            "hit_rate": f"{f.hit_rate:6.1%}", "recall": f"{f.recall:6.1%}",
            "first_half_share": f"{f.first_half_share:6.1%}",
        }  # fmt: skip

    lift = f"{result.lift:.2f}" if result.lift is not None else "—"
    return [
        _("模拟 %(rounds)s 年，%(units)s 个对象，每年 %(per_year)s 次检查")
        % {"rounds": result.rounds, "units": result.units, "per_year": result.per_year},
        row(_("按计划"), result.plan),
        row(_("均匀抽取"), result.uniform),
        _("提升（lift，命中率之比）：%(lift)s") % {"lift": lift},
    ]
