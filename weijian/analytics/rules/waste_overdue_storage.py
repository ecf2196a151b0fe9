"""waste_overdue_storage — 医疗废物暂存超时.

Legal basis: 医疗废物管理条例（国务院令第380号）第十七条；医疗卫生机构医疗废物管理办法（卫生部令
第36号）第十九条（暂时贮存的时间不得超过2天）.

For a bag sealed inside the period (sealed_at's local date): fires when
collected_at − sealed_at > max_hours (rules/data/medical_waste.yaml as of the sealing day; 48,
exclusive: exactly 48 h is compliant), or
collected_at is null and the end of the period (the end date's 24:00) is more than max_hours
after sealed_at. Times are Asia/Shanghai local.
"""

from __future__ import annotations

import ibis

from weijian.analytics.params import Param
from weijian.analytics.rules.base import Context, Rule, alert_frame, source


def build(ctx: Context) -> ibis.Table:
    hours = ctx.param("max_hours")
    b = ctx.t("waste_bags")
    b = b.filter(ctx.in_period(b.sealed_at_date))
    until = b.collected_at.fill_null(ctx.end_of_period_s)
    b = b.mutate(held_s=until - b.sealed_at, limit_s=hours.at(b.sealed_at_date, lambda h: round(h * 3600)),
                 max_hours=hours.at(b.sealed_at_date, dtype="float64"))
    fired = b.filter(b.held_s > b.limit_s)
    return alert_frame(fired, fired.bag_id, fired.institution_id, (fired.held_s / 3600.0).round(6),
                       fired.max_hours, bag_id=fired.bag_id, category=fired.category,
                       sealed_at__ts=fired.sealed_at, collected_at__ts=fired.collected_at,
                       still_uncollected=fired.collected_at.isnull(), hours=(fired.held_s / 3600.0).round(6),
                       **source(fired))


RULE = Rule(
    id="waste_overdue_storage", name_zh="医疗废物暂存超时", name_en="Medical waste stored over 48 hours",
    legal_basis="医疗卫生机构医疗废物管理办法 第十九条；医疗废物管理条例 第十七条",
    severity="medium", subject_type="bag", tables=("waste_bags",), build=build,
    params={"max_hours": Param("medical_waste", "waste_overdue_storage.max_hours")})
