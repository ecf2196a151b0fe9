"""out_of_scope_dept — 超范围诊疗（超出登记的诊疗科目开展诊疗活动）.

Legal basis: 医疗机构管理条例（2022修订）第二十六条（医疗机构必须按照核准登记的诊疗科目开展诊疗
活动）、第四十六条；医疗机构管理条例实施细则 第八十条.

Fires on a visit in the period when the institution has no ``institution_depts`` row valid on
start_date whose dept_code equals the visit's dept_code or the visit's 一级 code (its first two
characters: a 二级 code ``03.01`` is covered by a licence for ``03``; a licence for ``03.01``
does not cover a visit in ``03``).
"""

from __future__ import annotations

import ibis

from weijian.analytics.rules.base import Context, Rule, alert_frame, dept1, source, valid_on


def build(ctx: Context) -> ibis.Table:
    v = ctx.t("visits")
    v = v.filter(ctx.in_period(v.start_date))
    v = v.mutate(dept1=dept1(v.dept_code))
    d = ctx.t("institution_depts")
    exact = v.anti_join(d, [v.institution_id == d.institution_id, v.dept_code == d.dept_code,
                            valid_on(d.valid_from, d.valid_to, v.start_date)])
    d2 = ctx.t("institution_depts").view()
    fired = exact.anti_join(d2, [exact.institution_id == d2.institution_id, exact.dept1 == d2.dept_code,
                                 valid_on(d2.valid_from, d2.valid_to, exact.start_date)])
    return alert_frame(fired, fired.visit_id, fired.institution_id, visit_id=fired.visit_id,
                       start_date=fired.start_date, dept_code=fired.dept_code, **source(fired))


RULE = Rule(
    id="out_of_scope_dept", name_zh="超范围诊疗", name_en="Care outside the licensed departments",
    legal_basis="医疗机构管理条例 第二十六条、第四十六条", severity="medium",
    subject_type="visit", tables=("visits", "institution_depts"), build=build)
