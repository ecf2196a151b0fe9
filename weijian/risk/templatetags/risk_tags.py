"""The platform grade panel on an institution's profile (the registry includes it without knowing risk)."""

from __future__ import annotations

from typing import Any

from django import template

from weijian.core.models import Role
from weijian.core.scope import scope_of
from weijian.risk.selectors import grade_for_reader, institution_grade
from weijian.rules.loader import RulesError

register = template.Library()


@register.inclusion_tag("risk/_grade_panel.html", takes_context=True)
def institution_grade_panel(context: dict[str, Any], institution: Any) -> dict[str, Any]:
    user = context["request"].user
    try:
        grade, error = institution_grade(user, institution), ""
    except RulesError as exc:  # a broken rules file says so on the page instead of failing it
        grade, error = None, str(exc)
    officials = scope_of(user).role not in (Role.INSTITUTION_USER, Role.PUBLIC)
    if grade is not None:
        grade = grade_for_reader(grade, official=officials)
    return {"grade": grade, "error": error, "officials": officials}
