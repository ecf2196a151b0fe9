"""post_death_charge — 冒用已故人员身份/死亡后发生费用.

Legal basis: 医疗保障基金使用监督管理条例 第十九条（不得冒用他人医疗保障凭证）、第四十一条；
刑法 第二百六十六条（诈骗）.

Fires on a charge line dated in the period whose patient has a death_date earlier than the
charge's date (strictly after the death day; a charge on the day of death does not fire). With
several death records the earliest counts.
"""

from __future__ import annotations

import ibis

from weijian.analytics.rules.base import Context, Rule, alert_frame, days_between, source


def build(ctx: Context) -> ibis.Table:
    c = ctx.t("charges")
    c = c.filter(ctx.in_period(c.date))
    d = ctx.t("deaths")
    d = d.group_by(d.patient_id.name("d_pat")).aggregate(death_date=d.death_date.min())
    j = c.join(d, [c.patient_id == d.d_pat, c.date > d.death_date])
    return alert_frame(j, j.line_id, j.institution_id, days_between(j.date, j.death_date), 0.0,
                       line_id=j.line_id, visit_id=j.visit_id, patient_id=j.patient_id, date=j.date,
                       death_date=j.death_date, amount=j.amount, **source(j))


RULE = Rule(
    id="post_death_charge", name_zh="死亡后发生费用（冒用已故人员）", name_en="Charge after the patient's death",
    legal_basis="医疗保障基金使用监督管理条例 第十九条、第四十一条", severity="high",
    subject_type="charge", tables=("charges", "deaths"), build=build)
