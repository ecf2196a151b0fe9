"""The published results as a workbook (formula-safe, through weijian.core.xlsx)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core.xlsx import SheetData, workbook_of
from weijian.inspections.models import Inspection

EXPORT_LIMIT = 50_000


def _rows(results: QuerySet[Inspection]) -> Iterator[list[Any]]:
    for i in results[:EXPORT_LIMIT].iterator(chunk_size=1000):
        yield [
            i.institution.name, i.institution.uscc, i.institution.district.name, _("、").join(i.item_codes),
            i.get_mode_display(), i.get_result_display(), timezone.localtime(i.closed_at).date() if i.closed_at else None,
            timezone.localtime(i.published_at).date() if i.published_at else None, i.plan.name if i.plan else "",
        ]  # fmt: skip


def results_export(results: QuerySet[Inspection]) -> bytes:
    headers = [_("被监督单位"), _("统一社会信用代码"), _("所在区"), _("检查事项"), _("检查方式"), _("检查结果"),
               _("检查办结日期"), _("公示日期"), _("抽查计划")]  # fmt: skip
    return workbook_of([SheetData(_("检查结果"), headers, _rows(results), widths=[36, 22, 12, 20, 12, 12, 14, 14, 30])])
