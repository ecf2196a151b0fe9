"""duplicate_charge — 重复收费.

Legal basis: 医疗保障基金使用监督管理条例 第十五条（不得重复收费）、第三十八条；
医疗机构医疗保障定点管理暂行办法.

Fires on a charge line (date in the period) when another line of the same visit has the same
date, item_code, quantity and unit_price and a smaller line_id (string order): every later
copy fires, the first does not. Done as an aggregate (group → min line_id, count) joined back,
which scales better than a window over every line. At city scale (≈ 136 M lines a month) that
five-column aggregate dominates the run, so it is preceded by a cheap pass over one integer: a
hash of the five keys (XOR of the per-column hashes), counted per value; only lines whose hash
occurs more than once can have a copy, and the exact aggregate runs on those candidates alone.
Hash collisions only add candidates, which the exact aggregate then rejects: the answer is
unchanged.
"""

from __future__ import annotations

import ibis

from weijian.analytics.rules.base import Context, Rule, alert_frame, source

KEYS = ["visit_id", "date", "item_code", "quantity", "unit_price"]


def build(ctx: Context) -> ibis.Table:
    c = ctx.t("charges")
    c = c.filter(ctx.in_period(c.date))
    h = c.visit_id.hash()
    for k in KEYS[1:]:
        h = h ^ c[k].hash()
    c = c.mutate(_key_hash=h)
    seen = c.group_by("_key_hash").aggregate(n=c.count())
    seen = seen.filter(seen.n > 1).select(dup_hash="_key_hash")
    c = c.semi_join(seen, c._key_hash == seen.dup_hash)
    g = c.group_by(KEYS).aggregate(first_line=c.line_id.min(), copies=c.count())
    g = g.filter(g.copies > 1).rename({f"g_{k}": k for k in KEYS})
    j = c.join(g, [c[k] == g[f"g_{k}"] for k in KEYS])
    fired = j.filter(j.line_id > j.first_line)
    return alert_frame(fired, fired.line_id, fired.institution_id, fired.amount, None,
                       line_id=fired.line_id, first_line_id=fired.first_line, visit_id=fired.visit_id,
                       date=fired.date, item_code=fired.item_code, quantity=fired.quantity,
                       unit_price=fired.unit_price, copies=fired.copies, amount=fired.amount, **source(fired))


RULE = Rule(
    id="duplicate_charge", name_zh="重复收费", name_en="Duplicate charge",
    legal_basis="医疗保障基金使用监督管理条例 第十五条、第三十八条", severity="medium",
    subject_type="charge", tables=("charges",), build=build)
