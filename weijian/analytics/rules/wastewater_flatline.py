"""wastewater_flatline — 在线监测数据造假/停运.

Legal basis: 排污许可管理条例（国务院令第736号）第三十四条（不得篡改、伪造自动监测数据）；
环境保护法 第六十三条；医院污水处理在线监测要求（GB 18466-2005 第5章）.

Per sensor and day in the period, fires when either
(a) ≥ min_readings (12) consecutive non-null chlorine readings of that day, ordered by ts
    (null readings are skipped, they do not break a run), are all equal and span ≥ min_span_hours
    (6 h, inclusive: last ts − first ts ≥ 6 h; both rules/data/wastewater.yaml's as of that day);
    found as maximal runs of equal values
    (gaps and islands with ``lag`` and a running sum); or
(b) the day has no non-null reading although the day before (which may lie before the period)
    had one.
"""

from __future__ import annotations

import ibis

from weijian.analytics.params import Param
from weijian.analytics.rules.base import Context, Rule, alert_frame, iso_date


def build(ctx: Context) -> ibis.Table:
    r = ctx.t("wastewater_readings")
    r = r.filter(r.residual_chlorine_mg_l.notnull())
    r = r.select("institution_id", "sensor_id", "ts", day="ts_date", val="residual_chlorine_mg_l")
    inp = r.filter(ctx.in_period(r.day))
    keys = [inp.institution_id, inp.sensor_id, inp.day]
    w = ibis.window(group_by=keys, order_by=[inp.ts, inp.val])
    inp = inp.mutate(chg=ibis.ifelse(inp.val.lag().over(w) == inp.val, 0, 1))
    w2 = ibis.window(group_by=[inp.institution_id, inp.sensor_id, inp.day], order_by=[inp.ts, inp.val],
                     rows=(None, 0))
    inp = inp.mutate(run=inp.chg.sum().over(w2))
    runs = inp.group_by(["institution_id", "sensor_id", "day", "run"]).aggregate(
        n=inp.count(), first_ts=inp.ts.min(), last_ts=inp.ts.max(), val=inp.val.min())
    runs = runs.mutate(n_min=ctx.param("min_readings").at(runs.day),
                       span_s=ctx.param("min_span_hours").at(runs.day, lambda h: round(h * 3600)))
    runs = runs.filter((runs.n >= runs.n_min) & (runs.last_ts - runs.first_ts >= runs.span_s))
    runs = runs.mutate(rn=ibis.row_number().over(group_by=[runs.institution_id, runs.sensor_id, runs.day],
                                                 order_by=[runs.n.desc(), runs.first_ts]))
    flat = runs.filter(runs.rn == 0)
    a = alert_frame(flat, flat.sensor_id + "|" + iso_date(flat.day), flat.institution_id, flat.n,
                    flat.n_min, sensor_id=flat.sensor_id, day=iso_date(flat.day), kind=ibis.literal("flatline"),
                    readings=flat.n, value_mg_l=flat.val, first__ts=flat.first_ts, last__ts=flat.last_ts)

    days = r.select("institution_id", "sensor_id", "day").distinct()
    nxt = days.mutate(day=days.day + ibis.interval(days=1))
    nxt = nxt.filter(ctx.in_period(nxt.day))
    d2 = days.select(o_inst="institution_id", o_sensor="sensor_id", o_day="day")
    gone = nxt.anti_join(d2, [nxt.institution_id == d2.o_inst, nxt.sensor_id == d2.o_sensor,
                              nxt.day == d2.o_day])
    b = alert_frame(gone, gone.sensor_id + "|" + iso_date(gone.day), gone.institution_id, None, None,
                    sensor_id=gone.sensor_id, day=iso_date(gone.day), kind=ibis.literal("no_reading"),
                    readings=ibis.literal(0).cast("int64"), value_mg_l=ibis.null().cast("float64"),
                    first__ts=ibis.null().cast("int64"), last__ts=ibis.null().cast("int64"))
    a = a.mutate(ev_readings=a.ev_readings.cast("int64"), ev_value_mg_l=a.ev_value_mg_l.cast("float64"),
                 ev_first__ts=a.ev_first__ts.cast("int64"), ev_last__ts=a.ev_last__ts.cast("int64"))
    return a.union(b)


RULE = Rule(
    id="wastewater_flatline", name_zh="在线监测数据造假/停运", name_en="Wastewater sensor flatline or stopped",
    legal_basis="排污许可管理条例 第三十四条；环境保护法 第六十三条", severity="high",
    subject_type="sensor_day", tables=("wastewater_readings",), build=build,
    params={"min_readings": Param("wastewater", "wastewater_flatline.min_readings", "integer"),
            "min_span_hours": Param("wastewater", "wastewater_flatline.min_span_hours")})
