"""split_admission — 分解住院.

Legal basis: 医疗保障基金使用监督管理条例（国务院令第735号）第十五条（不得分解住院）、第三十八条；
医疗保障基金使用监督管理条例实施细则.

Fires on an inpatient visit B (start_date in the period) of a patient who has an earlier
inpatient visit A (A.start_date < B.start_date; A may lie before the period) at the same
institution with the same first 3 characters of diagnosis and
0 ≤ B.start_date − A.end_date ≤ max_gap_days (rules/data/insurance_fund.yaml, as of B's start_date;
inclusive). Evidence names the A with the smallest gap (ties: smallest visit_id).
"""

from __future__ import annotations

import ibis

from weijian.analytics.params import Param
from weijian.analytics.rules.base import Context, Rule, alert_frame, days_between, source


def build(ctx: Context) -> ibis.Table:
    v = ctx.t("visits")
    inp = v.filter(v.kind == "inpatient")
    inp = inp.select("visit_id", "institution_id", "patient_id", "start_date", "end_date", "_src_file",
                     "_src_row", diag3=inp.diagnosis.substr(0, 3))
    b = inp.filter(ctx.in_period(inp.start_date))
    a = inp.select(a_id="visit_id", a_inst="institution_id", a_pat="patient_id", a_start="start_date",
                   a_end="end_date", a_diag3="diag3")
    j = b.join(a, [b.patient_id == a.a_pat, b.institution_id == a.a_inst, b.diag3 == a.a_diag3,
                   a.a_start < b.start_date])
    j = j.mutate(gap=days_between(j.start_date, j.a_end), gap_max=ctx.param("max_gap_days").at(j.start_date))
    j = j.filter((j.gap >= 0) & (j.gap <= j.gap_max))
    j = j.mutate(rn=ibis.row_number().over(group_by=j.visit_id, order_by=[j.gap, j.a_id]))
    fired = j.filter(j.rn == 0)
    return alert_frame(fired, fired.visit_id, fired.institution_id, fired.gap, fired.gap_max,
                       visit_id=fired.visit_id, start_date=fired.start_date, earlier_visit_id=fired.a_id,
                       earlier_start_date=fired.a_start, earlier_end_date=fired.a_end,
                       diagnosis_3=fired.diag3, gap_days=fired.gap, **source(fired))


RULE = Rule(
    id="split_admission", name_zh="分解住院", name_en="Split admission",
    legal_basis="医疗保障基金使用监督管理条例 第十五条、第三十八条", severity="high",
    subject_type="visit", tables=("visits",), build=build,
    params={"max_gap_days": Param("insurance_fund", "split_admission.max_gap_days", "integer")})
