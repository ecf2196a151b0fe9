"""Shared measures: inpatient bed-days and antimicrobial DDDs per institution-month.

抗菌药物使用强度 = 住院患者抗菌药物消耗量（累计DDD数）÷ 同期收治患者人天数 × 100
(抗菌药物临床应用管理办法, 卫生部令第84号; rules.md §8.1).

Bed-days are computed by overlap arithmetic, never by exploding date ranges: a stay counts
day d when start_date ≤ d < end_date, or when start_date = end_date = d; over the days of a
month inside the period ``[m_start, m_end]`` that is
``max(0, min(end_date, m_end + 1) − max(start_date, m_start))`` for start < end, and 1 for a
same-day stay inside ``[m_start, m_end]``.

Which ATC groups count as antimicrobials (``counted_atc_groups``, rules data; J01 by default, as the
contract) is taken as of each month's first day; each line's DDD as of the line's date
(:mod:`weijian.analytics.ddd`).
"""

from __future__ import annotations

from functools import reduce
from typing import Any

import ibis
import ibis.expr.types as ir

from weijian.analytics.params import Param, Schedule
from weijian.analytics.rules.base import Context, days_between, in_month

GROUPS = Param("antimicrobials", "counted_atc_groups", "atc_groups")


def bed_days(ctx: Context) -> ir.Table:
    """institution_id, month, m_first, bed_days (> 0 only: months with no bed-days are not computed)."""
    v = ctx.t("visits")
    stays = v.filter((v.kind == "inpatient") & (v.start_date <= ibis.date(ctx.end))
                     & (v.end_date >= ibis.date(ctx.start)))
    stays = stays.select("institution_id", "start_date", "end_date")
    m = ctx.months
    x = stays.cross_join(m)
    x = x.filter((x.start_date <= x.m_end) & (x.end_date >= x.m_start))
    hi = ibis.least(x.end_date, x.m_end + ibis.interval(days=1))
    lo = ibis.greatest(x.start_date, x.m_start)
    multi = ibis.greatest(days_between(hi, lo), 0)
    same = ibis.ifelse(x.start_date.between(x.m_start, x.m_end), 1, 0)
    x = x.mutate(bd=ibis.ifelse(x.start_date == x.end_date, same, multi))
    agg = x.group_by(["institution_id", "month", "m_first"]).aggregate(bed_days=x.bd.sum())
    return agg.filter(agg.bed_days > 0)


def any_prefix(atc: ir.StringValue, groups: list[str]) -> ir.BooleanValue:
    if not groups:
        return ibis.literal(False)
    return reduce(lambda a, b: a | b, [atc.startswith(g) for g in groups])


def all_groups(s: Schedule) -> list[str]:
    """Every ATC prefix any version over the run counts (a cheap filter before the exact one)."""
    return sorted({g for v in s.values() for g in v})


def counted(s: Schedule, atc: ir.StringValue, first_day: ir.DateValue) -> ir.BooleanValue:
    """Whether ``atc`` is in the groups counted in the month starting ``first_day`` (false where none in force)."""
    if s.empty:
        return ibis.literal(False)
    if s.from_start and len(s.versions) == 1:
        return any_prefix(atc, s.values()[0])
    branches: list[tuple[Any, Any]] = []
    vs = list(s.versions)
    for v in reversed(vs[1:] if s.from_start else vs):
        branches.append((first_day >= ibis.date(v.effective_from), any_prefix(atc, v.value)))
    else_ = any_prefix(atc, vs[0].value) if s.from_start else ibis.literal(False)
    return ibis.cases(*branches, else_=else_)


def groups_in_force(s: Schedule, first_day: ir.DateValue) -> ir.BooleanValue | None:
    """A filter keeping months whose first day has counted groups in force (None: every month has)."""
    if s.empty:
        return ibis.literal(False)
    late = s.not_judged_before
    return None if late is None else first_day >= ibis.date(late)


