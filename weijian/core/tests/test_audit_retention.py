"""Retention: a verifiable archive, and pruning only what it holds and is older than six months."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from weijian.core.audit import audit_record, audit_seal, audit_verify
from weijian.core.audit_archive import ArchiveError, audit_prune, read_archive, retention_cutoff
from weijian.core.models import AuditEvent

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def aged_chain(db: None) -> None:
    """Three events a year ago, two eight months ago, two last week (now: 2026-12-01)."""
    for when, n in ((dt.datetime(2025, 12, 1, 9, tzinfo=TZ), 3), (dt.datetime(2026, 4, 1, 9, tzinfo=TZ), 2),
                    (dt.datetime(2026, 11, 24, 9, tzinfo=TZ), 2)):  # fmt: skip
        with time_machine.travel(when, tick=False):
            for k in range(n):
                audit_record(actor="tester", action="test.event", object_id=k, data={"at": when.isoformat()})
            audit_seal()


NOW = dt.datetime(2026, 12, 1, 12, tzinfo=TZ)


def test_the_cutoff_is_six_months_from_the_rules_data() -> None:
    assert retention_cutoff(NOW) == dt.datetime(2026, 6, 1, 12, tzinfo=TZ)
    assert retention_cutoff(dt.datetime(2026, 8, 31, tzinfo=TZ)) == dt.datetime(2026, 2, 28, tzinfo=TZ)


def test_archive_then_prune_keeps_a_verifiable_chain(aged_chain: None, tmp_path: Path) -> None:
    out = tmp_path / "archive.jsonl"
    call_command("audit", "archive", "--before", "2026-12-01", "--out", str(out))
    archive = read_archive(out)
    assert archive.manifest["count"] == 7 and archive.manifest["first_seq"] == 1
    assert audit_prune(actor="auditor", archive_path=out, now=NOW) == 5  # the two of last week are kept
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == [6, 7, 8]
    checkpoint = AuditEvent.objects.get(seq=8)
    assert checkpoint.action == "core.audit.prune" and checkpoint.data["through_seq"] == 5
    result = audit_verify()
    assert result.ok and result.first == 6 and result.checked == 3
    with pytest.raises(ArchiveError):  # nothing more is old enough
        audit_prune(actor="auditor", archive_path=out, now=NOW)


def test_deleting_more_than_was_pruned_is_still_reported(aged_chain: None, tmp_path: Path) -> None:
    out = tmp_path / "archive.jsonl"
    call_command("audit", "archive", "--before", "2026-05-01", "--out", str(out))
    audit_prune(actor="auditor", archive_path=out, now=NOW)
    AuditEvent.objects.filter(seq=6).delete()
    result = audit_verify()
    assert result.broken is not None and result.broken.seq == 1


@pytest.mark.parametrize("where", [0.1, 0.5, 0.99])
def test_an_archive_with_one_byte_changed_is_refused_and_nothing_deleted(aged_chain: None, tmp_path: Path,
                                                                         where: float) -> None:  # fmt: skip
    out = tmp_path / "archive.jsonl"
    call_command("audit", "archive", "--before", "2026-12-01", "--out", str(out))
    raw = bytearray(out.read_bytes())
    at = int(len(raw) * where)
    raw[at] = raw[at] + 1 if raw[at] < 0x7E else raw[at] - 1
    out.write_bytes(bytes(raw))
    with pytest.raises(CommandError) as info:
        call_command("audit", "prune", "--archive", str(out))
    assert info.value.returncode == 1 and "归档" in str(info.value)
    assert AuditEvent.objects.count() == 7


def test_archiving_a_broken_chain_is_refused(aged_chain: None, tmp_path: Path) -> None:
    AuditEvent.objects.filter(seq=2).update(actor="x")
    with pytest.raises(CommandError, match="#2"):
        call_command("audit", "archive", "--before", "2026-12-01", "--out", str(tmp_path / "a.jsonl"))


def test_archive_needs_a_date(db: None) -> None:
    with pytest.raises(CommandError, match="--before"):
        call_command("audit", "archive", "--before", "last year")


def test_prune_from_another_installation_is_refused(aged_chain: None, tmp_path: Path, settings: Any) -> None:
    out = tmp_path / "archive.jsonl"
    call_command("audit", "archive", "--before", "2026-12-01", "--out", str(out))
    settings.DATA_DIR = tmp_path / "other"
    settings.DATA_DIR.mkdir()
    with pytest.raises(ArchiveError, match="另一套"):
        audit_prune(actor="auditor", archive_path=out, now=timezone.now())
