"""repeat_exam — 重复检查.

Legal basis: 医疗保障基金使用监督管理条例 第十五条（不得重复检查）；医疗机构检查检验结果互认管理办法
（国卫医发〔2022〕6号）.

Fires on an ``exam`` or ``lab`` charge line L dated in the period whose patient had a line K
with the same item_code on a different visit (any institution) with
1 ≤ L.date − K.date ≤ max_days (rules/data/insurance_fund.yaml, as of L's date; inclusive; K may lie
before the period). Evidence names the closest such K (ties: smallest line_id) and L's amount.
The period is joined in spans of months (``spans``: one month each at a city's scale), each span's lines
against the lines of that span and the max_days before it, as a query of its own (a part): a year's run
never holds a year's pairs.
"""

from __future__ import annotations

import datetime as dt

import ibis

from weijian.analytics.params import Param
from weijian.analytics.rules.base import (
    Context,
    Parts,
    Rule,
    alert_frame,
    days_between,
    one_of,
    source,
    spans,
)

EXAM_KINDS = ["exam", "lab"]  # the item kinds the rule judges (the contract's item_kind values)


def _span(ctx: Context, c: ibis.Table, lo: dt.date, hi: dt.date, n: int) -> ibis.Table:
    """The lines dated lo … hi (a span of the period's months) with their closest earlier line K."""
    lines = c.filter(one_of(c.item_kind, EXAM_KINDS) & c.date.between(ibis.date(lo), ibis.date(hi)))
    # the earlier side pruned to what the join can match: dates [lo − n, hi], the item codes of those lines
    k = c.filter(c.date.between(ibis.date(lo - dt.timedelta(days=n)), ibis.date(hi))
                 & c.item_code.isin(lines.item_code))
    k = k.select(k_line="line_id", k_visit="visit_id", k_pat="patient_id", k_item="item_code",
                 k_date="date", k_inst="institution_id")
    j = lines.join(k, [lines.patient_id == k.k_pat, lines.item_code == k.k_item, lines.visit_id != k.k_visit,
                       k.k_date < lines.date, k.k_date >= lines.date - ibis.interval(days=n)])
    j = j.mutate(days=days_between(j.date, j.k_date), max_days=ctx.param("max_days").at(j.date))
    j = j.filter(j.days <= j.max_days)
    j = j.mutate(rn=ibis.row_number().over(group_by=j.line_id, order_by=[j.days, j.k_line]))
    return j.filter(j.rn == 0)


def build(ctx: Context) -> Parts:
    n = int(ctx.param("max_days").max())  # the join's widest window; each line is judged by its own date
    c = ctx.t("charges")
    # a line's earlier lines lie within n days before it, so each span of months is joined on its own
    # (a span's lines and the n days before it): the same answer, without a year's pairs in one hash join
    return [_alerts(_span(ctx, c, lo, hi, n)) for lo, hi in spans(ctx, "charges")]


def _alerts(fired: ibis.Table) -> ibis.Table:
    return alert_frame(fired, fired.line_id, fired.institution_id, fired.days, fired.max_days, line_id=fired.line_id,
                       visit_id=fired.visit_id, date=fired.date, item_code=fired.item_code,
                       earlier_line_id=fired.k_line, earlier_visit_id=fired.k_visit, earlier_date=fired.k_date,
                       earlier_institution_id=fired.k_inst, amount=fired.amount, **source(fired))


RULE = Rule(
    id="repeat_exam", name_zh="重复检查", name_en="Repeat exam or lab within days",
    legal_basis="医疗保障基金使用监督管理条例 第十五条；检查检验结果互认管理办法",
    severity="low", subject_type="charge", tables=("charges",), build=build,
    params={"max_days": Param("insurance_fund", "repeat_exam.max_days", "integer")})
