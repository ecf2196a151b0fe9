"""``weijian apikey create --department CODE [--name NAME] [--per-minute N]``: a partner system's Open311 key,
printed once (only its SHA-256 is kept); ``weijian apikey list`` (with each key's use counters);
``weijian apikey revoke PREFIX`` (``disable`` is the same)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from weijian.complaints.apikeys import api_key_revoke
from weijian.complaints.errors import ComplaintError
from weijian.complaints.models import ApiKey
from weijian.complaints.services import api_key_create


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("接口密钥：create 为合作系统新建 Open311 密钥（只显示一次）；list 列出（含使用次数）；revoke 吊销（disable 同义）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke", "disable"])
        parser.add_argument("prefix", nargs="?", default="")
        parser.add_argument("--department", default="")
        parser.add_argument("--name", default="")
        parser.add_argument("--per-minute", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            if not options["department"]:
                raise CommandError(_("--department：必须指定部门代码"))
            try:
                record, key = api_key_create(actor="cli", name=options["name"], department_code=options["department"],
                                             per_minute=options["per_minute"])  # fmt: skip
            except ComplaintError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(_("已为 %(department)s 新建接口密钥“%(name)s”（每分钟上限 %(n)s）。密钥只显示这一次：") % {
                "department": record.department.name, "name": record.name, "n": record.per_minute})  # fmt: skip
            self.stdout.write(key)
        elif action == "list":
            for found in ApiKey.objects.select_related("department").order_by("pk"):
                state = _("有效") if found.active else _("已停用")
                used = found.last_used_at.isoformat(timespec="seconds") if found.last_used_at else "-"
                self.stdout.write(f"{found.prefix}  {found.department.code}  {found.per_minute}/min  {state}  "
                                  f"{found.use_count}/{found.refused_count}  {used}  {found.name}")  # fmt: skip
        else:
            try:
                found = api_key_revoke(actor="cli", prefix=options["prefix"])
            except ComplaintError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(_("已吊销密钥 %(prefix)s") % {"prefix": found.prefix})
