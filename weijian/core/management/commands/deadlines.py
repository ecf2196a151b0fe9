"""``weijian deadlines notify``: in-app notices for every legal time limit due soon, due today or overdue.

Run it from cron or the worker (e.g. each morning); it is idempotent per deadline, user and day.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weijian.core.notifications import deadlines_notify


class Command(BaseCommand):
    help = gettext_lazy("期限提醒：notify 为即将到期、今日到期和已超期的法定期限生成站内提醒")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["notify"])

    def handle(self, *args: Any, **options: Any) -> None:
        written = deadlines_notify()
        self.stdout.write(_("新提醒 %(count)s 条") % {"count": written})
