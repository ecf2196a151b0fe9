"""The demo's ready plan: in the busiest district of the demo city, the year's 医疗机构依法执业 random-check plan,
committed and drawn in front of (demo) witnesses, with its inspections dispatched where the inspections app can
create them. Idempotent: an existing demo plan is left as it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core.models import Department
from weijian.core.selectors import city_districts, home_city_code
from weijian.inspections.models import Plan
from weijian.inspections.planning import services
from weijian.inspections.planning.cli import CommandActor

DEMO_PLAN = "{district}{year}年医疗机构依法执业随机监督抽查（演示）"  # i18n: data


def demo_plan_ready(say: Callable[[str], None] = print, *, seed: int = 0) -> Plan | None:
    district = (
        city_districts(home_city_code()).annotate(n=Count("institutions")).filter(n__gt=0).order_by("-n", "code").first()
    )
    if district is None:
        return None
    year = timezone.localdate().year
    name = DEMO_PLAN.format(district=district.name, year=year)
    existing = Plan.objects.filter(name=name, region=district).first()
    if existing is not None:
        return existing
    actor = CommandActor()
    plan = services.plan_create(
        actor=actor, name=name, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31), region=district,
        lead_department=Department.objects.get(code="health"), item_codes=["CC00227"],
    )  # fmt: skip
    made = services.draw_commit(actor=actor, plan_id=plan.pk)
    public_value = f"演示见证人报数 {seed % 100000:05d}"  # i18n: data
    witnesses = "演示见证人甲、演示见证人乙"  # i18n: data
    made = services.draw_run(actor=actor, draw_id=made.pk, public_value=public_value, witnesses=witnesses)
    record = made.record or {}
    counts = {key: len(record.get(field, [])) for key, field in
              (("targets", "targets"), ("staffed", "assignment"), ("unstaffed", "unstaffed"))}  # fmt: skip
    say(
        _("随机抽查计划 #%(pk)s：抽中 %(targets)s 个对象，已派员 %(staffed)s 个，未能派员 %(unstaffed)s 个")
        % {"pk": plan.pk, **counts}
    )
    created = services.plan_dispatch(actor=actor, draw=made)
    say(_("  已派发检查任务 %(created)s 项") % {"created": created})
    return plan
