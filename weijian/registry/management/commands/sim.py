"""``weijian sim load DIR``: load a synthetic (or exported) registry folder into the platform.

``weijian sim city`` and ``weijian sim activity`` are Django-free and dispatched by the console
script before Django starts; this command handles what needs the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from weijian.registry.imports.readers import ImportFileError
from weijian.registry.loading import load_registry


class Command(BaseCommand):
    help = "合成城市：load 把 sim city 生成的主体库目录导入平台"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            steps = load_registry(options["folder"], progress=lambda t: self.stdout.write(f"导入 {t} …"))
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        rejected = 0
        for step in steps:
            r = step.result
            rejected += r.rejected
            self.stdout.write(
                f"  {step.table}: {r.rows} 行，新增 {r.created}，更新 {r.updated}，未变 {r.unchanged}，"
                f"未导入 {r.rejected}（{step.seconds:.1f}s）"
            )
            for reject in r.rejects[:20]:
                self.stderr.write(f"    第{reject.row}行 {reject.column}“{reject.value}”：{reject.reason}")
            if step.scrubbed:
                self.stdout.write(f"    已从文件中删除 {step.scrubbed} 个原始身份证号码（库中只留脱敏号码和摘要）")
        if rejected:
            raise CommandError(f"共有 {rejected} 行未导入", returncode=1)
        self.stdout.write(self.style.SUCCESS("主体库导入完成"))
