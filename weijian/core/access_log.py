"""The access log: who saw which personal data unmasked (个人信息查看记录), in its own keyed chain.

A page that shows personal data in full (a work item's patient ids and diagnoses to its assigned inspector,
…) calls :func:`access_record`. The row is written pending and sealed into the access chain right after it
commits, without waiting when another sealer holds the access head (it takes the row on its next round), and
never touching the audit chain's head: reading a page never waits on the audit log.
``weijian audit verify --access`` verifies this chain like the audit chain.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from weijian.core import audit_sealer
from weijian.core.audit_chain import Chain, VerifyResult, canonical
from weijian.core.models import AccessEvent, AccessHead

CHAIN = Chain("access", AccessEvent, AccessHead)


def _actor_name(actor: Any) -> str:
    return actor if isinstance(actor, str) else getattr(actor, "username", "") or "anonymous"


def access_record(
    *, actor: Any, action: str, object_type: str, object_id: Any, fields: list[str], data: dict[str, Any] | None = None
) -> AccessEvent:
    """Log that ``actor`` was shown ``fields`` of ``object_type:object_id`` unmasked (``action``: the page)."""
    event = AccessEvent.objects.create(
        at=timezone.now(), actor=_actor_name(actor), action=action, object_type=object_type,
        object_id=str(object_id), data=json.loads(canonical({"fields": sorted(fields), **(data or {})})),
    )  # fmt: skip
    connection = transaction.get_connection()
    if not any(entry[1] is _seal_after_commit for entry in connection.run_on_commit):
        transaction.on_commit(_seal_after_commit, robust=True)
    return event


def _seal_after_commit() -> None:
    background = audit_sealer.active()
    if background is not None:  # a server process: its sealer thread takes them, off the request's time
        background.poke()
        return
    CHAIN.seal(wait=False)


def access_seal(*, wait: bool = True) -> int:
    return CHAIN.seal(wait=wait)


def access_verify() -> VerifyResult:
    return CHAIN.verify()
