"""prescribing_outlier — 临床用药超常（处方量远高于同科室同行）. *Statistical.*

Legal basis: 处方管理办法（卫生部令第53号）第四十四条（处方点评，超常预警）、第四十五条；
抗菌药物临床应用管理办法（卫生部令第84号）第三十八条；医院处方点评管理规范（试行）第十九条.

Method. The engine aggregates, per practitioner, drug (ATC level 5) and month of the period,
the DDDs prescribed (lines of the counted antimicrobial groups with a usable DDD) or, for other
drugs, the amount in yuan;
the practitioner's dept is the 一级 code of the visits the lines belong to (smallest when
several). Locally and exactly (so both engines agree), within each peer group
(dept, drug, month, measure) with ≥ ``min_peers`` practitioners:

    x = ln(1 + total);  m = median(x);  MAD = median(|x − m|)
    z = 0.6745 × (x − m) / MAD        (Iglewicz–Hoaglin modified z-score)

(when MAD = 0 the mean absolute deviation × 1.2533 replaces 0.6745 / MAD's denominator, and a
group with no spread at all is skipped). Fires when z > ``z_threshold``, total ≥ ``min_ddd`` (DDD
measure) or ``min_amount`` yuan (amount measure), total ≥ ``min_ratio_to_median`` × the group's median
total, and — when the run covers at least ``own_min_months`` months — total ≥ ``min_ratio_to_own_median``
× the practitioner's own median monthly total of the drug over the run's months (a month without the
drug counts 0). value = z, threshold = z_threshold; evidence adds ``own_median`` (null when the run is
too short for it). By default only drugs measured in DDDs are monitored: the antimicrobials of
``counted_atc_groups`` (rules/data/antimicrobials.yaml; J01 by default, as the use intensity);
``include_amounts = 1`` adds every other drug, measured by amount. The parameters are
rules/data/statistical_rules.yaml's as of the month's first day.

Why these conditions: with small monthly counts per practitioner and drug, the z-score alone flags
many ordinary practitioners. Requiring a substantial volume (≥ 100 DDDs in the month, i.e. 100
patient-days of therapy) and at least 5× the peer median keeps the large departures; what remains
wrong are the steady habits — a doctor who prescribes one drug heavily every month (on generated
data, azithromycin's 0.3 g DDD) is far above peers but not 超常 in the sense of 第四十四条's warning of
abnormal growth. Comparing with one's own usual month removes them, and a looser z (1.5, was 2.5)
then keeps the peer groups where several outliers widen the spread. The alert of a month therefore
depends on the months the run covers: a run of one or two months judges against peers only (the
precision of the peer conditions alone, lower). Figures, method and limits: docs/statistical-rules.md
(``python -m benchmarks statistical``).
"""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa

from weijian.analytics.measures import GROUPS, all_groups, any_prefix, counted, with_month_and_ddd
from weijian.analytics.output import local
from weijian.analytics.params import Param
from weijian.analytics.rules.base import Context, Rule, dept1

FILE = "statistical_rules"


def build(ctx: Context) -> ibis.Table:
    groups = ctx.param("counted_atc_groups")
    ddd_only = not any(ctx.param("include_amounts").values())
    p = ctx.t("prescriptions")
    p = p.filter(p.atc_code.notnull() & ctx.in_period(p.date))
    if ddd_only:
        # no version of the window monitors amounts: only lines measured in DDDs can fire or be a peer (a peer
        # group, the own median and the subject's pick are per measure), so the others are not joined at all
        p = p.filter(any_prefix(p.atc_code, all_groups(groups)))
    v = ctx.t("visits").select(v_id="visit_id", v_dept="dept_code")
    p = with_month_and_ddd(ctx, p.join(v, p.visit_id == v.v_id))
    by_ddd = p.usable & counted(groups, p.atc_code, p.m_first)
    if ddd_only:
        p = p.filter(by_ddd)
    p = p.mutate(measure=ibis.ifelse(by_ddd, "ddd", "amount"), qty=ibis.ifelse(by_ddd, p.ddds, p.amount),
                 dept=dept1(p.v_dept))
    g = p.group_by([p.practitioner_id, p.atc_code, p.month, p.measure]).aggregate(
        total=p.qty.sum(), lines=p.count(), dept=p.dept.min(), institution_id=p.institution_id.min())
    return g.mutate(total=g.total.round(6))


