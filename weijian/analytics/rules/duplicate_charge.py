"""duplicate_charge — 重复收费.

Legal basis: 医疗保障基金使用监督管理条例 第十五条（不得重复收费）、第三十八条；
医疗机构医疗保障定点管理暂行办法.

Fires on a charge line (date in the period) when another line of the same visit has the same
date, item_code, quantity and unit_price and a smaller line_id (string order): every later
copy fires, the first does not.

Plan (it used to be the costliest rule: a five-key aggregate over every line and a join back):
a cheap pass over one integer first, a hash of the five keys (one ``hash`` of a struct); copies share
their date, so the hashes of each day are sorted and a hash equal to the one before it occurs more
than once. Only lines whose hash does can have a copy (about 0.4 % of the generated lines). On
those candidates alone, windows over the five keys give each line its group's first line_id and
size directly: no exact aggregate over all lines and no join back.
Hash collisions only add candidates, whose own group then has one line: the answer is unchanged.
Copies share their date, so each month of the period is counted on its own, as a query of its own (a
part; the parts' rows are the answer): a year run holds one month's hash count at a time, not a year's.
"""

from __future__ import annotations

import ibis

from weijian.analytics.rules.base import Context, Parts, Rule, alert_frame, month_spans, source

KEYS = ["visit_id", "date", "item_code", "quantity", "unit_price"]


def _copies(c: ibis.Table) -> ibis.Table:
    """The lines of ``c`` that have an earlier copy, with their group's first line and size."""
    hashed = c.select("date", _key_hash=ibis.struct({k: c[k] for k in KEYS}).hash())
    # a hash that occurs twice on a day sits next to itself once the day's hashes are sorted: a sort per day is
    # cheaper than counting millions of distinct hashes, and the days are parts a cluster can sort apart
    w = ibis.window(group_by=hashed.date, order_by=hashed._key_hash)
    hashed = hashed.mutate(prev=hashed._key_hash.lag().over(w))
    seen = hashed.filter(hashed._key_hash == hashed.prev).select(dup_hash="_key_hash")
    c = c.filter(ibis.struct({k: c[k] for k in KEYS}).hash().isin(seen.dup_hash))
    w = ibis.window(group_by=[c[k] for k in KEYS])
    c = c.mutate(first_line=c.line_id.min().over(w), copies=c.line_id.count().over(w))
    return c.filter((c.copies > 1) & (c.line_id > c.first_line))


def _alerts(fired: ibis.Table) -> ibis.Table:
    return alert_frame(fired, fired.line_id, fired.institution_id, fired.amount, None,
                       line_id=fired.line_id, first_line_id=fired.first_line, visit_id=fired.visit_id,
                       date=fired.date, item_code=fired.item_code, quantity=fired.quantity,
                       unit_price=fired.unit_price, copies=fired.copies, amount=fired.amount, **source(fired))


def build(ctx: Context) -> Parts:
    c = ctx.t("charges")
    # copies share their date, so each month of the period is judged on its own: the same answer, with the
    # hash count of one month's lines at a time (a city's year is 1.5 billion charge lines, a month 137 million)
    return [_alerts(_copies(c.filter(c.date.between(ibis.date(lo), ibis.date(hi)))))
            for _, _, lo, hi in month_spans(ctx.start, ctx.end)]


RULE = Rule(
    id="duplicate_charge", name_zh="重复收费", name_en="Duplicate charge",
    legal_basis="医疗保障基金使用监督管理条例 第十五条、第三十八条", severity="medium",
    subject_type="charge", tables=("charges",), build=build)
