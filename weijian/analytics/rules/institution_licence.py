"""institution_licence — 无证/超期/停业期间执业.

Legal basis: 医疗机构管理条例（国务院令第149号，2022修订）第二十三条（任何单位或者个人，未取得
《医疗机构执业许可证》不得开展诊疗活动）、第四十三条；基本医疗卫生与健康促进法 第九十九条。

Fires on a visit whose start_date lies in the period when, on that day, the institution's
licence is not valid (outside licence_valid_from … licence_valid_to, both inclusive), or its
status is suspended / revoked / closed with status_since ≤ start_date. A visit whose
institution is unknown to ``institutions`` has no licence at all and fires too.
"""

from __future__ import annotations

import ibis

from weijian.analytics.rules.base import Context, Rule, alert_frame, source


def build(ctx: Context) -> ibis.Table:
    v = ctx.t("visits")
    v = v.filter(ctx.in_period(v.start_date))
    i = ctx.t("institutions").select("institution_id", "licence_valid_from", "licence_valid_to", "status",
                                     "status_since", known=ibis.literal(True))
    j = v.left_join(i, v.institution_id == i.institution_id)
    d = j.start_date
    outside = (d < j.licence_valid_from) | (d > j.licence_valid_to)
    stopped = j.status.isin(["suspended", "revoked", "closed"]) & (j.status_since <= d)
    fired = j.filter(j.known.isnull() | outside | stopped)
    return alert_frame(
        fired, fired.visit_id, fired.institution_id,
        visit_id=fired.visit_id, start_date=fired.start_date, licence_valid_from=fired.licence_valid_from,
        licence_valid_to=fired.licence_valid_to, status=fired.status, status_since=fired.status_since,
        institution_known=fired.known.notnull(), **source(fired))


RULE = Rule(
    id="institution_licence", name_zh="无证/超期/停业期间执业", name_en="Practice without a valid institution licence",
    legal_basis="医疗机构管理条例 第二十三条、第四十三条", severity="high",
    subject_type="visit", tables=("visits", "institutions"), build=build)
