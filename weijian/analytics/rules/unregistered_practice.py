"""unregistered_practice — 未注册/未备案执业（医师在未注册的机构执业）.

Legal basis: 医师法（2022-03-01施行）第十四条（医师经注册后，在医疗卫生机构中按照注册的执业地点、
执业类别、执业范围执业）、第五十七条；医师执业注册管理办法 第十九条（多机构执业备案）.

Fires on a visit in the period with a non-null practitioner_id that has no ``registrations``
row for the visit's institution valid on start_date.
"""

from __future__ import annotations

import ibis

from weijian.analytics.rules.base import Context, Rule, alert_frame, source, valid_on


def build(ctx: Context) -> ibis.Table:
    v = ctx.t("visits")
    v = v.filter(ctx.in_period(v.start_date) & v.practitioner_id.notnull())
    r = ctx.t("registrations")
    fired = v.anti_join(r, [v.practitioner_id == r.practitioner_id, v.institution_id == r.institution_id,
                            valid_on(r.valid_from, r.valid_to, v.start_date)])
    return alert_frame(fired, fired.visit_id, fired.institution_id, visit_id=fired.visit_id,
                       start_date=fired.start_date, practitioner_id=fired.practitioner_id, **source(fired))


RULE = Rule(
    id="unregistered_practice", name_zh="未注册/未备案执业", name_en="Practice at an institution without registration",
    legal_basis="医师法 第十四条、第五十七条；医师执业注册管理办法 第十九条", severity="medium",
    subject_type="visit", tables=("visits", "registrations"), build=build)
