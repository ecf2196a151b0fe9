"""Monthly indicators per institution (OUT/indicators.parquet).

- ``antimicrobial_intensity``: DDDs per 100 inpatient bed-days (抗菌药物使用强度, target ≤ 40;
  抗菌药物临床应用管理办法), months with bed-days only;
- ``inpatient_days``: inpatient bed-days (same day rule as the intensity);
- ``outpatient_antibiotic_rate``: share (0–1) of outpatient visits started in the month with at
  least one J01 prescription line (门诊患者抗菌药物使用率, target ≤ 20 %);
- ``charges_per_visit``: Σ charge amount dated in the month ÷ visits started in the month
  (次均费用);
- ``visits``: visits started in the month (the volume the risk score normalises by).

Only the days of each month inside the period count.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from weijian.analytics.measures import bed_days, intensity
from weijian.analytics.rules.base import Context


def _shape(t: ir.Table, indicator: str, value: ir.Value) -> ir.Table:
    return t.select(indicator_id=ibis.literal(indicator), institution_id=t.institution_id.cast("string"),
                    period=t.month, value=value.cast("float64"))


def _visits_by_month(ctx: Context, kind: str | None = None) -> ir.Table:
    v = ctx.t("visits")
    if kind:
        v = v.filter(v.kind == kind)
    m = ctx.months
    return v.join(m, v.start_date.between(m.m_start, m.m_end))


def build(ctx: Context) -> dict[str, ir.Table]:
    out: dict[str, ir.Table] = {}
    x = intensity(ctx)
    out["antimicrobial_intensity"] = _shape(x, "antimicrobial_intensity", x.value)
    bd = bed_days(ctx)
    out["inpatient_days"] = _shape(bd, "inpatient_days", bd.bed_days)

    op = _visits_by_month(ctx, "outpatient")
    p = ctx.t("prescriptions")
    j01 = p.filter(p.atc_code.startswith("J01")).select(j_visit="visit_id").distinct()
    op = op.left_join(j01, op.visit_id == j01.j_visit)
    rate = op.group_by(["institution_id", "month"]).aggregate(
        n=op.count(), with_j01=op.j_visit.notnull().cast("int64").sum())
    out["outpatient_antibiotic_rate"] = _shape(rate, "outpatient_antibiotic_rate",
                                               (rate.with_j01 / rate.n).round(9))

    vm = _visits_by_month(ctx)
    vc = vm.group_by(["institution_id", "month"]).aggregate(n=vm.count())
    out["visits"] = _shape(vc, "visits", vc.n)
    c = ctx.t("charges")
    m = ctx.months
    cm = c.join(m, c.date.between(m.m_start, m.m_end))
    cs = cm.group_by([cm.institution_id.name("c_inst"), cm.month.name("c_month")]).aggregate(
        amount=cm.amount.sum())
    cv = vc.left_join(cs, [vc.institution_id == cs.c_inst, vc.month == cs.c_month])
    out["charges_per_visit"] = _shape(cv, "charges_per_visit", (cv.amount.fill_null(0.0) / cv.n).round(6))
    return out
