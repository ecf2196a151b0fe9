"""``weijian audit verify``: check the hash chain; exit 1 naming the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from weijian.core.audit import audit_seal, audit_verify


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked
        return _("审计链：verify 校验整条哈希链（被修改、删除或重排的事件会被指出）；seal 把已写入、尚未入链的事件接入链")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            self.stdout.write(_("已接入审计链：%(n)d 条事件") % {"n": audit_seal()})
            return
        result = audit_verify()
        if not result.ok:
            raise CommandError(_("审计链校验失败：%(broken)s（此前 %(n)d 条事件完好）") % {"broken": result.broken, "n": result.checked},
                               returncode=1)
        self.stdout.write(self.style.SUCCESS(_("审计链完好：共 %(n)d 条事件") % {"n": result.checked}))
