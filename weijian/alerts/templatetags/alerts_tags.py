"""Panels and small pieces of the alert pages; panels put analytics on the registry's profiles without the
registry knowing about alerts."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from weijian.alerts import charts
from weijian.alerts.evidence import english
from weijian.alerts.models import ItemStatus, Severity
from weijian.alerts.people import person_name
from weijian.alerts.selectors import (
    institution_indicators,
    institution_items,
    practitioner_alerts,
)
from weijian.analytics.registry import RULES
from weijian.core.models import Role
from weijian.core.scope import scope_of

register = template.Library()


@register.inclusion_tag("alerts/_institution_panel.html", takes_context=True)
def institution_analytics_panel(context: dict[str, Any], institution: Any) -> dict[str, Any]:
    """Monthly indicators, and — for officials — the work items about the institution."""
    user = context["request"].user
    series = institution_indicators(user, institution)
    show_items = scope_of(user).role not in (Role.INSTITUTION_USER, Role.PUBLIC)
    items = institution_items(user, institution) if show_items else {"items": [], "total": 0}
    return {**items, "series": charts.chart_data(series), "charts": charts.chart_series(series), "show_items": show_items,
            "institution": institution}


@register.inclusion_tag("alerts/_alert_rows.html", takes_context=True)
def practitioner_alerts_panel(context: dict[str, Any], practitioner: Any) -> dict[str, Any]:
    return {"alerts": practitioner_alerts(context["request"].user, practitioner), "title": _("相关预警")}


@register.simple_tag
def rule_label(item: Any) -> str:
    rule = RULES.get(item.rule_id)
    return rule.name_en if rule and english() else item.rule_name


@register.simple_tag
def severity_tag(severity: str) -> SafeString:
    css = {"high": " bad", "medium": " warn"}.get(severity, "")
    return format_html('<span class="tag{}">{}</span>', css, Severity(severity).label if severity in Severity.values else severity)


@register.simple_tag
def person(user: Any) -> str:
    return person_name(user) or "—"


@register.simple_tag
def item_state(item: Any) -> SafeString:
    """Open, awaiting triage, referred and awaiting its outcome, finished — with an overdue mark."""
    if item.status == ItemStatus.OPEN and item.department_id is None:
        text, css = _("待分派"), " warn"
    elif item.awaiting_outcome:
        text, css = _("%(status)s · 待查处结果") % {"status": item.get_status_display()}, " warn"
    elif item.outcome:
        text, css = f"{item.get_status_display()} · {item.get_outcome_display()}", ""
    else:
        text, css = item.get_status_display(), "" if item.status != ItemStatus.OPEN else " warn"
    late = item.is_overdue(timezone.localdate())
    return format_html('<span class="tag{}">{}</span>{}', css, text,
                       format_html(' <span class="tag bad">{}</span>', _("已超期")) if late else "")  # fmt: skip


@register.simple_tag
def due_cell(item: Any, today: Any) -> SafeString:
    due = item.effective_due
    if due is None:
        if item.status == ItemStatus.OPEN and item.department_id is not None and item.deadline_note:
            return format_html('<span class="tag warn" title="{}">{}</span>', item.deadline_note, _("无法计算"))
        return mark_safe("—")
    return format_html("{}", due.strftime("%Y-%m-%d"))

