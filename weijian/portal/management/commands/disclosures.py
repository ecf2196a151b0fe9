"""``weijian disclosures expire``: take down every disclosure whose publication period has ended (run daily by cron
or the worker; idempotent — a second run the same day takes down nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.portal.disclosure import disclosures_expire


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked
        return _("信息公示：expire 撤下公示期满的记录（可重复运行）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["expire"])
        parser.add_argument("--today", help=_("按该日期判断是否期满（YYYY-MM-DD，默认今天）"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options.get("today") else timezone.localdate()
        except ValueError:
            raise CommandError(_("--today：应为日期（YYYY-MM-DD）"), returncode=2) from None
        count = disclosures_expire(today=today)
        self.stdout.write(self.style.SUCCESS(_("已撤下公示期满的记录 %(n)d 条（%(day)s）") % {"n": count, "day": today}))
