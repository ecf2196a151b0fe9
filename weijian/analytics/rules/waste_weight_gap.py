"""waste_weight_gap — 医疗废物流失/去向不明（转移联单重量不符或未接收）.

Legal basis: 医疗废物管理条例（国务院令第380号，2011修订）第十四条（登记）、第四十五条、第五十二条；
危险废物转移管理办法（生态环境部令第23号）.

For a manifest handed over inside the period (handed_over_at's local date), fires when:
(1) received_weight_kg < min_received_ratio (0.95) × declared_weight_kg (a null received weight never
fires this); (2) received_at is null and the end of the period (end date's 24:00) is more than
max_unreceived_hours (48) after handed_over_at; or (3) where ``waste_bags`` is present,
|declared_weight_kg − S| > max_bag_gap_ratio (0.05) × S, S = Σ weight_kg of the bags naming the manifest
(0 when none). The three values are rules/data/medical_waste.yaml's as of the hand-over day. Weights are
compared as decimals (4 places) so that boundaries such as exactly 95 % are exact on every engine.
"""

from __future__ import annotations

import ibis

from weijian.analytics.params import Param
from weijian.analytics.rules.base import Context, Rule, alert_frame, source

DEC = "decimal(18, 4)"


def build(ctx: Context) -> ibis.Table:
    m = ctx.t("waste_manifests")
    m = m.filter(ctx.in_period(m.handed_over_at_date))
    day = m.handed_over_at_date
    m = m.mutate(ratio_10k=ctx.param("min_received_ratio").at(day, lambda r: round(r * 10000)),
                 gap_10k=ctx.param("max_bag_gap_ratio").at(day, lambda r: round(r * 10000)),
                 limit_s=ctx.param("max_unreceived_hours").at(day, lambda h: round(h * 3600)),
                 min_ratio=ctx.param("min_received_ratio").at(day, dtype="float64"))
    declared = m.declared_weight_kg.cast(DEC)
    received = m.received_weight_kg.cast(DEC)
    m = m.mutate(dec_declared=declared, dec_received=received)
    short = m.dec_received.notnull() & (m.dec_received * 10000 < m.dec_declared * m.ratio_10k)
    unreceived = m.received_at.isnull() & (ctx.end_of_period_s - m.handed_over_at > m.limit_s)
    m = m.mutate(short=short, unreceived=unreceived)
    if "waste_bags" in ctx.tables:
        b = ctx.t("waste_bags")
        b = b.filter(b.manifest_id.notnull())
        s = b.group_by(b.manifest_id.name("b_manifest")).aggregate(bag_kg=b.weight_kg.cast(DEC).sum(),
                                                                  bags=b.count())
        m = m.left_join(s, m.manifest_id == s.b_manifest)
        total = m.bag_kg.fill_null(0).cast(DEC)
        m = m.mutate(bag_total=total, bags=m.bags.fill_null(0),
                     bag_gap=((m.dec_declared - total).abs() * 10000) > (total * m.gap_10k))
    else:
        m = m.mutate(bag_total=ibis.null().cast(DEC), bags=ibis.null().cast("int64"),
                     bag_gap=ibis.literal(False))
    fired = m.filter(m.short | m.unreceived | m.bag_gap)
    return alert_frame(
        fired, fired.manifest_id, fired.institution_id,
        (fired.received_weight_kg / fired.declared_weight_kg).round(6), fired.min_ratio,
        manifest_id=fired.manifest_id, carrier_id=fired.carrier_id, handed_over_at__ts=fired.handed_over_at,
        received_at__ts=fired.received_at, declared_weight_kg=fired.declared_weight_kg,
        received_weight_kg=fired.received_weight_kg, bag_weight_kg=fired.bag_total.cast("float64"),
        bags=fired.bags, short_received=fired.short, not_received=fired.unreceived, bag_mismatch=fired.bag_gap,
        **source(fired))


RULE = Rule(
    id="waste_weight_gap", name_zh="医疗废物流失/去向不明", name_en="Medical waste weight gap or not received",
    legal_basis="医疗废物管理条例 第十四条、第四十五条", severity="high",
    subject_type="manifest", tables=("waste_manifests",), optional_tables=("waste_bags",), build=build,
    params={"min_received_ratio": Param("medical_waste", "waste_weight_gap.min_received_ratio"),
            "max_unreceived_hours": Param("medical_waste", "waste_weight_gap.max_unreceived_hours"),
            "max_bag_gap_ratio": Param("medical_waste", "waste_weight_gap.max_bag_gap_ratio")})
