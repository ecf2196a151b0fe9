"""Monthly indicators per institution (OUT/indicators.parquet).

- ``antimicrobial_intensity``: DDDs per 100 inpatient bed-days (抗菌药物使用强度; target in
  ``rules/data/antimicrobials.yaml``), months with bed-days only;
- ``inpatient_days``: inpatient bed-days (same day rule as the intensity);
- ``outpatient_antibiotic_rate``: share (0–1) of outpatient visits started in the month with at
  least one line in the counted ATC groups (门诊患者抗菌药物使用率; J01 by default, as the contract);
- ``charges_per_visit``: Σ charge amount dated in the month ÷ visits started in the month
  (次均费用);
- ``visits``: visits started in the month (the volume the risk score normalises by).

Only the days of each month inside the period count. The counted groups are those in force on the
month's first day.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from weijian.analytics.measures import (
    GROUPS,
    all_groups,
    any_prefix,
    bed_days,
    counted,
    groups_in_force,
    intensity,
)
from weijian.analytics.params import Param
from weijian.analytics.rules.base import Context, in_month

PARAMS: dict[str, Param] = {"counted_atc_groups": GROUPS}


def _shape(t: ir.Table, indicator: str, value: ir.Value) -> ir.Table:
    return t.select(indicator_id=ibis.literal(indicator), institution_id=t.institution_id.cast("string"),
                    period=t.month, value=value.cast("float64"))


def _visits_by_month(ctx: Context, kind: str | None = None) -> ir.Table:
    v = ctx.t("visits")
    if kind:
        v = v.filter(v.kind == kind)
    m = ctx.months
    return v.join(m, in_month(v.start_date, m))


def outpatient_rate(ctx: Context) -> ir.Table:
    """institution_id, month, n (outpatient visits), with_abx (those with a counted line)."""
    s = ctx.param("counted_atc_groups")
    op = _visits_by_month(ctx, "outpatient")
    keep = groups_in_force(s, op.m_first)
    if keep is not None:
        op = op.filter(keep)
    p = ctx.t("prescriptions")
    p = p.filter(p.atc_code.notnull() & any_prefix(p.atc_code, all_groups(s)))
    if s.from_start and len(s.versions) == 1:
        # the visits with a counted line are counted apart from all visits (a semi-join, not a left join of every
        # outpatient visit), and staged first: the engine then knows their number and skips, as it scans the
        # visits, those the lines never name
        abx = ctx.stage(p.select(j_visit="visit_id").distinct())
        n = op.group_by(["institution_id", "month"]).aggregate(n=op.count())
        hit = op.semi_join(abx, op.visit_id == abx.j_visit)
        hit = hit.group_by([hit.institution_id.name("h_inst"), hit.month.name("h_month")]).aggregate(
            with_abx=hit.count())
        both = n.left_join(hit, [n.institution_id == hit.h_inst, n.month == hit.h_month])
        return both.select("institution_id", "month", "n", with_abx=both.with_abx.fill_null(0))
    lines = p.select(j_visit="visit_id", j_atc="atc_code").distinct()
    op = op.left_join(lines, op.visit_id == lines.j_visit)
    op = op.mutate(hit=(op.j_atc.notnull() & counted(s, op.j_atc, op.m_first)).cast("int64"))
    per = op.group_by(["institution_id", "month", "visit_id"]).aggregate(hit=op.hit.max())
    return per.group_by(["institution_id", "month"]).aggregate(n=per.count(), with_abx=per.hit.sum())


def build(ctx: Context) -> dict[str, ir.Table]:
    out: dict[str, ir.Table] = {}
    x = intensity(ctx)
    out["antimicrobial_intensity"] = _shape(x, "antimicrobial_intensity", x.value)
    bd = bed_days(ctx)
    out["inpatient_days"] = _shape(bd, "inpatient_days", bd.bed_days)
    rate = outpatient_rate(ctx)
    out["outpatient_antibiotic_rate"] = _shape(rate, "outpatient_antibiotic_rate", (rate.with_abx / rate.n).round(9))

    vm = _visits_by_month(ctx)
    vc = vm.group_by(["institution_id", "month"]).aggregate(n=vm.count())
    out["visits"] = _shape(vc, "visits", vc.n)
    c = ctx.t("charges")
    # summed per institution and day first, then per month, then joined to the (few) months: the lines are
    # never joined, and the month is taken of each day once, not of each line
    c = c.filter(ctx.in_period(c.date))
    c = c.group_by([c.institution_id.name("c_inst"), c.date.name("c_day")]).aggregate(amount=c.amount.sum())
    c = c.group_by(["c_inst", c.c_day.truncate("M").name("c_first")]).aggregate(amount=c.amount.sum())
    m = ctx.months
    cm = c.join(m, c.c_first == m.m_first)
    cs = cm.select("c_inst", "amount", c_month=cm.month)
    cv = vc.left_join(cs, [vc.institution_id == cs.c_inst, vc.month == cs.c_month])
    out["charges_per_visit"] = _shape(cv, "charges_per_visit", (cv.amount.fill_null(0.0) / cv.n).round(6))
    return out
