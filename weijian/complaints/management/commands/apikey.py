"""``weijian apikey create --department CODE [--name NAME] [--per-minute N]``: a partner system's Open311 key,
printed once (only its SHA-256 is kept); ``weijian apikey list``; ``weijian apikey disable PREFIX``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from weijian.complaints.errors import ComplaintError
from weijian.complaints.models import ApiKey
from weijian.complaints.services import api_key_create
from weijian.core.audit import audit_record


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("接口密钥：create 为合作系统新建 Open311 密钥（只显示一次）；list 列出；disable 停用")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "disable"])
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
                self.stdout.write(f"{found.prefix}  {found.department.code}  {found.per_minute}/min  {state}  {found.name}")
        else:
            with transaction.atomic():
                found = ApiKey.objects.select_for_update().filter(prefix=options["prefix"]).first()
                if found is None:
                    raise CommandError(_("密钥前缀：%(prefix)s 不存在") % {"prefix": options["prefix"]})
                found.active = False
                found.save(update_fields=["active"])
                audit_record(actor="cli", action="complaints.apikey.disable", object_type="apikey", object_id=found.pk,
                             data={"prefix": found.prefix})  # fmt: skip
            self.stdout.write(_("已停用密钥 %(prefix)s") % {"prefix": found.prefix})
