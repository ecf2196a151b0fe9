"""practitioner_scope — 超执业范围执业.

Legal basis: 医师法 第十四条（按照注册的执业范围执业）、第五十七条；医师执业注册管理办法 第八条、
关于医师执业注册中执业范围的暂行规定. 急诊医学科（20）不受限：急救时可在执业范围外开展诊疗。

Fires on a visit in the period whose practitioner is known to ``practitioners``, is a
physician or assistant_physician, and has neither the visit's dept_code nor its 一级 code in
``practitioner_scopes``. Visits in dept 20 (any code whose 一级 code is ``20``) never fire.
"""

from __future__ import annotations

import ibis

from weijian.analytics.rules.base import Context, Rule, alert_frame, dept1, source


def build(ctx: Context) -> ibis.Table:
    v = ctx.t("visits")
    v = v.filter(ctx.in_period(v.start_date) & v.practitioner_id.notnull())
    v = v.mutate(dept1=dept1(v.dept_code))
    v = v.filter(v.dept1 != "20")
    p = ctx.t("practitioners").filter(lambda t: t.kind.isin(["physician", "assistant_physician"]))
    p = p.select(p_id="practitioner_id", p_kind="kind")
    v = v.join(p, v.practitioner_id == p.p_id)
    s = ctx.t("practitioner_scopes")
    a = v.anti_join(s, [v.practitioner_id == s.practitioner_id, v.dept_code == s.dept_code])
    s2 = ctx.t("practitioner_scopes").view()
    fired = a.anti_join(s2, [a.practitioner_id == s2.practitioner_id, a.dept1 == s2.dept_code])
    return alert_frame(fired, fired.visit_id, fired.institution_id, visit_id=fired.visit_id,
                       start_date=fired.start_date, practitioner_id=fired.practitioner_id,
                       practitioner_kind=fired.p_kind, dept_code=fired.dept_code, **source(fired))


RULE = Rule(
    id="practitioner_scope", name_zh="超执业范围执业", name_en="Practice outside the practitioner's scope",
    legal_basis="医师法 第十四条、第五十七条", severity="medium",
    subject_type="visit", tables=("visits", "practitioners", "practitioner_scopes"), build=build)
