"""``weijian plan create --name NAME --items CC00227[,…] --district CODE[,…] --ratios A=5,B=20,C=50,D=100
[--joint DEPT,…]``: make a random-check plan and print its id."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weijian.core.models import Department, Region
from weijian.inspections.planning import services
from weijian.inspections.planning.cli import actor_for, parse_ratios, split_list
from weijian.registry.models import Institution


def _region_for(codes: list[str]) -> tuple[Region, list[str]]:
    """One district: that district. Several: their common parent (the city), with the districts as a filter."""
    regions = list(Region.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {r.code for r in regions})
    if missing:
        raise CommandError(_("--district：未知的区域代码 %(items)s") % {"items": _("、").join(missing)}, returncode=2)
    if len(regions) == 1:
        return regions[0], []
    parents = {r.parent_id for r in regions}
    if len(parents) != 1 or regions[0].parent is None:
        raise CommandError(_("--district：多个区域须属于同一城市"), returncode=2)
    return regions[0].parent, sorted(codes)


class Command(BaseCommand):
    help = gettext_lazy("随机抽查计划：create 新建计划并打印计划编号")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--name", required=True)
        parser.add_argument("--items", required=True, help=_("抽查事项代码，逗号分隔，如 CC00227"))
        parser.add_argument("--district", required=True, help=_("区域代码，逗号分隔"))
        parser.add_argument("--ratios", default="", help=_("分级抽查比例，如 A=5,B=20,C=50,D=100（缺省取规则数据）"))
        parser.add_argument("--joint", default="", help=_("联合部门代码，逗号分隔，如 market,insurance"))
        parser.add_argument("--lead", default="health", help=_("牵头部门代码（默认 health）"))
        parser.add_argument("--start", type=dt.date.fromisoformat, help=_("实施期起（默认今年 1 月 1 日）"))
        parser.add_argument("--end", type=dt.date.fromisoformat, help=_("实施期止（默认今年 12 月 31 日）"))
        parser.add_argument("--target", default=None, help=_("总体抽查比例目标（%%）"))
        parser.add_argument("--exclusion-months", type=int, default=None)
        parser.add_argument("--capacity", type=int, default=None, help=_("每名监督员任务上限"))
        parser.add_argument("--key", default="", help=_("重点监管对象的统一社会信用代码，逗号分隔"))
        parser.add_argument("--user", default=None, help=_("以该账号的身份和数据权限操作（默认：命令行，全市）"))

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_for(options["user"])
        region, districts = _region_for(split_list(options["district"]))
        year = timezone.localdate().year
        start = options["start"] or dt.date(year, 1, 1)
        end = options["end"] or dt.date(start.year, 12, 31)
        codes = [options["lead"], *split_list(options["joint"])]
        departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
        missing = sorted(set(codes) - set(departments))
        if missing:
            raise CommandError(
                _("--lead/--joint：未知的部门代码 %(items)s") % {"items": _("、").join(missing)}, returncode=2
            )
        key_ids = list(Institution.objects.filter(uscc__in=split_list(options["key"])).values_list("pk", flat=True))
        try:
            plan = services.plan_create(
                actor=actor, name=options["name"], period_start=start, period_end=end, region=region,
                lead_department=departments[options["lead"]],
                joint_departments=[departments[c] for c in split_list(options["joint"])],
                item_codes=split_list(options["items"]), ratios=parse_ratios(options["ratios"]),
                overall_target=options["target"], exclusion_months=options["exclusion_months"],
                inspector_capacity=options["capacity"], population={"districts": districts},
                key_target_ids=key_ids,
            )  # fmt: skip
        except services.PlanningError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(str(plan.pk))
