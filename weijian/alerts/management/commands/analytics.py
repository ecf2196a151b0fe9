"""``weijian analytics load OUT``: put an analytics run's alerts, indicators and grades into the platform.

``weijian analytics run`` and ``evaluate`` are Django-free and dispatched before Django starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from weijian.alerts.loading import analytics_run_load


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked
        return _("风险分析：load 把 analytics run 的输出目录导入平台（重复导入不会新增）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = analytics_run_load(folder=options["folder"], actor="cli")
        except FileNotFoundError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "分析批次 #%(run)s（%(start)s–%(end)s）：新增预警明细 %(created)s，已存在 %(existing)s，"
                    "新增工作项 %(items)s（待分派 %(triage)s），指标 %(indicators)s，风险分析评分 %(grades)s"
                ) % {"run": result.run.pk, "start": result.run.period_start, "end": result.run.period_end,
                     "created": result.alerts_created, "existing": result.alerts_existing,
                     "items": result.items_created, "triage": result.items_in_triage,
                     "indicators": result.indicators, "grades": result.grades}
                + (_("，%(n)s 家机构不在主体库") % {"n": result.unknown_institutions}
                   if result.unknown_institutions else "")
                + (_("，%(n)s 个工作项无法确定所属区域（仅无区域限制的管理员可见）") % {"n": result.without_region}
                   if result.without_region else "")
            )
        )
