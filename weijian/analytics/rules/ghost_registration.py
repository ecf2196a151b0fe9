"""ghost_registration — 挂证（注册在本机构却几乎不在此执业）. *Statistical.*

Legal basis: 医师执业注册管理办法（国家卫生计生委令第13号）第十九条；国家卫生健康委等《关于开展
医务人员“挂证”问题专项治理的通知》（2019）；医疗机构管理条例 第二十八条.

Method (deterministic counting, judged by precision/recall): a registration (practitioner_id,
institution_id) valid through the whole period (valid_from ≤ start and valid_to null or ≥ end), at an
institution licensed through the period (licence_valid_from ≤ start, licence_valid_to ≥ end, and not
suspended, revoked or closed by the end), whose practitioner has ≤ ``max_visits_here`` visits
(start_date in the period) at that institution while having ≥ ``min_visits_elsewhere`` visits at other
institutions in the same period. value = visits here; evidence gives both counts and the
registration's dates. Both thresholds are rules/data/statistical_rules.yaml's as of the period's end; a
practitioner who is simply inactive everywhere (leave, illness) is not flagged because of the
"elsewhere" condition. A lapsed institution's registrations are left out (since 2026-12): its staff
work elsewhere because it does not operate, which is the matter of ``institution_licence`` and of the
registry, not 挂证 (on generated data they were the only false alerts; docs/statistical-rules.md).
"""

from __future__ import annotations

import ibis

from weijian.analytics.params import Param
from weijian.analytics.rules.base import Context, Rule, alert_frame


def build(ctx: Context) -> ibis.Table:
    here_max = int(ctx.param("max_visits_here").on(ctx.end))  # the subject is the whole period: judged at its end
    else_min = int(ctx.param("min_visits_elsewhere").on(ctx.end))
    r = ctx.t("registrations")
    r = r.filter((r.valid_from <= ibis.date(ctx.start))
                 & (r.valid_to.isnull() | (r.valid_to >= ibis.date(ctx.end))))
    r = r.group_by(["practitioner_id", "institution_id"]).aggregate(valid_from=r.valid_from.min(),
                                                                   is_primary=r.is_primary.any())
    # only at an institution licensed through the period: a lapsed one's registrations are its own matter
    i = ctx.t("institutions")
    closed = i.status.isin(["suspended", "revoked", "closed"]) & (i.status_since <= ibis.date(ctx.end))
    i = i.filter((i.licence_valid_from <= ibis.date(ctx.start)) & (i.licence_valid_to >= ibis.date(ctx.end))
                 & ~closed.fill_null(False)).select(i_id="institution_id")
    r = r.semi_join(i, r.institution_id == i.i_id)
    v = ctx.t("visits")
    v = v.filter(ctx.in_period(v.start_date) & v.practitioner_id.notnull())
    per = v.group_by([v.practitioner_id.name("v_pid"), v.institution_id.name("v_inst")]).aggregate(n=v.count())
    tot = v.group_by(v.practitioner_id.name("t_pid")).aggregate(total=v.count())
    j = r.left_join(per, [r.practitioner_id == per.v_pid, r.institution_id == per.v_inst])
    j = j.left_join(tot, j.practitioner_id == tot.t_pid)
    here = j.n.fill_null(0)
    j = j.mutate(here=here, elsewhere=j.total.fill_null(0) - here)
    fired = j.filter((j.here <= here_max) & (j.elsewhere >= else_min))
    return alert_frame(fired, fired.practitioner_id + "|" + fired.institution_id, fired.institution_id,
                       fired.here, float(here_max), practitioner_id=fired.practitioner_id,
                       is_primary=fired.is_primary,
                       registered_from=fired.valid_from, visits_here=fired.here,
                       visits_elsewhere=fired.elsewhere)


RULE = Rule(
    id="ghost_registration", name_zh="挂证", name_en="Ghost registration (registered, not practising)",
    legal_basis="医师执业注册管理办法 第十九条；关于开展医务人员“挂证”问题专项治理的通知",
    severity="medium", subject_type="registration", tables=("registrations", "visits", "institutions"),
    build=build,
    statistical=True,
    params={"max_visits_here": Param("statistical_rules", "ghost_registration.max_visits_here", "integer"),
            "min_visits_elsewhere": Param("statistical_rules", "ghost_registration.min_visits_elsewhere", "integer")})
