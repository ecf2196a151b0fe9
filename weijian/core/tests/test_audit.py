import pytest
from django.core.management import CommandError, call_command

from weijian.core.audit import audit_pending, audit_record, audit_seal, audit_verify
from weijian.core.models import AuditEvent, AuditHead


@pytest.fixture
def chain(db: None) -> list[AuditEvent]:
    events = [
        audit_record(actor="tester", action="test.event", object_type="thing", object_id=n, data={"n": n, "名": "值"})
        for n in range(1, 6)
    ]
    assert audit_pending() == 5 and audit_seal() == 5 and audit_pending() == 0
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


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
    """Editing an event and fixing its own MAC (with a key of one's own) breaks it, and the next event's link."""
    import hashlib
    import hmac

    from weijian.core.audit_chain import mac_message

    event = AuditEvent.objects.get(seq=3)
    event.data = {"n": 42}
    event.hash = hmac.new(b"not the key", mac_message("audit", event), hashlib.sha256).hexdigest()
    event.save()
    result = audit_verify()
    assert result.broken is not None and result.broken.seq == 3 and "认证码" in result.broken.reason


def test_head_tracks_the_tip(chain: list[AuditEvent]) -> None:
    head = AuditHead.objects.get(pk=1)
    assert head.last_seq == 5 and head.last_hash == chain[-1].hash


def test_an_event_is_stored_at_once_and_sealed_in_order(chain: list[AuditEvent]) -> None:
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
    late = audit_record(actor="tester", action="test.event", object_id=6)
    assert late.seq is None and late.hash is None  # stored in the caller's transaction, not yet chained
    assert AuditEvent.objects.filter(action="test.event").count() == 6
    result = audit_verify()  # seals first
    assert result.ok and result.checked == 6
    assert AuditEvent.objects.get(pk=late.pk).prev_hash == chain[-1].hash


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_committing_the_change_seals_its_event() -> None:
    from django.db import transaction

    with transaction.atomic():
        event = audit_record(actor="tester", action="test.event", object_id=1)
        audit_record(actor="tester", action="test.event", object_id=2)
        assert AuditEvent.objects.get(pk=event.pk).seq is None
    assert audit_pending() == 0 and AuditEvent.objects.get(pk=event.pk).seq == 1
    with transaction.atomic():
        audit_record(actor="tester", action="test.event", object_id=3)
        transaction.set_rollback(True)  # a change rolled back leaves no event
    assert AuditEvent.objects.count() == 2 and audit_verify().ok


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_do_not_wait_for_one_another_and_the_chain_holds() -> None:
    """Writers in parallel threads (their own connections): on PostgreSQL no writer holds a lock that the
    others wait for while its transaction runs; every event ends up sealed, once, in a gap-free chain."""
    import threading

    from django.db import connection, transaction

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises every writer itself")
    inside = threading.Barrier(4, timeout=20)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with transaction.atomic():
                audit_record(actor="tester", action="test.event", object_id=n)
                inside.wait()  # all four transactions are open at once, each holding its written event
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    audit_seal()
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_server_process_seals_in_its_background_thread_not_in_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the server (``weijian.project.wsgi`` starts the sealer), a commit only wakes the sealer thread: the
    seal of the audit and access chains runs there, once for the commits of a batch, and the chain holds."""
    import threading

    from django.db import transaction

    from weijian.core import audit_sealer
    from weijian.core.access_log import access_record, access_seal
    from weijian.core.models import AccessEvent

    monkeypatch.delenv("WEIJIAN_AUDIT_SEAL", raising=False)
    made = audit_sealer.start()
    assert made is not None and audit_sealer.active() is made
    audit_sealer.stop()
    monkeypatch.setenv("WEIJIAN_AUDIT_SEAL", "commit")  # the operator's choice: seal in the request after all
    assert audit_sealer.start() is None and audit_sealer.active() is None

    sealed_in: list[str] = []
    gate = threading.Event()  # the sealer waits until the writes are done (in-memory SQLite has no busy wait)

    def sealing(seal: object) -> object:
        def run() -> int:
            gate.wait(30)
            sealed_in.append(threading.current_thread().name)
            return seal(wait=True)  # type: ignore[operator]
        return run

    sealer = audit_sealer.Sealer([sealing(audit_seal), sealing(access_seal)], batch_s=0.01)
    monkeypatch.setattr(audit_sealer, "_sealer", sealer)
    try:
        for n in range(3):
            with transaction.atomic():
                audit_record(actor="tester", action="test.event", object_id=n)
                access_record(actor="tester", action="test.view", object_type="t", object_id=n, fields=["name"])
        assert not sealed_in and AuditEvent.objects.filter(seq__isnull=True).count() == 3  # the requests did not seal
        gate.set()
        assert sealer.flush(30)
    finally:
        gate.set()
        audit_sealer.stop()
    assert audit_sealer.active() is None
    assert set(sealed_in) == {"weijian-audit-sealer"}
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3] and audit_verify().ok
    assert not AccessEvent.objects.filter(seq__isnull=True).exists()
