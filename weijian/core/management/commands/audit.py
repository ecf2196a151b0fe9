"""``weijian audit verify|seal|anchor|rotate-key|archive|prune``: the keyed audit chain from the console.

- ``verify [--access]``: check every event's MAC, the links, the keys and the anchors; exit 1 naming the first
  broken event (``--access``: the access log of unmasked personal data instead).
- ``seal``: link the events written but not yet chained. ``anchor``: append the head to the anchor file and
  print it for publication. ``rotate-key``: a new key signs new events; the old ones stay for verifying.
- ``archive --before DATE [--out FILE]``: a verifiable copy of the events before DATE.
  ``prune --archive FILE``: delete archived events older than the retention period (six months).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core import access_log, audit_archive
from weijian.core.audit import audit_anchor, audit_record, audit_seal, audit_verify
from weijian.core.audit_chain import VerifyResult
from weijian.core.audit_keys import rotate_key


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked
        return _("审计链：verify 校验（--access 校验个人信息查看记录）；seal 把尚未入链的事件接入链；anchor 把链头写入锚点文件；"
                 "rotate-key 更换签名密钥；archive --before 日期 归档；prune --archive 文件 删除已归档且满保存期的事件")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal", "anchor", "rotate-key", "archive", "prune"])
        parser.add_argument("--access", action="store_true", help=_("校验个人信息查看记录（而不是审计链）"))
        parser.add_argument("--before", help=_("归档此日期（YYYY-MM-DD）之前的事件"))
        parser.add_argument("--out", help=_("归档文件的路径"))
        parser.add_argument("--archive", help=_("据以删除的归档文件"))
        parser.add_argument("--alg", choices=["hmac-sha256", "hmac-sm3"], help=_("新密钥的算法"))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "seal":
                self.stdout.write(_("已接入审计链：%(n)d 条事件") % {"n": audit_seal()})
            elif action == "anchor":
                self._anchor()
            elif action == "rotate-key":
                key = rotate_key(alg=options["alg"])
                audit_record(actor="system", action="core.audit.rotate_key", data={"key_id": key.key_id, "alg": key.alg})
                self.stdout.write(self.style.SUCCESS(_("新的审计密钥 %(key)s（%(alg)s）已启用，旧密钥保留用于校验") % {
                    "key": key.key_id, "alg": key.alg}))  # fmt: skip
            elif action == "archive":
                self._archive(options)
            elif action == "prune":
                if not options["archive"]:
                    raise CommandError(_("--archive：请给出归档文件"))
                n = audit_archive.audit_prune(actor="system", archive_path=Path(options["archive"]))
                self.stdout.write(self.style.SUCCESS(_("已删除 %(n)d 条已归档的审计事件，并记录了检查点事件") % {"n": n}))
            else:
                self._verify(access_log.access_verify() if options["access"] else audit_verify(), options["access"])
        except (audit_archive.ArchiveError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc), returncode=1) from exc

    def _anchor(self) -> None:
        anchor = audit_anchor()
        if anchor is None:
            self.stdout.write(_("审计链为空，没有可锚定的链头"))
            return
        self.stdout.write(_("已写入锚点（请另行发布或存档这一行）："))
        self.stdout.write(anchor.line())

    def _archive(self, options: dict[str, Any]) -> None:
        try:
            before = dt.date.fromisoformat(options["before"] or "")
        except ValueError as exc:
            raise CommandError(_("--before：应为日期 YYYY-MM-DD")) from exc
        out = Path(options["out"] or f"audit-archive-before-{before:%Y%m%d}-{timezone.now():%Y%m%d%H%M%S}.jsonl")
        archive = audit_archive.archive_write(before=before, out=out)
        m = archive.manifest
        self.stdout.write(self.style.SUCCESS(_("已归档事件 #%(first)d—#%(last)d（%(n)d 条）到 %(path)s") % {
            "first": m["first_seq"], "last": m["last_seq"], "n": m["count"], "path": out}))  # fmt: skip

    def _verify(self, result: VerifyResult, access: bool) -> None:
        name = _("个人信息查看记录") if access else _("审计链")
        if not result.ok:
            raise CommandError(_("%(name)s校验失败：%(broken)s（此前 %(n)d 条事件完好）") % {
                "name": name, "broken": result.broken, "n": result.checked}, returncode=1)  # fmt: skip
        shown = _("%(name)s完好：共 %(n)d 条事件") % {"name": name, "n": result.checked}
        if result.first > 1:
            shown += _("（#%(first)d 之前的事件已归档并删除）") % {"first": result.first}
        if result.anchors:
            shown += _("，与 %(a)d 个锚点一致") % {"a": result.anchors}
        self.stdout.write(self.style.SUCCESS(shown))
