"""invalid_licence — 无证/证照失效执业（医师执业证书暂停、吊销或过期）.

Legal basis: 医师法 第十三条、第五十九条（非医师行医）；护士条例 第七条；执业药师注册管理办法.

Fires on a visit in the period with a non-null practitioner_id when the practitioner is unknown
to ``practitioners``, or is suspended / revoked with status_since ≤ start_date, or has
licence_valid_to < start_date (a null licence_valid_to never expires).
"""

from __future__ import annotations

import ibis

from weijian.analytics.rules.base import Context, Rule, alert_frame, source


def build(ctx: Context) -> ibis.Table:
    v = ctx.t("visits")
    v = v.filter(ctx.in_period(v.start_date) & v.practitioner_id.notnull())
    p = ctx.t("practitioners").select(p_id="practitioner_id", p_status="status", p_since="status_since",
                                      p_valid_to="licence_valid_to")
    j = v.left_join(p, v.practitioner_id == p.p_id)
    d = j.start_date
    bad = (j.p_id.isnull()
           | (j.p_status.isin(["suspended", "revoked"]) & (j.p_since <= d))
           | (j.p_valid_to.notnull() & (j.p_valid_to < d)))
    fired = j.filter(bad)
    return alert_frame(fired, fired.visit_id, fired.institution_id, visit_id=fired.visit_id,
                       start_date=fired.start_date, practitioner_id=fired.practitioner_id,
                       practitioner_known=fired.p_id.notnull(), status=fired.p_status,
                       status_since=fired.p_since, licence_valid_to=fired.p_valid_to, **source(fired))


RULE = Rule(
    id="invalid_licence", name_zh="无证/证照失效执业", name_en="Practice with an invalid or unknown licence",
    legal_basis="医师法 第十三条、第五十九条", severity="high",
    subject_type="visit", tables=("visits", "practitioners"), build=build)
