"""``weijian analytics load OUT``: put an analytics run's alerts, indicators and grades into the platform.

``weijian analytics run`` and ``evaluate`` are Django-free and dispatched before Django starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from weijian.alerts.loading import analytics_run_load


class Command(BaseCommand):
    help = "风险分析：load 把 analytics run 的输出目录导入平台（重复导入不会新增）"

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
                f"分析批次 #{result.run.pk}（{result.run.period_start}–{result.run.period_end}）："
                f"新增预警明细 {result.alerts_created}，已存在 {result.alerts_existing}，"
                f"新增工作项 {result.items_created}（待分派 {result.items_in_triage}），"
                f"指标 {result.indicators}，风险分析评分 {result.grades}"
                + (f"，{result.unknown_institutions} 家机构不在主体库" if result.unknown_institutions else "")
                + (f"，{result.without_region} 个工作项无法确定所属区域（仅无区域限制的管理员可见）"
                   if result.without_region else "")
            )
        )
