"""Panels that put analytics on the registry's profile pages without the registry knowing about alerts."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from weijian.alerts.selectors import institution_analytics, practitioner_alerts

register = template.Library()


@register.inclusion_tag("alerts/_institution_panel.html", takes_context=True)
def institution_analytics_panel(context: dict[str, Any], institution: Any) -> dict[str, Any]:
    return institution_analytics(context["request"].user, institution)


@register.inclusion_tag("alerts/_alert_rows.html", takes_context=True)
def practitioner_alerts_panel(context: dict[str, Any], practitioner: Any) -> dict[str, Any]:
    return {"alerts": practitioner_alerts(context["request"].user, practitioner), "title": _("相关预警")}

