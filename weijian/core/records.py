"""Guarded writes of single records: the one path by which the back-office changes a business record.

The admin's save and delete hooks call these services, so an edit there passes the same write-side
guard (:func:`weijian.core.scope.require_writable`) as an import row or a page, and writes one audit
event in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model

from weijian.core.audit import audit_record
from weijian.core.scope import require_writable


def label(obj: Model | type[Model]) -> str:
    return obj._meta.label_lower


@transaction.atomic
def record_save(
    *, actor: Any, obj: Model, changes: dict[str, Any] | None = None, linked: tuple[Model | None, ...] = (),
    guarded: bool = True,
) -> Model:
    """Save ``obj`` after the write-side guard (stored record, new values, linked records in scope).

    ``guarded=False`` is for reference data and accounts, whose admins are gated by role instead of data scope.
    A model may define ``refresh_derived()`` (e.g. its search key), which runs before the save.
    """
    if guarded:
        require_writable(actor, obj, linked=linked)
    adding = obj._state.adding
    refresh = getattr(obj, "refresh_derived", None)
    if callable(refresh):
        refresh()
    obj.save()
    audit_record(
        actor=actor, action=f"admin.{label(obj)}.{'add' if adding else 'change'}", object_type=label(obj),
        object_id=obj.pk, data={"changed": changes or {}},
    )  # fmt: skip
    return obj


@transaction.atomic
def record_delete(*, actor: Any, obj: Model, guarded: bool = True) -> None:
    """Delete ``obj`` if the stored record is inside the actor's write scope."""
    if guarded:
        require_writable(actor, obj, deleting=True)
    pk, text = obj.pk, str(obj)
    obj.delete()
    audit_record(
        actor=actor, action=f"admin.{label(obj)}.delete", object_type=label(obj), object_id=pk, data={"repr": text}
    )
