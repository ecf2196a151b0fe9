"""Backups that restore, on either database with its own tools: back up, destroy, restore, nothing lost."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from weijian.core import audit_keys
from weijian.core.audit import audit_record, audit_seal, audit_verify
from weijian.core.models import AuditEvent, AuditHead
from weijian.inspections import evidence

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def installation(settings: Any, tmp_path: Path) -> Path:
    """A data folder of its own (installation id, evidence store) holding a file, an account and events."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    data = b"%PDF-1.4 evidence"
    evidence.store_bytes(data, hashlib.sha256(data).hexdigest(), "pdf")
    User.objects.create_user("kept", password="x")
    for n in range(4):
        audit_record(actor="kept", action="test.event", object_id=n)
    audit_seal()
    return tmp_path


def _backup(folder: Path) -> Path:
    out = folder / "backup.tar.gz"
    call_command("backup", "--out", str(out))
    return out


def test_back_up_destroy_restore_and_nothing_is_lost(installation: Path) -> None:
    out = _backup(installation)
    with tarfile.open(out) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert names[0] == "manifest.json" and any(n.startswith("files/evidence/") for n in names)
    assert not any("audit_keys" in n or "secret_key" in n for n in names)  # the key is backed up on its own
    assert manifest["audit"]["last_seq"] == 4 and len(manifest["files"]) == 1
    stored = next(Path(evidence.evidence_root()).rglob("*.pdf"))
    # destroy: accounts, both audit tables, the evidence file
    User.objects.all().delete()
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()
    stored.unlink()
    call_command("restore", str(out))
    assert User.objects.filter(username="kept").exists()
    assert stored.read_bytes() == b"%PDF-1.4 evidence"
    result = audit_verify()
    assert result.ok and result.checked == 5  # the four, and the restore itself
    assert AuditEvent.objects.get(seq=5).action == "core.backup.restore"


def test_a_truncated_backup_is_refused_and_nothing_overwritten(installation: Path) -> None:
    out = _backup(installation)
    out.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    User.objects.create_user("after", password="x")
    with pytest.raises(CommandError, match="不完整或已损坏") as info:
        call_command("restore", str(out))
    assert info.value.returncode == 1 and User.objects.filter(username="after").exists()


def test_a_backup_of_another_installation_is_refused_unless_asked(installation: Path, settings: Any) -> None:
    out = _backup(installation)
    settings.DATA_DIR = installation / "elsewhere"
    settings.DATA_DIR.mkdir()
    with pytest.raises(CommandError, match="另一套系统"):
        call_command("restore", str(out))
    call_command("restore", str(out), "--other-installation")
    assert audit_verify().ok


def test_a_restore_onto_newer_events_is_refused_unless_forced(installation: Path) -> None:
    out = _backup(installation)
    audit_record(actor="kept", action="test.event", object_id="late")
    audit_seal()
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(out))
    assert AuditEvent.objects.filter(object_id="late").exists()  # nothing overwritten
    call_command("restore", str(out), "--force")
    assert not AuditEvent.objects.filter(object_id="late").exists() and audit_verify().ok


def test_the_keys_are_backed_up_on_their_own(installation: Path) -> None:
    out = installation / "keys.json"
    call_command("backup", "--keys", "--out", str(out))
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    ring = audit_keys.keyring()
    assert ring is not None and json.loads(out.read_text())["active"] == ring.active_id
    call_command("restore", "--keys", str(out))  # adding the same keys again changes nothing
    assert audit_keys.keyring() == ring
