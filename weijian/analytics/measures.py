"""Shared measures: inpatient bed-days and antibacterial DDDs per institution-month.

抗菌药物使用强度 = 住院患者抗菌药物消耗量（累计DDD数）÷ 同期收治患者人天数 × 100
(抗菌药物临床应用管理办法, 卫生部令第84号; rules.md §8.1).

Bed-days are computed by overlap arithmetic, never by exploding date ranges: a stay counts
day d when start_date ≤ d < end_date, or when start_date = end_date = d; over the days of a
month inside the period ``[m_start, m_end]`` that is
``max(0, min(end_date, m_end + 1) − max(start_date, m_start))`` for start < end, and 1 for a
same-day stay inside ``[m_start, m_end]``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from weijian.analytics.rules.base import Context, days_between


def bed_days(ctx: Context) -> ir.Table:
    """institution_id, month, bed_days (> 0 only: months with no bed-days are not computed)."""
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
    agg = x.group_by(["institution_id", "month"]).aggregate(bed_days=x.bd.sum())
    return agg.filter(agg.bed_days > 0)


def with_month_and_ddd(ctx: Context, p: ir.Table) -> ir.Table:
    """Prescription lines with their month of the period, their DDD (g) and ``usable``/``ddds``.

    DDDs of a line = quantity × unit_strength_g ÷ ddd_g for its (atc_code, route); a line
    lacking the strength or a DDD is not usable (its ``ddds`` is 0).
    """
    m = ctx.months
    p = p.join(m, p.date.between(m.m_start, m.m_end))
    d = ctx.ddd
    p = p.left_join(d, [p.atc_code == d.atc_code, p.route == d.route])
    usable = p.unit_strength_g.notnull() & p.ddd_g.notnull() & (p.ddd_g > 0)
    return p.mutate(usable=usable, ddds=ibis.ifelse(usable, p.quantity * p.unit_strength_g / p.ddd_g, 0.0))


def j01_inpatient_lines(ctx: Context) -> ir.Table:
    """J01 prescription lines of inpatient visits dated inside the period, with their month and DDD."""
    p = ctx.t("prescriptions")
    p = p.filter(p.atc_code.startswith("J01") & ctx.in_period(p.date))
    v = ctx.t("visits").filter(lambda t: t.kind == "inpatient").select(v_id="visit_id")
    return with_month_and_ddd(ctx, p.join(v, p.visit_id == v.v_id))


def intensity(ctx: Context) -> ir.Table:
    """institution_id, month, bed_days, ddds, lines, value = 100 × DDDs ÷ bed-days."""
    bd = bed_days(ctx)
    lines = j01_inpatient_lines(ctx)
    sums = lines.group_by([lines.institution_id.name("l_inst"), lines.month.name("l_month")]).aggregate(
        ddds=lines.ddds.sum(), lines=lines.usable.cast("int64").sum())
    j = bd.left_join(sums, [bd.institution_id == sums.l_inst, bd.month == sums.l_month])
    ddds = j.ddds.fill_null(0.0)
    return j.select("institution_id", "month", "bed_days", ddds=ddds, lines=j.lines.fill_null(0),
                    value=(ddds * 100.0 / j.bed_days).round(9))


def ddd_left_out(ctx: Context) -> ir.Table:
    """Count of J01 inpatient lines left out for lacking unit_strength_g or a DDD."""
    lines = j01_inpatient_lines(ctx)
    return lines.aggregate(left_out=(~lines.usable).cast("int64").sum(), total=lines.count())
