"""The tamper-evident audit log: append an event in the caller's transaction, verify the chain.

Every state-changing service calls :func:`audit_record` inside its own ``transaction.atomic``
block, so the event and the change commit or roll back together. Writers serialise on the
single :class:`AuditHead` row (``select_for_update``), which keeps ``seq`` gap-free.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from weijian.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(
    *, seq: int, at: dt.datetime, actor: str, action: str, object_type: str, object_id: str, data: Any, prev_hash: str
) -> str:
    payload = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "username", "") or str(actor)


def audit_record(
    *, actor: Any, action: str, object_type: str = "", object_id: Any = "", data: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction of the change it records."""
    clean_data = json.loads(_canonical(data or {}))
    at = timezone.now()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.last_seq + 1
        fields = {
            "seq": seq,
            "at": at,
            "actor": _actor_name(actor),
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "data": clean_data,
            "prev_hash": head.last_hash,
        }
        event = AuditEvent.objects.create(**fields, hash=event_hash(**fields))
        head.last_seq, head.last_hash = seq, event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"事件 #{self.seq}：{self.reason}"


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)


def audit_verify() -> VerifyResult:
    """Walk the chain from the first event; return the first broken event, if any."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for event in _events():
        if event.seq != expected_seq:
            return VerifyResult(checked, ChainBreak(expected_seq, f"缺失（下一条为 #{event.seq}），事件被删除或重排"))
        if event.prev_hash != prev_hash:
            return VerifyResult(checked, ChainBreak(event.seq, "前一事件哈希不符，事件被删除、插入或重排"))
        recomputed = event_hash(
            seq=event.seq,
            at=event.at,
            actor=event.actor,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            data=event.data,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return VerifyResult(checked, ChainBreak(event.seq, "内容与哈希不符，事件被修改"))
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != prev_hash):
        return VerifyResult(checked, ChainBreak(checked + 1, f"链尾缺失：记录的最后事件为 #{head.last_seq}"))
    return VerifyResult(checked, None)
