"""wastewater_chlorine — 医疗机构污水总余氯超出标准范围.

Legal basis: GB 18466-2005《医疗机构水污染物排放标准》表1、表2（接触池出口总余氯：传染病、结核病
医疗机构 6.5–10 mg/L；综合医疗机构直接排放 3–10 mg/L，排入城镇污水处理厂 2–8 mg/L）；
水污染防治法 第八十三条.

For an institution with a wastewater_class and each sensor day in the period: the mean of the
day's non-null residual chlorine readings lies outside the class range (bounds compliant; the
ranges are rules/data/wastewater.yaml's as of that day).
Days with no non-null reading are not judged here (see wastewater_flatline).
"""

from __future__ import annotations

import ibis

from weijian.analytics.params import Param
from weijian.analytics.rules.base import Context, Rule, alert_frame, iso_date

CLASSES = ("infectious", "general_direct", "general_sewer")


def build(ctx: Context) -> ibis.Table:
    r = ctx.t("wastewater_readings")
    r = r.filter(ctx.in_period(r.ts_date) & r.residual_chlorine_mg_l.notnull())
    day = r.group_by(["institution_id", "sensor_id", r.ts_date.name("day")]).aggregate(
        mean=r.residual_chlorine_mg_l.mean().round(9), readings=r.count())
    inst = ctx.t("institutions").filter(lambda t: t.wastewater_class.notnull())
    inst = inst.select(i_id="institution_id", cls="wastewater_class")
    j = day.join(inst, day.institution_id == inst.i_id)
    lo = ibis.cases(*[(j.cls == c, ctx.param(f"{c}_min").at(j.day, dtype="float64")) for c in CLASSES], else_=None)
    hi = ibis.cases(*[(j.cls == c, ctx.param(f"{c}_max").at(j.day, dtype="float64")) for c in CLASSES], else_=None)
    j = j.mutate(lo=lo, hi=hi)
    fired = j.filter((j.mean < j.lo) | (j.mean > j.hi))
    out = alert_frame(fired, fired.sensor_id + "|" + iso_date(fired.day), fired.institution_id, fired.mean,
                      None, sensor_id=fired.sensor_id, day=fired.day, wastewater_class=fired.cls,
                      mean_mg_l=fired.mean, readings=fired.readings, range_min=fired.lo, range_max=fired.hi)
    return _with_threshold(out)


def _with_threshold(out: ibis.Table) -> ibis.Table:
    """threshold = the bound that was crossed."""
    return out.mutate(threshold=ibis.ifelse(out.value < out.ev_range_min, out.ev_range_min,
                                            out.ev_range_max).cast("float64"))


RULE = Rule(
    id="wastewater_chlorine", name_zh="污水总余氯超标", name_en="Wastewater residual chlorine out of range",
    legal_basis="GB 18466-2005 医疗机构水污染物排放标准 表1、表2", severity="medium",
    subject_type="sensor_day", tables=("wastewater_readings", "institutions"), build=build,
    params={f"{c}_{b}": Param("wastewater", f"wastewater_chlorine.{c}_{b}") for c in CLASSES for b in ("min", "max")})