def run_months(start: dt.date, end: dt.date) -> list[str]:
    """The months ('YYYY-MM') the period touches."""
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def post(agg: pa.Table, ctx: Context) -> pa.Table:
    """Robust z-scores per peer group, computed exactly in a local DuckDB."""
    first = "CAST(month || '-01' AS DATE)"  # each subject month is judged by the values of its first day

    def prm(name: str) -> str:
        return ctx.param(name).sql(first)

    con = local()
    con.register("agg", agg)
    con.register("run_months", pa.table({"month": run_months(ctx.start, ctx.end)}))
    n_months = len(run_months(ctx.start, ctx.end))
    rel = con.sql(f"""
        WITH pick AS (  -- one measure per subject: DDDs where any, else amount
            SELECT * FROM agg QUALIFY row_number() OVER (
                PARTITION BY practitioner_id, atc_code, month ORDER BY measure DESC) = 1),
        own AS (  -- the practitioner's usual monthly use of the drug: median over the run's months, 0 where none
            SELECT k.practitioner_id, k.atc_code, k.measure, median(coalesce(p.total, 0)) AS own_median
            FROM (SELECT DISTINCT practitioner_id, atc_code, measure FROM pick) k CROSS JOIN run_months r
            LEFT JOIN pick p ON p.practitioner_id = k.practitioner_id AND p.atc_code = k.atc_code
                            AND p.measure = k.measure AND p.month = r.month
            GROUP BY ALL),
        x AS (SELECT *, ln(1 + greatest(total, 0)) AS x FROM pick),
        g AS (SELECT dept, atc_code, month, measure, count(*) AS peers, median(x) AS m,
                     median(total) AS med_total FROM x GROUP BY ALL),
        d AS (SELECT x.*, g.peers, g.m, g.med_total, abs(x.x - g.m) AS dev
              FROM x JOIN g USING (dept, atc_code, month, measure)),
        s AS (SELECT dept, atc_code, month, measure, median(dev) AS mad, avg(dev) AS meanad
              FROM d GROUP BY ALL),
        z AS (SELECT d.*, s.mad, o.own_median,
                     CASE WHEN s.mad > 0 THEN 0.6745 * (d.x - d.m) / s.mad
                          WHEN s.meanad > 0 THEN (d.x - d.m) / (1.2533 * s.meanad) END AS z
              FROM d JOIN s USING (dept, atc_code, month, measure)
              JOIN own o USING (practitioner_id, atc_code, measure))
        SELECT practitioner_id || '|' || atc_code || '|' || month AS subject_id, institution_id,
               round(z, 6) AS value, {prm('z_threshold')} AS threshold,
               practitioner_id AS ev_practitioner_id, atc_code AS ev_atc_code, month AS ev_month,
               dept AS ev_dept, measure AS ev_measure, total AS ev_total, lines AS ev_lines,
               peers AS ev_peers, round(med_total, 6) AS ev_peer_median,
               CASE WHEN {n_months} >= {prm('own_min_months')} THEN round(own_median, 6) END AS ev_own_median
        FROM z
        WHERE peers >= {prm('min_peers')} AND z > {prm('z_threshold')}
          AND total >= CASE WHEN measure = 'ddd' THEN {prm('min_ddd')} ELSE {prm('min_amount')} END
          AND total >= {prm('min_ratio_to_median')} * med_total
          AND ({n_months} < {prm('own_min_months')} OR total >= {prm('min_ratio_to_own_median')} * own_median)
          AND (measure = 'ddd' OR {prm('include_amounts')} = 1)
        ORDER BY subject_id""")
    return rel.to_arrow_table()


RULE = Rule(
    id="prescribing_outlier", name_zh="临床用药超常", name_en="Prescribing far above same-dept peers",
    legal_basis="处方管理办法 第四十四条、第四十五条；抗菌药物临床应用管理办法 第三十八条",
    severity="low", subject_type="practitioner_drug_month", tables=("prescriptions", "visits"), build=build,
    statistical=True, post=post,
    params={"z_threshold": Param(FILE, "prescribing_outlier.z_threshold"),
            "min_peers": Param(FILE, "prescribing_outlier.min_peers", "integer"),
            "min_ddd": Param(FILE, "prescribing_outlier.min_ddd"),
            "min_amount": Param(FILE, "prescribing_outlier.min_amount"),
            "min_ratio_to_median": Param(FILE, "prescribing_outlier.min_ratio_to_median"),
            "include_amounts": Param(FILE, "prescribing_outlier.include_amounts", "flag"),
            "min_ratio_to_own_median": Param(FILE, "prescribing_outlier.min_ratio_to_own_median"),
            "own_min_months": Param(FILE, "prescribing_outlier.own_min_months", "integer"),
            "counted_atc_groups": GROUPS})
