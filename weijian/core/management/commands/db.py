"""``weijian db analyze``: refresh the query planner's statistics (after a large import, or from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weijian.core import dbstats


class Command(BaseCommand):
    help = gettext_lazy("数据库：analyze 更新查询规划所用的统计信息（大批量导入之后或定时运行）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["analyze"])
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        if not dbstats.refresh(connections[options["database"]]):
            raise CommandError(_("数据库正忙，统计信息未更新，请稍后重试"), returncode=1)
        self.stdout.write(_("查询规划统计信息已更新"))
