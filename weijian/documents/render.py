"""HTML template → PDF (WeasyPrint), for one enforcement document.

The issued document is a legal text in Chinese whatever the reader's language: it is rendered with Chinese
active, from the kind's template (``templates/documents/kinds/<kind>.html``, extending ``documents/base.html``
with the A4 print CSS). The CJK font is named by family (Noto Serif CJK SC, then Noto Sans CJK SC, installed
by the set-up); WeasyPrint embeds the subset used. Nothing is fetched while rendering: every URL is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from weijian.documents.kinds import Kind

UNIT_WORDS = {"working_days": "个工作日", "calendar_days": "日", "hours": "小时", "months": "个月"}  # i18n: data


class RenderError(RuntimeError):
    """The PDF could not be made (the issue rolls back: no number is used)."""


def period_text(period: dict[str, Any] | None) -> str:
    """{amount: 3, unit: working_days} → 3个工作日."""
    if not period:
        return ""
    return f"{period['amount']}{UNIT_WORDS[period['unit']]}"


def date_text(value: dt.date | str | None) -> str:
    """2026-03-05 → 2026年3月5日."""
    if not value:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"  # i18n: data


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"enforcement documents fetch nothing ({url})")


def html_of(found: Kind, page: dict[str, Any]) -> str:
    with translation.override("zh-hans"):
        return render_to_string(found.template, page)


def pdf_of(html: str) -> bytes:
    from weasyprint import HTML  # imported when a document is rendered: it loads pango and the fonts

    try:
        return bytes(HTML(string=html, url_fetcher=_refuse).write_pdf())
    except Exception as exc:  # WeasyPrint raises many kinds; the caller rolls back
        raise RenderError(str(exc)) from exc
