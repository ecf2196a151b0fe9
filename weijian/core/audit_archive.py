"""Retention: a verifiable copy of old audit events, and the only way events are ever deleted.

``weijian audit archive --before DATE`` writes the sealed events before DATE as JSON lines (each with its
``prev_hash``, MAC and ``key_id``), then one manifest line: the installation, the range, the SHA-256 of the
lines above it and the manifest's own MAC under the active key. :func:`read_archive` refuses a file with one byte
changed (digest, MACs or JSON fail).

``weijian audit prune --archive FILE`` deletes events only if the archive verifies, each deleted event is in it
unchanged, and the event is older than the retention figure (``audit_retention.yaml``, 网络安全法 art. 21:
six months); then records a checkpoint event (``core.audit.prune``) naming the last deleted event and its MAC,
from which ``weijian audit verify`` accepts the chain starting later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core import audit
from weijian.core.audit_chain import canonical, legacy_hash, mac_message
from weijian.core.audit_keys import keyring
from weijian.core.installation import installation_id
from weijian.core.models import AuditEvent
from weijian.rules import loader

RETENTION_FILE = "audit_retention"
FIELDS = ("seq", "at", "actor", "action", "object_type", "object_id", "data", "prev_hash", "hash", "key_id")


class ArchiveError(ValueError):
    """An archive that does not verify, or a pruning that is not allowed."""


@dataclass(frozen=True)
class Archive:
    manifest: dict[str, Any]
    events: list[dict[str, Any]]
    sha256: str


def retention_months(on: dt.date) -> int:
    return int(loader.value(RETENTION_FILE, "min_retention_months", on))


def retention_cutoff(now: dt.datetime) -> dt.datetime:
    """The moment before which an event is old enough to be pruned (now minus the retention months)."""
    months = retention_months(now.date())
    year, month = divmod(now.month - 1 - months, 12)
    year, month = now.year + year, month + 1
    day = min(now.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31,
                        30, 31, 30, 31][month - 1])  # fmt: skip
    return now.replace(year=year, month=month, day=day)


def _row(event: AuditEvent) -> dict[str, Any]:
    row = {name: getattr(event, name) for name in FIELDS}
    row["at"] = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return row


def _manifest_mac(manifest: dict[str, Any]) -> str:
    ring = keyring()
    assert ring is not None
    key = ring.get(manifest["key_id"])
    if key is None:
        raise ArchiveError(_("归档清单的密钥 %(key)s 不在密钥文件中") % {"key": manifest["key_id"]})
    body = {k: v for k, v in manifest.items() if k != "mac"}
    return key.mac(canonical({"archive": body}).encode())


def archive_write(*, before: dt.date, out: Path) -> Archive:
    """Write the sealed events before ``before`` (local midnight) to ``out``; refused when the chain is broken."""
    result = audit.audit_verify()
    if not result.ok:
        raise ArchiveError(_("审计链校验失败，不能归档：%(broken)s") % {"broken": result.broken})
    until = timezone.make_aware(dt.datetime.combine(before, dt.time()))
    events = AuditEvent.objects.filter(seq__isnull=False, at__lt=until).order_by("seq")
    digest, rows = hashlib.sha256(), []
    with out.open("wb") as fh:
        for event in events.iterator(chunk_size=2000):
            row = _row(event)
            line = (canonical(row) + "\n").encode()
            digest.update(line)
            fh.write(line)
            rows.append(row)
        if not rows:
            raise ArchiveError(_("%(date)s 之前没有审计事件") % {"date": before.isoformat()})
        ring = keyring()
        assert ring is not None
        manifest: dict[str, Any] = {
            "chain": "audit", "installation": installation_id(), "before": before.isoformat(),
            "created": timezone.now().isoformat(timespec="seconds"), "first_seq": rows[0]["seq"],
            "last_seq": rows[-1]["seq"], "count": len(rows), "last_mac": rows[-1]["hash"], "sha256": digest.hexdigest(),
            "key_id": ring.active_id,
        }  # fmt: skip
        manifest["mac"] = _manifest_mac(manifest)
        fh.write((canonical({"manifest": manifest}) + "\n").encode())
    return Archive(manifest, rows, manifest["sha256"])


class _Row:
    def __init__(self, row: dict[str, Any]) -> None:
        self.__dict__.update(row)
        self.at = dt.datetime.fromisoformat(row["at"])


def read_archive(path: Path) -> Archive:
    """Read and verify an archive: its digest, its manifest's MAC, every event's MAC and link."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArchiveError(_("无法读取归档文件：%(error)s") % {"error": exc}) from exc
    body, _sep, last = raw.rstrip(b"\n").rpartition(b"\n")
    body = body + b"\n" if body else b""
    try:
        manifest = json.loads(last)["manifest"]
        rows = [json.loads(line) for line in body.splitlines()]
    except (ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(_("归档文件已损坏：%(error)s") % {"error": exc}) from exc
    if hashlib.sha256(body).hexdigest() != manifest.get("sha256"):
        raise ArchiveError(_("归档文件被改动：内容的 SHA-256 与清单不符"))
    if _manifest_mac(manifest) != manifest.get("mac"):
        raise ArchiveError(_("归档清单被改动：清单的认证码不符"))
    ring = keyring()
    assert ring is not None
    prev = None
    for row in rows:
        event = _Row(row)
        if prev is not None and (event.seq != prev["seq"] + 1 or event.prev_hash != prev["hash"]):
            raise ArchiveError(_("归档中的事件 #%(seq)d 与前一条不连续") % {"seq": event.seq})
        if event.key_id:
            key = ring.get(event.key_id)
            if key is None or key.mac(mac_message("audit", event)) != event.hash:
                raise ArchiveError(_("归档中的事件 #%(seq)d 认证码不符") % {"seq": event.seq})
        elif legacy_hash(seq=event.seq, at=event.at, actor=event.actor, action=event.action,
                         object_type=event.object_type, object_id=event.object_id, data=event.data,
                         prev_hash=event.prev_hash) != event.hash:  # fmt: skip
            raise ArchiveError(_("归档中的事件 #%(seq)d 哈希不符") % {"seq": event.seq})
        prev = row
    if len(rows) != manifest.get("count") or not rows or rows[-1]["seq"] != manifest.get("last_seq"):
        raise ArchiveError(_("归档文件不完整：清单记录 %(n)s 条事件") % {"n": manifest.get("count")})
    return Archive(manifest, rows, manifest["sha256"])


def audit_prune(*, actor: Any, archive_path: Path, now: dt.datetime | None = None) -> int:
    """Delete the archived events older than the retention period; returns how many were deleted."""
    archive = read_archive(archive_path)
    if archive.manifest.get("installation") != installation_id():
        raise ArchiveError(_("归档文件来自另一套系统，不能据此删除"))
    result = audit.audit_verify()
    if not result.ok:
        raise ArchiveError(_("审计链校验失败，不能删除：%(broken)s") % {"broken": result.broken})
    cutoff = retention_cutoff(now or timezone.now())
    archived = {row["seq"]: row for row in archive.events}
    doomed: list[AuditEvent] = []
    for event in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        row = archived.get(event.seq)
        if row is None or event.at >= cutoff:
            break
        if row != _row(event):
            raise ArchiveError(_("事件 #%(seq)d 与归档中的不一致，不删除任何事件") % {"seq": event.seq})
        doomed.append(event)
    if not doomed:
        raise ArchiveError(_("没有可删除的事件：归档中的事件都不足 %(months)d 个月，或已删除") % {
            "months": retention_months(cutoff.date())})  # fmt: skip
    last = doomed[-1]
    with transaction.atomic():
        AuditEvent.objects.filter(seq__gte=doomed[0].seq, seq__lte=last.seq).delete()
        audit.audit_record(actor=actor, action="core.audit.prune", object_type="audit_event", data={
            "through_seq": last.seq, "through_mac": last.hash, "from_seq": doomed[0].seq, "count": len(doomed),
            "archive_sha256": archive.sha256, "cutoff": cutoff.isoformat(timespec="seconds"),
        })  # fmt: skip
    audit.audit_seal()
    return len(doomed)
