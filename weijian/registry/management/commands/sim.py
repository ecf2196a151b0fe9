"""``weijian sim load DIR``: load a synthetic (or exported) registry folder into the platform.

``weijian sim city`` and ``weijian sim activity`` are Django-free and dispatched by the console
script before Django starts; this command handles what needs the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext, gettext_lazy

from weijian.registry.imports.readers import ImportFileError
from weijian.registry.loading import load_registry


class Command(BaseCommand):
    help = gettext_lazy("合成城市：load 把 sim city 生成的主体库目录导入平台")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            steps = load_registry(
                options["folder"], progress=lambda t: self.stdout.write(gettext("导入 %(table)s …") % {"table": t})
            )
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        rejected = 0
        for step in steps:
            r = step.result
            rejected += r.rejected
            self.stdout.write("  " + gettext(
                "%(table)s: %(rows)d 行，新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d，未导入 %(rejected)d（%(seconds)ss）"
            ) % {"table": step.table, "rows": r.rows, "created": r.created, "updated": r.updated,
                 "unchanged": r.unchanged, "rejected": r.rejected, "seconds": f"{step.seconds:.1f}"})  # fmt: skip
            for reject in r.rejects[:20]:
                self.stderr.write("    " + gettext("第%(row)d行 %(column)s“%(value)s”：%(reason)s") % {
                    "row": reject.row, "column": reject.column, "value": reject.value, "reason": reject.reason,
                })  # fmt: skip
            if step.scrubbed:
                self.stdout.write("    " + gettext(
                    "已从文件中删除 %(count)d 个原始身份证号码（库中只留脱敏号码和摘要）"
                ) % {"count": step.scrubbed})
        if rejected:
            raise CommandError(gettext("共有 %(count)d 行未导入") % {"count": rejected}, returncode=1)
        self.stdout.write(self.style.SUCCESS(gettext("主体库导入完成")))
