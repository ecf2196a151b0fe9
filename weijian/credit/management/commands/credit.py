"""``weijian credit sync [--since DATE]``: pull the credit facts of every app (idempotent);
``weijian credit grades [--on DATE]``: recompute the credit grades (a row only where a grade changed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from weijian.credit.facts import CreditFactError
from weijian.credit.services import credit_grade_recompute
from weijian.credit.sync import credit_sync


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("日期：%(value)s 不是 YYYY-MM-DD 格式的日期") % {"value": value}) from exc


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("信用：sync 从各业务汇集信用记录（可重复执行）；grades 重新评定信用等级")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sync", "grades"])
        parser.add_argument("--since", default="")
        parser.add_argument("--on", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sync":
            since = _date(options["since"]) if options["since"] else None
            try:
                result, missing = credit_sync(actor="cli", since=since)
            except CreditFactError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(_("新增 %(created)s 条，补充来源 %(merged)s 条，已有 %(unchanged)s 条") % {
                "created": result.created, "merged": result.merged, "unchanged": result.unchanged})  # fmt: skip
            for path in missing:
                self.stdout.write(_("未安装：%(path)s") % {"path": path})
        else:
            on = _date(options["on"]) if options["on"] else None
            counts = credit_grade_recompute(actor="cli", on=on)
            self.stdout.write(_("评定 %(graded)s 家，等级变化 %(changed)s 家") % counts)
