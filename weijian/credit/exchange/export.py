"""The 双公示 export of penalties and of the credit lists, as CSV or xlsx (formula-free: text cells stay text).

Penalties: the published records of the user's scope still in their window, in the fields and order of
``publication_windows.yaml`` ``fields`` (domain rules §13.5; identity numbers already masked). Lists: the entries on
the 严重失信 / 重点关注 lists today, keyed by 统一社会信用代码 (persons: masked identity number only). The required /
optional marks of the national standard are ``[unverified]`` (``docs/credit-exchange.md``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core.scope import scoped
from weijian.core.xlsx import SheetData, workbook_of
from weijian.credit import lists
from weijian.credit.models_lists import CreditListEntry
from weijian.portal import windows
from weijian.portal.disclosure import in_public_window
from weijian.portal.models import Disclosure, DisclosureKind

EXPORT_LIMIT = 50_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def penalties(user: Any, today: dt.date | None = None) -> QuerySet[Disclosure]:
    day = today or timezone.localdate()
    return scoped(user, Disclosure.objects.filter(in_public_window(day), kind=DisclosureKind.PENALTY)).order_by(
        "-decided_on", "pk")  # fmt: skip


def penalty_table(user: Any, today: dt.date | None = None) -> tuple[list[str], Iterator[list[Any]]]:
    day = today or timezone.localdate()
    specs = windows.field_specs(day)
    headers = [s.label for s in specs]

    def rows() -> Iterator[list[Any]]:
        for d in penalties(user, day)[:EXPORT_LIMIT].iterator(chunk_size=1000):
            out = []
            for spec in specs:
                value = d.fields.get(spec.key)
                if spec.format == "kinds":
                    value = _("、").join(windows.kind_labels(value or [], d.decided_on))
                elif spec.format == "party_type":
                    value = windows.party_types(d.decided_on).get(value, value or "")
                out.append("" if value is None else value)
            yield out

    return headers, rows()


LIST_HEADERS = ("名单", "主体类别", "名称或姓名", "统一社会信用代码", "证件号码", "列入情形", "列入决定日期",  # i18n: data
                "列入期限至", "管辖区域")  # i18n: data (the exchange file's column names)  # fmt: skip


def list_table(user: Any, today: dt.date | None = None) -> tuple[list[str], Iterator[list[Any]]]:
    day = today or timezone.localdate()
    entries = lists.entry_list(user, view="active", today=day).order_by("list_kind", "decided_on", "pk")

    def rows() -> Iterator[list[Any]]:
        for e in entries[:EXPORT_LIMIT]:
            yield _list_row(e)

    return list(LIST_HEADERS), rows()


def _list_row(e: CreditListEntry) -> list[Any]:
    code = e.institution.uscc if e.institution_id else ""
    number = e.practitioner.id_masked if e.practitioner_id else e.person_id_masked
    return [e.get_list_kind_display(), e.get_subject_kind_display(), e.subject_name, code, number or "",
            e.rule_label, e.decided_on, e.listed_until, e.region.name]  # fmt: skip


def _safe(value: Any) -> str:
    """A CSV cell that a spreadsheet never reads as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def as_csv(headers: Sequence[str], rows: Iterator[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM: spreadsheet programs read UTF-8 so


def as_xlsx(title: str, headers: Sequence[str], rows: Iterator[Sequence[Any]]) -> bytes:
    return workbook_of([SheetData(title, headers, rows)])
