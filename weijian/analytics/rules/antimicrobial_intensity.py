"""antimicrobial_intensity — 住院患者抗菌药物使用强度超标.

Legal basis: 抗菌药物临床应用管理办法（卫生部令第84号，2012-08-01施行）第三十八条（监测与超常
预警）、第四十五条；全国抗菌药物临床应用专项整治活动方案：使用强度控制在 40 DDDs/百人天 以下。

For an institution with beds > 0 and each month overlapping the period (only the month's days
inside the period count): value = 100 × Σ DDDs of the lines of inpatient visits dated in those
days whose ATC code is in the counted groups (``counted_atc_groups``, J01 by default) ÷ inpatient
bed-days in those days; fires when value > ``use_intensity_max`` (40, exclusive), both as of the
month's first day (rules/data/antimicrobials.yaml). DDDs of a line = quantity × strength ÷ the DDD
in force on the line's date, in the strength's unit (:mod:`weijian.analytics.ddd`); lines lacking a
strength, a DDD or a convertible unit are left out (counted and named in the report). Months with
no bed-days are not computed. See ``weijian.analytics.measures``.
"""

from __future__ import annotations

import ibis

from weijian.analytics.measures import GROUPS, intensity
from weijian.analytics.params import Param
from weijian.analytics.rules.base import Context, Rule, alert_frame


def build(ctx: Context) -> ibis.Table:
    x = intensity(ctx)
    inst = ctx.t("institutions").filter(lambda t: t.beds > 0).select(i_id="institution_id", beds="beds")
    x = x.join(inst, x.institution_id == inst.i_id)
    x = x.mutate(thr=ctx.param("threshold").at(x.m_first))
    fired = x.filter(x.value > x.thr)
    return alert_frame(fired, fired.institution_id + "|" + fired.month, fired.institution_id, fired.value, fired.thr,
                       month=fired.month, ddds=fired.ddds.round(6), bed_days=fired.bed_days,
                       counted_lines=fired.lines, beds=fired.beds)


RULE = Rule(
    id="antimicrobial_intensity", name_zh="抗菌药物使用强度超标", name_en="Antibacterial use density above target",
    legal_basis="抗菌药物临床应用管理办法（卫生部令第84号）", severity="medium",
    subject_type="institution_month", tables=("visits", "prescriptions", "institutions"), build=build,
    params={"threshold": Param("antimicrobials", "use_intensity_max"), "counted_atc_groups": GROUPS})
