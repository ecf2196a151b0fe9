"""The keyed audit chain: every way of rewriting it without the key is reported with the first broken event."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from weijian.core import audit_keys
from weijian.core.audit import audit_record, audit_seal, audit_verify
from weijian.core.audit_anchor import anchor_path, read_anchors
from weijian.core.audit_chain import GENESIS, legacy_hash, mac_message
from weijian.core.models import AuditEvent, AuditHead


def _events(n: int, start: int = 1) -> None:
    for k in range(start, start + n):
        audit_record(actor="district_manager", action="test.event", object_type="thing", object_id=k, data={"n": k})
    audit_seal()


@pytest.fixture
def chain(db: None) -> list[AuditEvent]:
    _events(5)
    return list(AuditEvent.objects.order_by("seq"))


def _broken_at(seq: int) -> str:
    result = audit_verify()
    assert result.broken is not None, "tampering not detected"
    assert result.broken.seq == seq, str(result.broken)
    return result.broken.reason


def test_each_event_names_its_key_and_the_mac_needs_it(chain: list[AuditEvent]) -> None:
    ring = audit_keys.keyring()
    assert ring is not None and all(e.key_id == ring.active_id for e in chain)
    assert chain[0].prev_hash == GENESIS and chain[1].prev_hash == chain[0].hash
    assert chain[2].hash == ring.active.mac(mac_message("audit", chain[2]))
    assert oct(audit_keys.keyring_path().stat().st_mode & 0o777) == "0o600"
    assert audit_verify().ok


def test_an_edited_event_is_reported(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(seq=3).update(actor="city_admin")
    assert "认证码" in _broken_at(3)


def test_a_deleted_event_is_reported(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(seq=2).delete()
    _broken_at(2)


def test_reordered_events_are_reported(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(seq=2).update(seq=-2)
    AuditEvent.objects.filter(seq=4).update(seq=2)
    AuditEvent.objects.filter(seq=-2).update(seq=4)
    _broken_at(2)


def test_truncating_both_tables_is_reported_from_the_anchor(chain: list[AuditEvent]) -> None:
    call_command("audit", "anchor")
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()
    reason = _broken_at(1)
    assert "锚点" in reason and "#5" in reason


def test_dropping_the_last_events_and_fixing_the_head_is_reported_from_the_anchor(chain: list[AuditEvent]) -> None:
    call_command("audit", "anchor")
    AuditEvent.objects.filter(seq__gte=4).delete()
    AuditHead.objects.filter(pk=1).update(last_seq=3, last_hash=chain[2].hash)
    assert "锚点" in _broken_at(4)


def test_a_full_recomputation_without_the_key_is_reported(chain: list[AuditEvent]) -> None:
    """The issue's forgery: actor district_manager → city_admin in #2, every later link recomputed — with a key of
    one's own, or as the old plain SHA-256 chain: both fail at #2."""
    for forge in ("own-key", "sha256"):
        prev = chain[0].hash
        for event in AuditEvent.objects.filter(seq__gte=2).order_by("seq"):
            event.actor, event.prev_hash = "city_admin" if event.seq == 2 else event.actor, prev
            if forge == "own-key":
                event.hash = hmac.new(b"guessed", mac_message("audit", event), hashlib.sha256).hexdigest()
            else:
                event.key_id = ""
                event.hash = legacy_hash(seq=event.seq, at=event.at, actor=event.actor, action=event.action,
                                         object_type=event.object_type, object_id=event.object_id, data=event.data,
                                         prev_hash=event.prev_hash)  # fmt: skip
            event.save()
            prev = event.hash
        AuditHead.objects.filter(pk=1).update(last_hash=prev, key_id="" if forge == "sha256" else chain[0].key_id)
        _broken_at(2)


def test_a_wrong_key_is_reported(chain: list[AuditEvent]) -> None:
    path = audit_keys.keyring_path()
    original = path.read_text()
    body = json.loads(original)
    body["keys"][0]["secret"] = "11" * 32
    path.write_text(json.dumps(body))
    try:
        assert "认证码" in _broken_at(1)
        with pytest.raises(CommandError, match="#1") as info:
            call_command("audit", "verify")
        assert info.value.returncode == 1
    finally:
        path.write_text(original)


