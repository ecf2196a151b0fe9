"""``{{ user|person }}``: a user by name (姓名), the login only when no name is on file."""

from __future__ import annotations

from typing import Any

from django import template

from weijian.core.people import person_name

register = template.Library()


@register.filter
def person(user: Any) -> str:
    return person_name(user)
