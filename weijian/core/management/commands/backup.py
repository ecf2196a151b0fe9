"""``weijian backup [--out FILE]``: the database and the stored files in one checked archive;
``weijian backup --keys --out FILE``: the audit keys alone (never inside a database backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core.backup import BackupError, backup_write, keys_write


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked
        return _("备份数据库和已上传的证据文件（含哈希和清单）；--keys 单独备份审计密钥")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help=_("备份文件的路径"))
        parser.add_argument("--keys", action="store_true", help=_("只备份审计密钥（另行保管）"))

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        try:
            if options["keys"]:
                out = Path(options["out"] or f"weijian-audit-keys-{stamp}.json")
                n = keys_write(out=out)
                self.stdout.write(self.style.SUCCESS(_("已备份 %(n)d 把审计密钥到 %(path)s：请与数据库备份分开保管") % {"n": n, "path": out}))
                return
            out = Path(options["out"] or f"weijian-backup-{stamp}.tar.gz")
            manifest = backup_write(out=out)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(self.style.SUCCESS(_("已备份到 %(path)s：数据库、%(files)d 个文件、审计事件到 #%(seq)d（审计密钥不在其中）") % {
            "path": out, "files": len(manifest["files"]), "seq": manifest["audit"]["last_seq"]}))  # fmt: skip
