"""What a back-office save changed, field by field: ``{field: {"before": …, "after": …}}`` for the audit event.

Read from the form (its initial values against the cleaned ones), so it covers the record's own fields, its
many-to-many fields (a user's groups and permissions, a group's permissions: as sorted primary keys) and the
rows of inlines alike. Passwords are never written, only that they changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet

SECRET_PARTS = ("password", "secret", "token")


def plain(value: Any) -> Any:
    """A value as JSON can hold it: records by primary key, collections sorted, dates as ISO text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, QuerySet | list | tuple | set | frozenset):
        return sorted((plain(v) for v in value), key=lambda v: (str(type(v)), str(v)))
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    name = getattr(value, "name", None)  # an uploaded file
    return name if isinstance(name, str) else str(value)


def form_changes(form: Any, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """The changed fields of a bound, valid model form with their values before and after."""
    changes: dict[str, Any] = {}
    for name in form.changed_data:
        if name in skip:
            continue
        if any(part in name for part in SECRET_PARTS):
            changes[name] = {"changed": True}
            continue
        field = form.fields.get(name)
        before = form.initial.get(name, field.initial if field is not None else None)
        if callable(before):
            before = before()
        after = form.cleaned_data.get(name)
        if name == "DELETE":
            continue
        changes[name] = {"before": plain(before), "after": plain(after)}
    return changes
