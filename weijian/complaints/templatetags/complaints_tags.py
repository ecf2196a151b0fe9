"""Small display helpers of the complaint pages: the tracking code, category names, deadline states, masks."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from weijian.complaints import codes, selectors, validation

register = template.Library()

STATE_LABELS = {"ok": ("plain", gettext_noop("正常")), "due_soon": ("warn", gettext_noop("即将到期")), "due_today": ("warn", gettext_noop("今日到期")),
                "overdue": ("bad", gettext_noop("已超期")), "unknown": ("warn", gettext_noop("无法计算"))}  # fmt: skip


@register.filter
def tracking_code(value: str) -> str:
    return codes.display(value or "")


@register.filter
def category_name(value: str) -> str:
    if not value or value == "other":
        return _("其他")
    return selectors.category_names().get(value, value)


@register.filter
def masked_phone(value: str) -> str:
    return validation.mask_phone(value or "")


@register.filter
def masked_name(value: str) -> str:
    return validation.mask_name(value or "")


def state_label(state: str) -> tuple[str, str]:
    css, label = STATE_LABELS.get(state or "", ("plain", ""))
    return css, _(label) if label else ""


@register.simple_tag
def deadline_tag(state: Any) -> SafeString:
    if not state:
        return format_html("{}", "—")
    css, label = state_label(str(state))
    return format_html('<span class="tag {}">{}</span>', css, label)