def test_rotation_signs_new_events_with_the_new_key_and_keeps_the_old(chain: list[AuditEvent]) -> None:
    old = chain[0].key_id
    path = audit_keys.keyring_path()
    original = path.read_text()
    try:
        call_command("audit", "rotate-key")
        _events(2, start=6)
        ring = audit_keys.keyring()
        assert ring is not None and ring.active_id != old and old in ring.keys
        keys = list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True))
        assert keys[:5] == [old] * 5 and set(keys[5:]) == {ring.active_id}
        assert audit_verify().ok
    finally:
        path.write_text(original)


def test_keys_from_the_environment_and_sm3(db: None, monkeypatch: Any) -> None:
    monkeypatch.setenv(audit_keys.ENV_KEYS, f"old:hmac-sha256:{'aa' * 32};sm:hmac-sm3:{'bb' * 32}")
    _events(3)
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {"sm"}
    assert audit_verify().ok
    AuditEvent.objects.filter(seq=2).update(object_id="x")
    _broken_at(2)


def test_sm3_hmac_matches_a_known_digest() -> None:
    """SM3 of "abc" (GB/T 32905-2016 example 1) — the primitive under the SM3 HMAC."""
    assert audit_keys._sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert audit_keys._hmac_sm3(b"k", b"m") != audit_keys._hmac_sm3(b"k", b"n")


def test_the_first_seal_closes_events_of_the_old_sha256_chain_with_a_checkpoint(db: None) -> None:
    prev = GENESIS
    for seq in (1, 2):  # as sealed before this change: plain SHA-256, no key
        event = AuditEvent(seq=seq, at=timezone.now(), actor="old", action="test.event", data={}, prev_hash=prev)
        event.hash = legacy_hash(seq=seq, at=event.at, actor="old", action="test.event", object_type="",
                                 object_id="", data={}, prev_hash=prev)  # fmt: skip
        event.save()
        prev = event.hash
    AuditHead.objects.create(pk=1, last_seq=2, last_hash=prev)
    assert audit_verify().ok  # the first seal, even with nothing pending, writes the checkpoint
    _events(1)
    checkpoint = AuditEvent.objects.get(seq=3)
    assert checkpoint.action == "core.audit.checkpoint" and checkpoint.key_id
    assert checkpoint.data == {"legacy_through": 2, "legacy_hash": prev}
    assert AuditEvent.objects.get(seq=4).action == "test.event"
    assert read_anchors("audit")[0].legacy_through == 2
    assert audit_verify().ok
    AuditEvent.objects.filter(seq=1).update(actor="forged")  # the old events stay covered
    _broken_at(1)


def test_anchors_every_n_events_and_on_demand(db: None, settings: Any, capsys: Any) -> None:
    settings.WEIJIAN_AUDIT_ANCHOR_EVERY = 3
    _events(2)
    _events(2, start=3)
    _events(3, start=5)
    seqs = [a.seq for a in read_anchors("audit")]
    assert seqs == [1, 4, 7]  # the first seal, then each seal that passes a multiple of 3
    call_command("audit", "anchor")
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(line)["seq"] == 7
    assert oct(os.stat(anchor_path()).st_mode & 0o777) == "0o600"
    call_command("audit", "verify")
    assert f"{len(seqs) + 1} 个锚点" in capsys.readouterr().out


def test_an_anchor_with_another_mac_names_the_replaced_event(chain: list[AuditEvent]) -> None:
    call_command("audit", "anchor")
    forged = AuditEvent.objects.get(seq=5)
    forged.delete()
    # re-sealed as a new #5 (someone with database access deleting an event and writing another)
    AuditHead.objects.filter(pk=1).update(last_seq=4, last_hash=chain[3].hash)
    audit_record(actor="x", action="test.event")
    reason = _broken_at(5)
    assert "锚点" in reason


def test_audit_dir_is_private(db: None) -> None:
    assert oct(Path(audit_keys.audit_dir()).stat().st_mode & 0o077) == "0o0"


def test_the_access_log_is_its_own_keyed_chain(db: None, capsys: Any) -> None:
    from weijian.core.access_log import access_record, access_seal
    from weijian.core.models import AccessEvent

    for k in range(3):
        access_record(actor="inspector", action="alerts.item.detail", object_type="alerts.workitem", object_id=k,
                      fields=["patient_id"])  # fmt: skip
    assert access_seal() == 3
    assert not AuditEvent.objects.exists() and not AuditHead.objects.exists()  # never touches the audit head
    call_command("audit", "verify", "--access")
    assert "个人信息查看记录完好：共 3 条事件" in capsys.readouterr().out
    AccessEvent.objects.filter(seq=2).update(actor="someone else")
    with pytest.raises(CommandError, match="#2"):
        call_command("audit", "verify", "--access")
