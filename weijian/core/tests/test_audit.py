import pytest
from django.core.management import CommandError, call_command

from weijian.core.audit import audit_record, audit_verify
from weijian.core.models import AuditEvent, AuditHead


@pytest.fixture
def chain(db: None) -> list[AuditEvent]:
    return [
        audit_record(actor="tester", action="test.event", object_type="thing", object_id=n, data={"n": n, "名": "值"})
        for n in range(1, 6)
    ]


def test_intact_chain_verifies(chain: list[AuditEvent]) -> None:
    result = audit_verify()
    assert result.ok
    assert result.checked == 5
    call_command("audit", "verify")


def test_edited_event_is_named(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(seq=3).update(data={"n": 99})
    result = audit_verify()
    assert not result.ok and result.broken.seq == 3
    assert "修改" in result.broken.reason
    with pytest.raises(CommandError, match="#3") as info:
        call_command("audit", "verify")
    assert info.value.returncode == 1


def test_deleted_event_is_found(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(seq=2).delete()
    result = audit_verify()
    assert result.broken is not None and result.broken.seq == 2


def test_deleted_last_event_is_found(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(seq=5).delete()
    result = audit_verify()
    assert result.broken is not None and result.broken.seq == 5


def test_reordered_events_are_found(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(seq=2).update(seq=-2)
    AuditEvent.objects.filter(seq=4).update(seq=2)
    AuditEvent.objects.filter(seq=-2).update(seq=4)
    result = audit_verify()
    assert result.broken is not None and result.broken.seq == 2


def test_recomputed_forgery_still_breaks_the_next_link(chain: list[AuditEvent]) -> None:
    """Editing an event and fixing its own hash breaks the following event's prev_hash."""
    from weijian.core.audit import event_hash

    event = AuditEvent.objects.get(seq=3)
    event.data = {"n": 42}
    event.hash = event_hash(
        seq=event.seq, at=event.at, actor=event.actor, action=event.action, object_type=event.object_type,
        object_id=event.object_id, data=event.data, prev_hash=event.prev_hash,
    )  # fmt: skip
    event.save()
    result = audit_verify()
    assert result.broken is not None and result.broken.seq == 4


def test_head_tracks_the_tip(chain: list[AuditEvent]) -> None:
    head = AuditHead.objects.get(pk=1)
    assert head.last_seq == 5 and head.last_hash == chain[-1].hash
