"""``weijian restore FILE``: check a backup whole, restore it, re-check the files and the audit chain;
``weijian restore --keys FILE``: add the audit keys of a keys backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from weijian.core.audit import audit_record
from weijian.core.backup import BackupError, keys_restore, restore


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked
        return _("从备份恢复数据库和文件，校验文件哈希和审计链后才报告成功；--keys 恢复审计密钥")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--keys", action="store_true", help=_("FILE 是审计密钥的备份"))
        parser.add_argument("--other-installation", action="store_true", help=_("允许恢复另一套系统的备份"))
        parser.add_argument("--force", action="store_true", help=_("本机有备份之后的审计事件时仍然恢复（它们会丢失）"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["keys"]:
                n = keys_restore(source=Path(options["file"]))
                self.stdout.write(self.style.SUCCESS(_("已恢复审计密钥：新增 %(n)d 把") % {"n": n}))
                return
            report = restore(source=Path(options["file"]), other_installation=options["other_installation"],
                             force=options["force"])  # fmt: skip
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        audit_record(actor="system", action="core.backup.restore", data={
            "file": Path(options["file"]).name, "events": report.events, "files": report.files,
            "installation": report.installation})  # fmt: skip
        self.stdout.write(self.style.SUCCESS(_("已恢复并校验：审计链 %(events)d 条事件完好，%(files)d 个文件哈希一致") % {
            "events": report.events, "files": report.files}))  # fmt: skip
