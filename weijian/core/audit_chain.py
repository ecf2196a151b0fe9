"""A keyed, append-only chain of events: seal pending rows in order, verify the whole chain.

Two chains use it: the audit log (:mod:`weijian.core.audit`) and the access log of unmasked personal data
(:mod:`weijian.core.access_log`), each with its own table and its own head row, so that one never waits on
the other. A row is written *pending* (no ``seq``, no MAC) in the caller's transaction, taking no lock; the
sealer holds the chain's head row only for its own short transaction and gives each pending row, oldest
first, the next ``seq``, the previous MAC and its own MAC::

    mac = HMAC(key[key_id], canonical(chain, seq, at, actor, action, object_type, object_id, data, prev, key_id))

The key is not in the database (:mod:`weijian.core.audit_keys`), so recomputing the chain after an edit needs
it; the head is anchored outside the database (:mod:`weijian.core.audit_anchor`), so truncating both tables or
dropping the last events is seen too. Events sealed before the keys existed (plain SHA-256, ``key_id`` empty)
are closed by a checkpoint event under the key, whose MAC covers the last of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from weijian.core.audit_anchor import Anchor, append_anchor, read_anchors
from weijian.core.audit_keys import Keyring, keyring

GENESIS = "0" * 64
SEAL_BATCH = 2000
ANCHOR_EVERY_DEFAULT = 1000


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _at(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def legacy_hash(
    *, seq: int, at: dt.datetime, actor: str, action: str, object_type: str, object_id: str, data: Any, prev_hash: str
) -> str:
    """The plain SHA-256 of the events sealed before the chain had keys (verified, never written any more)."""
    payload = {"seq": seq, "at": _at(at), "actor": actor, "action": action, "object_type": object_type,
               "object_id": object_id, "data": data, "prev_hash": prev_hash}  # fmt: skip
    return hashlib.sha256(canonical(payload).encode()).hexdigest()


def mac_message(chain: str, event: Any) -> bytes:
    payload = {"chain": chain, "seq": event.seq, "at": _at(event.at), "actor": event.actor, "action": event.action,
               "object_type": event.object_type, "object_id": event.object_id, "data": event.data,
               "prev": event.prev_hash, "key_id": event.key_id}  # fmt: skip
    return canonical(payload).encode()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str

    def __str__(self) -> str:
        return gettext("事件 #%(seq)d：%(reason)s") % {"seq": self.seq, "reason": self.reason}


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken: ChainBreak | None
    first: int = 1  # the first event kept (after a pruning, the one after the archived ones)
    anchors: int = 0

    @property
    def ok(self) -> bool:
        return self.broken is None


class Chain:
    """One chain: its event model (seq, at, actor, action, object_type, object_id, data, prev_hash, hash,
    key_id) and its single head row (last_seq, last_hash, key_id)."""

    def __init__(self, name: str, event_model: type[models.Model], head_model: type[models.Model]) -> None:
        self.name, self.events, self.heads = name, event_model, head_model

    @property
    def checkpoint_action(self) -> str:
        return f"core.{self.name}.checkpoint"

    @property
    def prune_action(self) -> str:
        return f"core.{self.name}.prune"

    def pending(self) -> int:
        return self.events._default_manager.filter(seq__isnull=True).count()

    def _sign(self, ring: Keyring, event: Any, head: Any) -> None:
        event.seq, event.prev_hash, event.key_id = head.last_seq + 1, head.last_hash, ring.active_id
        event.hash = ring.active.mac(mac_message(self.name, event))
        head.last_seq, head.last_hash, head.key_id = event.seq, event.hash, event.key_id

    def seal(self, *, wait: bool = True) -> int:
        """Link the pending events into the chain (oldest first); returns how many were sealed.

        ``wait=False``: give up at once when another sealer holds the head (it will take these too).
        """
        ring = keyring()
        assert ring is not None
        every = int(getattr(settings, "WEIJIAN_AUDIT_ANCHOR_EVERY", ANCHOR_EVERY_DEFAULT) or 0)
        sealed = 0
        manager = self.events._default_manager
        while True:
            self.heads._default_manager.get_or_create(pk=1)
            anchors: list[dict[str, Any]] = []
            with transaction.atomic():
                head = self.heads._default_manager.select_for_update(skip_locked=not wait).filter(pk=1).first()
                if head is None:
                    return sealed  # another sealer holds the head; it takes these on its next round
                pending = list(manager.filter(seq__isnull=True).order_by("pk")[:SEAL_BATCH])
                before, first_keyed = head.last_seq, not head.key_id
                if not pending and not (first_keyed and before):  # (an unkeyed chain is closed even when idle)
                    return sealed
                if first_keyed and read_anchors(self.name):
                    first_keyed = False  # the chain was keyed and anchored before: an unkeyed head is a forgery
                if first_keyed and before:  # close the events sealed before the keys with a checkpoint
                    checkpoint = manager.create(
                        at=timezone.now(), actor="system", action=self.checkpoint_action,
                        data={"legacy_through": before, "legacy_hash": head.last_hash},
                    )  # fmt: skip
                    pending.insert(0, checkpoint)
                if not pending:
                    return sealed
                for event in pending:
                    self._sign(ring, event, head)
                manager.bulk_update(pending, ["seq", "prev_hash", "hash", "key_id"], batch_size=500)
                head.save(update_fields=["last_seq", "last_hash", "key_id"])
                if first_keyed:  # the first keyed event, and how many unkeyed ones came before it
                    anchors.append({"seq": pending[0].seq, "mac": pending[0].hash, "key_id": pending[0].key_id,
                                    "legacy_through": before})  # fmt: skip
                if every and head.last_seq // every > before // every:
                    anchors.append({"seq": head.last_seq, "mac": head.last_hash, "key_id": head.key_id})
            for anchor in anchors:
                append_anchor(chain=self.name, **anchor)
            sealed += len(pending)
            if len(pending) < SEAL_BATCH:
                return sealed

    def anchor(self) -> Anchor | None:
        """Seal what is pending and append the head to the anchor file (None for an empty chain)."""
        self.seal()
        head = self.heads._default_manager.filter(pk=1).first()
        if head is None or not head.last_seq:
            return None
        return append_anchor(chain=self.name, seq=head.last_seq, mac=head.last_hash, key_id=head.key_id)

    def _sealed(self) -> Iterator[Any]:
        return self.events._default_manager.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=5000)

    def _pruned_through(self, first: Any) -> bool:
        """Events before ``first`` were removed by ``weijian audit prune`` (its checkpoint names them)."""
        checkpoints = self.events._default_manager.filter(action=self.prune_action, seq__isnull=False)
        return any(
            c.data.get("through_seq") == first.seq - 1 and c.data.get("through_mac") == first.prev_hash
            for c in checkpoints
        )

    def verify(self, *, seal: bool = True) -> VerifyResult:
        """Seal what is pending, then walk the chain; return the first broken event, if any."""
        if seal:
            self.seal()
        ring = keyring(create=False)
        anchors = read_anchors(self.name)
        legacy = [a.legacy_through for a in anchors if a.legacy_through is not None]
        legacy_through = min(legacy) if legacy else (0 if anchors else None)
        anchored: dict[int, list[Anchor]] = {}
        for a in anchors:
            anchored.setdefault(a.seq, []).append(a)
        result = self._walk(ring, anchored, legacy_through)
        if result.broken is not None:
            return result
        last = result.first + result.checked - 1
        beyond = [a for a in anchors if a.seq > last]
        if beyond:
            seq = max(a.seq for a in beyond)
            reason = gettext("链被截断：锚点（%(at)s）记录了事件 #%(seq)d，链只到 #%(last)d") % {
                "at": beyond[-1].at, "seq": seq, "last": last}  # fmt: skip
            return VerifyResult(result.checked, ChainBreak(last + 1, reason), result.first, len(anchors))
        head = self.heads._default_manager.filter(pk=1).first()
        if head is not None and head.last_seq and (head.last_seq != last or head.last_hash != self._tail_mac(last)):
            reason = gettext("链尾缺失：记录的最后事件为 #%(seq)d") % {"seq": head.last_seq}
            return VerifyResult(result.checked, ChainBreak(last + 1, reason), result.first, len(anchors))
        return VerifyResult(result.checked, None, result.first, len(anchors))

    def _tail_mac(self, seq: int) -> str:
        return self.events._default_manager.filter(seq=seq).values_list("hash", flat=True).first() or GENESIS

    def _walk(self, ring: Keyring | None, anchored: dict[int, list[Anchor]], legacy_through: int | None) -> VerifyResult:
        expected, prev, checked, first_seq, keyed_seen = None, GENESIS, 0, 1, False
        for event in self._sealed():
            if expected is None:  # the first event kept
                first_seq = event.seq
                if event.seq != 1 and self._pruned_through(event):
                    expected, prev = event.seq, event.prev_hash
                else:
                    expected = 1
            broken = self._check(event, expected, prev, ring, anchored, legacy_through, keyed_seen)
            if broken is not None:
                return VerifyResult(checked, ChainBreak(broken[0], broken[1]), first_seq)
            keyed_seen = keyed_seen or bool(event.key_id)
            prev, expected, checked = event.hash, expected + 1, checked + 1
        return VerifyResult(checked, None, first_seq)

    def _check(
        self, event: Any, expected: int, prev: str, ring: Keyring | None, anchored: dict[int, list[Anchor]],
        legacy_through: int | None, keyed_seen: bool,
    ) -> tuple[int, str] | None:
        if event.seq != expected:
            return expected, gettext("缺失（下一条为 #%(seq)d），事件被删除或重排") % {"seq": event.seq}
        if event.prev_hash != prev:
            return event.seq, gettext("前一事件的认证码不符，事件被删除、插入或重排")
        if not event.key_id:
            if keyed_seen or (legacy_through is not None and event.seq > legacy_through):
                return event.seq, gettext("没有密钥认证码（链启用密钥后不应再有），事件被伪造或整条链被重算")
            recomputed = legacy_hash(seq=event.seq, at=event.at, actor=event.actor, action=event.action,
                                     object_type=event.object_type, object_id=event.object_id, data=event.data,
                                     prev_hash=event.prev_hash)  # fmt: skip
            if recomputed != event.hash:
                return event.seq, gettext("内容与哈希不符，事件被修改")
        else:
            key = ring.get(event.key_id) if ring is not None else None
            if key is None:
                return event.seq, gettext("密钥 %(key)s 不在密钥文件中，无法验证") % {"key": event.key_id}
            if key.mac(mac_message(self.name, event)) != event.hash:
                return event.seq, gettext("认证码不符：事件被修改、被不持有密钥者重算，或密钥不对")
        for a in anchored.get(event.seq, ()):
            if a.mac != event.hash:
                return event.seq, gettext("与锚点（%(at)s）记录的认证码不符，事件被替换") % {"at": a.at}
        return None
