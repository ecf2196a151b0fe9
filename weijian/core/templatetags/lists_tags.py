"""The cells of the list component (``core/_list.html``): a column's cell template, or its attribute's value."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString

from weijian.core.lists import Column

register = template.Library()


def _value(row: Any, path: str) -> Any:
    """``row``'s dotted attribute ``path``; a model field with choices gives its label; a missing link gives ""."""
    target = row
    parts = path.split(".")
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return ""
    display = getattr(target, f"get_{parts[-1]}_display", None)
    if callable(display):
        return display()
    value = getattr(target, parts[-1], "")
    return "" if value is None else value


@register.simple_tag(takes_context=True)
def list_cell(context: template.Context, column: Column, row: Any) -> Any:
    if column.cell is None:
        return _value(row, column.attr or column.key)
    cell = get_template(column.cell)
    with context.push(row=row):
        return SafeString(cell.template.render(context))  # type: ignore[attr-defined]