def with_month_and_ddd(ctx: Context, p: ir.Table) -> ir.Table:
    """Prescription lines with their month of the period, their DDD and ``usable``/``ddds``/``left_out``."""
    m = ctx.months
    p = p.join(m, in_month(p.date, m))
    return ctx.ddd.attach(p)


def counted_inpatient_lines(ctx: Context) -> ir.Table:
    """Lines of inpatient visits dated inside the period, in the counted ATC groups, with month and DDD."""
    s = ctx.param("counted_atc_groups")
    p = ctx.t("prescriptions")
    p = p.filter(p.atc_code.notnull() & any_prefix(p.atc_code, all_groups(s)) & ctx.in_period(p.date))
    v = ctx.t("visits").filter(lambda t: t.kind == "inpatient").select(v_id="visit_id")
    p = with_month_and_ddd(ctx, p.join(v, p.visit_id == v.v_id))
    if s.empty or (s.from_start and len(s.versions) == 1):
        return p
    return p.filter(counted(s, p.atc_code, p.m_first))


def inpatient_line_summary(ctx: Context) -> ir.Table:
    """The counted inpatient lines per institution (``l_inst``), month (``l_month``) and reason left out
    (``l_left_out``, null where counted): lines ``n``, ``ddds``, ``usable`` lines. Computed once a run and kept by
    the engine (``Context.kept``), since the intensity rule, its indicator and the DDD report all read it: one
    pass over the prescriptions instead of three."""
    def make() -> ir.Table:
        lines = counted_inpatient_lines(ctx)
        return lines.group_by([lines.institution_id.name("l_inst"), lines.month.name("l_month"),
                               lines.left_out.name("l_left_out")]).aggregate(
            n=lines.count(), ddds=lines.ddds.sum(), usable=lines.usable.cast("int64").sum())

    return ctx.kept(f"inpatient_line_summary {ctx.param('counted_atc_groups')!r}", make)


def intensity(ctx: Context) -> ir.Table:
    """institution_id, month, m_first, bed_days, ddds, lines, value = 100 × DDDs ÷ bed-days."""
    bd = bed_days(ctx)
    keep = groups_in_force(ctx.param("counted_atc_groups"), bd.m_first)
    if keep is not None:
        bd = bd.filter(keep)
    s = inpatient_line_summary(ctx)
    sums = s.group_by(["l_inst", "l_month"]).aggregate(ddds=s.ddds.sum(), lines=s.usable.sum())
    j = bd.left_join(sums, [bd.institution_id == sums.l_inst, bd.month == sums.l_month])
    ddds = j.ddds.fill_null(0.0)
    return j.select("institution_id", "month", "m_first", "bed_days", ddds=ddds, lines=j.lines.fill_null(0),
                    value=(ddds * 100.0 / j.bed_days).round(9))


def ddd_left_out(ctx: Context) -> dict[str, ir.Table]:
    """What the intensity could not measure: counts by reason, and the lines whose unit cannot be converted."""
    s = inpatient_line_summary(ctx)
    by_reason = s.group_by(reason=s.l_left_out.fill_null("counted")).aggregate(n=s.n.sum())
    lines = counted_inpatient_lines(ctx)
    bad = lines.filter(lines.left_out == "unit_not_convertible")
    drugs = bad.group_by([bad.drug_code, bad.drug_name, bad.atc_code, bad.route,
                          bad.s_unit.name("strength_unit"), bad.ddd_unit]).aggregate(
        lines=bad.count(), example_line_id=bad.line_id.min())
    drugs = drugs.order_by([drugs.lines.desc(), drugs.drug_code]).limit(50)
    examples = bad.select("line_id", "drug_code", "drug_name", "atc_code", "route", "date",
                          strength_unit=bad.s_unit, ddd_unit=bad.ddd_unit)
    examples = examples.order_by("line_id").limit(20)
    return {"by_reason": by_reason, "drugs": drugs, "examples": examples}
