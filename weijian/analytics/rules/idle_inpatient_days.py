"""idle_inpatient_days — 挂床住院.

Legal basis: 医疗保障基金使用监督管理条例 第十五条（不得挂床住院）、第三十八条.

Fires on an inpatient stay (start_date in the period) that has ≥ min_idle_days
(rules/data/insurance_fund.yaml, as of the stay's start_date) consecutive days strictly between start_date and end_date on each of which it has no charge
line other than ``bed`` items (no line at all counts too). Every day strictly inside the stay
counts, also after the period's end (context).

Method, without exploding date ranges: take the distinct days of the stay's non-bed lines
strictly inside (start_date, end_date), add start_date and end_date as sentinels, order by day
and take the gap to the previous point (``lag``); a gap of g days between two points holds
g − 1 idle days. The longest run is the value; the evidence names the first idle day and the
run's length.

Scale: where the period's lines are many, the stays are judged in groups, each a query of its own (a part),
and each group reads only the lines its stays can hold, so a year's run never sorts a year's stay-days at
once. The stays of at most ``SHORT_STAY_DAYS`` days form one group per span of months (``spans``: one month
each at a city's scale) by start_date, whose lines are bounded by date: (span's first day, span's last day +
SHORT_STAY_DAYS). The longer stays, few, form one more group that reads every line after the period's start.
Each stay is in exactly one group and sees all its lines: the same answer. Where one span holds the whole
period, all stays are one group (one scan of the lines). Each group's distinct active days (stay, day) are
staged before the gaps are taken (``Context.stage``): the same rows, a plan the engine handles better.
"""

from __future__ import annotations

import datetime as dt
import functools

import ibis
import ibis.expr.types as ir

from weijian.analytics.params import Param
from weijian.analytics.rules.base import (
    Context,
    Parts,
    Rule,
    alert_frame,
    days_between,
    iso_date,
    source,
    spans,
)

# An engineering bound, not a legal figure: stays up to this length are grouped by their start month.
# A month's group then reads about two months of lines; longer stays are judged in one group of their own.
SHORT_STAY_DAYS = 31


def _longest_idle(ctx: Context, stays: ir.Table, c: ir.Table) -> ir.Table:
    """STAYS whose longest idle run reaches min_idle_days, with that run; C: the non-bed lines that can fall
    inside them (``c_visit``, ``day``). Built when its part runs: the stays' active days are staged first."""
    active = c.join(stays, [c.c_visit == stays.visit_id, c.day > stays.start_date, c.day < stays.end_date])
    # staged: planned alone, DuckDB filters the lines by the stays' keys as it scans them; inside the union and
    # windows below it probes every line (a city's month: 12 s for the whole part, 7 s staged)
    active = ctx.stage(active.select("visit_id", "day").distinct())
    points = active.union(stays.select("visit_id", day=stays.start_date)).union(
        stays.select("visit_id", day=stays.end_date))
    w = ibis.window(group_by=points.visit_id, order_by=points.day)
    points = points.mutate(prev=points.day.lag().over(w))
    gaps = points.filter(points.prev.notnull())
    gaps = gaps.mutate(idle=days_between(gaps.day, gaps.prev) - 1)
    gaps = gaps.mutate(rn=ibis.row_number().over(group_by=gaps.visit_id, order_by=[gaps.idle.desc(), gaps.day]))
    top = gaps.filter(gaps.rn == 0)
    s = stays.select(s_id="visit_id", inst="institution_id", s_start="start_date", s_end="end_date",
                     _src_file="_src_file", _src_row="_src_row")
    top = top.join(s, top.visit_id == s.s_id)
    top = top.mutate(k=ctx.param("min_idle_days").at(top.s_start))
    return top.filter(top.idle >= top.k)


def build(ctx: Context) -> Parts:
    k_min = int(ctx.param("min_idle_days").min())  # a cheap pre-filter; each stay is judged by its own date
    v = ctx.t("visits")
    stays = v.filter((v.kind == "inpatient") & ctx.in_period(v.start_date))
    stays = stays.filter(days_between(stays.end_date, stays.start_date) - 1 >= k_min)
    stays = stays.select("visit_id", "institution_id", "start_date", "end_date", "_src_file", "_src_row")
    c = ctx.t("charges")
    c = c.filter(c.item_kind != "bed").select(c_visit="visit_id", day="date")
    after_start = c.filter(c.day > ibis.date(ctx.start))
    periods = spans(ctx, "charges")
    if len(periods) == 1:
        groups = [(stays, after_start)]
    else:
        short = days_between(stays.end_date, stays.start_date) <= SHORT_STAY_DAYS
        groups = []
        for lo, hi in periods:
            span = stays.filter(short & stays.start_date.between(ibis.date(lo), ibis.date(hi)))
            lines = c.filter(c.day.between(ibis.date(lo + dt.timedelta(days=1)),
                                           ibis.date(hi + dt.timedelta(days=SHORT_STAY_DAYS - 1))))
            groups.append((span, lines))
        groups.append((stays.filter(~short), after_start))
    return [functools.partial(_alerts, ctx, s, lines) for s, lines in groups]


def _alerts(ctx: Context, stays: ir.Table, lines: ir.Table) -> ir.Table:
    g = _longest_idle(ctx, stays, lines)
    return alert_frame(g, g.visit_id, g.inst, g.idle, g.k, visit_id=g.visit_id, start_date=g.s_start,
                       end_date=g.s_end, first_idle_day=iso_date(g.prev + ibis.interval(days=1)), idle_days=g.idle,
                       **source(g))


RULE = Rule(
    id="idle_inpatient_days", name_zh="挂床住院", name_en="Idle inpatient days (bed only)",
    legal_basis="医疗保障基金使用监督管理条例 第十五条、第三十八条", severity="medium",
    subject_type="visit", tables=("visits", "charges"), build=build,
    params={"min_idle_days": Param("insurance_fund", "idle_inpatient_days.min_idle_days", "integer")})
