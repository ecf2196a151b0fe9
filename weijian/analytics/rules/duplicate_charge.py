"""duplicate_charge — 重复收费.

Legal basis: 医疗保障基金使用监督管理条例 第十五条（不得重复收费）、第三十八条；
医疗机构医疗保障定点管理暂行办法.

Fires on a charge line (date in the period) when another line of the same visit has the same
date, item_code, quantity and unit_price and a smaller line_id (string order): every later
copy fires, the first does not. Done as an aggregate (group → min line_id, count) joined back,
which scales better than a window over every line.
"""

from __future__ import annotations

import ibis

from weijian.analytics.rules.base import Context, Rule, alert_frame

KEYS = ["visit_id", "date", "item_code", "quantity", "unit_price"]


def build(ctx: Context) -> ibis.Table:
    c = ctx.t("charges")
    c = c.filter(ctx.in_period(c.date))
    g = c.group_by(KEYS).aggregate(first_line=c.line_id.min(), copies=c.count())
    g = g.filter(g.copies > 1).rename({f"g_{k}": k for k in KEYS})
    j = c.join(g, [c[k] == g[f"g_{k}"] for k in KEYS])
    fired = j.filter(j.line_id > j.first_line)
    return alert_frame(fired, fired.line_id, fired.institution_id, fired.amount, None,
                       line_id=fired.line_id, first_line_id=fired.first_line, visit_id=fired.visit_id,
                       date=fired.date, item_code=fired.item_code, quantity=fired.quantity,
                       unit_price=fired.unit_price, copies=fired.copies)


RULE = Rule(
    id="duplicate_charge", name_zh="重复收费", name_en="Duplicate charge",
    legal_basis="医疗保障基金使用监督管理条例 第十五条、第三十八条", department="insurance", severity="medium",
    subject_type="charge", tables=("charges",), build=build)
