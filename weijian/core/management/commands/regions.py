"""``weijian regions``: which edition of the 行政区划 the platform ships, and how many regions it holds."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils.translation import gettext as _

from weijian.core.models import Region
from weijian.core.reference import edition_line, region_rows


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked
        return _("行政区划：显示随附的区划代码版本，以及库中各层级的数量")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(_("随附区划：%(edition)s，共 %(n)d 条") % {"edition": edition_line(), "n": len(region_rows())})
        counts = dict(Region.objects.order_by().values("level").annotate(n=Count("pk")).values_list("level", "n"))
        parts = [f"{label} {counts.get(value, 0)}" for value, label in Region.Level.choices]
        self.stdout.write(_("库中区划：%(counts)s") % {"counts": _("，").join(parts)})
