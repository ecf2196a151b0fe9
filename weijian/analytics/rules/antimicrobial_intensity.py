"""antimicrobial_intensity — 住院患者抗菌药物使用强度超标.

Legal basis: 抗菌药物临床应用管理办法（卫生部令第84号，2012-08-01施行）第三十八条（监测与超常
预警）、第四十五条；全国抗菌药物临床应用专项整治活动方案：使用强度控制在 40 DDDs/百人天 以下。

For an institution with beds > 0 and each month overlapping the period (only the month's days
inside the period count): value = 100 × Σ DDDs of J01 lines of inpatient visits dated in
those days ÷ inpatient bed-days in those days; fires when value > threshold (default 40,
exclusive). DDDs of a line = quantity × unit_strength_g ÷ ddd_g for its (atc_code, route);
lines lacking unit_strength_g or a DDD are left out (counted in the report). Months with no
bed-days are not computed. See ``weijian.analytics.measures``.
"""

from __future__ import annotations

import ibis

from weijian.analytics.measures import intensity
from weijian.analytics.rules.base import Context, Rule, alert_frame


def build(ctx: Context) -> ibis.Table:
    thr = ctx.params["threshold"]
    x = intensity(ctx)
    inst = ctx.t("institutions").filter(lambda t: t.beds > 0).select(i_id="institution_id", beds="beds")
    x = x.join(inst, x.institution_id == inst.i_id)
    fired = x.filter(x.value > thr)
    return alert_frame(fired, fired.institution_id + "|" + fired.month, fired.institution_id, fired.value, thr,
                       month=fired.month, ddds=fired.ddds.round(6), bed_days=fired.bed_days,
                       j01_lines=fired.lines, beds=fired.beds)


RULE = Rule(
    id="antimicrobial_intensity", name_zh="抗菌药物使用强度超标", name_en="Antibacterial use density above target",
    legal_basis="抗菌药物临床应用管理办法（卫生部令第84号）", department="health", severity="medium",
    subject_type="institution_month", tables=("visits", "prescriptions", "institutions"), build=build,
    params={"threshold": 40.0})
