"""Backups that restore: the database and the stored files in one checked archive, the audit keys on their own.

``weijian backup [--out FILE]`` writes a tar.gz of

- ``manifest.json`` (first): format, this installation's id, the database vendor, the audit and access chains'
  heads, and the SHA-256 and size of every other member;
- ``database.sqlite3`` (SQLite's online backup) or ``database.pgdump`` (``pg_dump -Fc``);
- ``files/evidence/…`` and ``files/media/…``: the evidence store and uploads of the data folder.

The audit keyring is *not* in it (a stolen backup must not let anyone rewrite the chain): ``weijian backup
--keys --out FILE`` writes it alone, to be kept apart; ``weijian restore --keys FILE`` adds its keys back.

``weijian restore FILE`` reads and checks the whole archive into a staging folder first, and refuses — before
anything is overwritten — a truncated or altered file, one from another installation (unless
``--other-installation``) and a restore onto a database holding audit events the backup does not have (unless
``--force``). Then it restores the database (SQLite's backup API, or ``pg_restore --clean``) and the files,
re-hashes the files and verifies the audit chain; only then does it report success. Stop the web server and the
worker while a restore runs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core import access_log, audit
from weijian.core.audit_keys import ENV_KEYS, keyring, keyring_path, parse_keyring
from weijian.core.installation import installation_id
from weijian.core.models import AccessHead, AuditHead

FORMAT = "weijian-backup-1"
FILE_FOLDERS = ("evidence", "media")  # under the data folder
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup that cannot be written, or a restore that is refused (nothing was overwritten)."""


@dataclass(frozen=True)
class RestoreReport:
    events: int
    files: int
    installation: str


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not candidates:
        raise BackupError(_("找不到 PostgreSQL 的 %(tool)s（请安装 postgresql-client）") % {"tool": name})
    return str(candidates[-1])


def _pg_args() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["-h", s.get("HOST") or "localhost", "-U", s.get("USER") or "", "-d", s["NAME"]]
    if s.get("PORT"):
        args += ["-p", str(s["PORT"])]
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(_("%(tool)s 失败：%(error)s") % {"tool": Path(command[0]).name, "error": done.stderr.strip()[-800:]})


def _dump_database(target: Path) -> str:
    """Write the database to ``target``; returns the member name."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return "database.sqlite3"
    if connection.vendor == "postgresql":
        args, env = _pg_args()
        _run([_pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(target), *args], env)
        return "database.pgdump"
    raise BackupError(_("不支持的数据库：%(vendor)s") % {"vendor": connection.vendor})


def _stored_files() -> Iterator[tuple[str, Path]]:
    for folder in FILE_FOLDERS:
        root = Path(settings.DATA_DIR) / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.name.startswith("."):  # not a half-written .part
                yield f"{folder}/{path.relative_to(root).as_posix()}", path


def _head(model: Any) -> dict[str, Any]:
    head = model.objects.filter(pk=1).first()
    return {"last_seq": head.last_seq if head else 0, "last_mac": head.last_hash if head else ""}


def backup_write(*, out: Path) -> dict[str, Any]:
    """Write a backup to ``out``; returns its manifest."""
    audit.audit_seal()
    access_log.access_seal()
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as staging:
        dump = Path(staging) / "database"
        member = _dump_database(dump)
        stored = list(_stored_files())
        files = [{"path": name, "sha256": _sha256_file(path), "size": path.stat().st_size} for name, path in stored]
        ring = keyring(create=False)
        manifest = {
            "format": FORMAT, "installation": installation_id(), "created": timezone.now().isoformat(timespec="seconds"),
            "vendor": connection.vendor, "database": {"name": member, "sha256": _sha256_file(dump), "size": dump.stat().st_size},
            "files": files, "audit": _head(AuditHead), "access": _head(AccessHead),
            "key_ids": sorted(ring.keys) if ring else [],
        }  # fmt: skip
        body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        partial = out.with_name(out.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(body), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(body))
            tar.add(dump, arcname=member)
            for name, path in stored:
                tar.add(path, arcname=f"files/{name}")
        os.replace(partial, out)
    return manifest


def keys_write(*, out: Path) -> int:
    """Write the audit keyring alone (0600); returns how many keys."""
    if os.environ.get(ENV_KEYS):
        raise BackupError(_("审计密钥来自环境变量 %(env)s：请在保管该环境配置的地方备份") % {"env": ENV_KEYS})
    ring = keyring(create=False)
    if ring is None:
        raise BackupError(_("还没有审计密钥"))
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(keyring_path().read_bytes())
    return len(ring.keys)


def keys_restore(*, source: Path) -> int:
    """Add the keys of a keys backup to this keyring (none is removed); returns how many were added."""
    from weijian.core import audit_keys

    try:
        incoming = parse_keyring(source.read_text(), str(source))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(_("密钥备份文件无法读取：%(error)s") % {"error": exc}) from exc
    current = keyring(create=False)
    if current is None:
        merged = incoming
    else:
        clash = [k for k in incoming.keys if k in current.keys and current.keys[k].secret != incoming.keys[k].secret]
        if clash:
            raise BackupError(_("密钥 %(key)s 与本机同名密钥不同，拒绝覆盖") % {"key": clash[0]})
        merged = audit_keys.Keyring({**incoming.keys, **current.keys}, current.active_id, current.source)
    audit_keys._write(keyring_path(), merged)
    return len(merged.keys) - (len(current.keys) if current else 0)


def _read_backup(source: Path, staging: Path) -> dict[str, Any]:
    """Extract and check every member into ``staging``; returns the manifest. Raises on anything amiss."""
    broken = _("备份文件不完整或已损坏：%(error)s")
    try:
        with tarfile.open(source, "r:gz") as tar:
            first = tar.next()
            if first is None or first.name != "manifest.json":
                raise BackupError(broken % {"error": _("缺少清单")})
            handle = tar.extractfile(first)
            assert handle is not None
            manifest = json.loads(handle.read())
            if manifest.get("format") != FORMAT:
                raise BackupError(broken % {"error": _("不是本系统的备份")})
            expected = {manifest["database"]["name"]: manifest["database"]["sha256"]}
            expected.update({f"files/{f['path']}": f["sha256"] for f in manifest["files"]})
            seen: set[str] = set()
            for member in tar:
                if member.offset == first.offset:
                    continue
                if member.name not in expected or not member.isfile() or member.name in seen:
                    raise BackupError(broken % {"error": _("多出或重复的成员 %(name)s") % {"name": member.name}})
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                data = tar.extractfile(member)
                assert data is not None
                with target.open("wb") as fh:
                    shutil.copyfileobj(data, fh, CHUNK)
                if _sha256_file(target) != expected[member.name]:
                    raise BackupError(broken % {"error": _("%(name)s 的 SHA-256 与清单不符") % {"name": member.name}})
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(broken % {"error": exc}) from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(broken % {"error": _("缺少 %(name)s") % {"name": missing[0]}})
    return manifest


def _current_head() -> tuple[int, str]:
    try:
        audit.audit_seal()
        head = AuditHead.objects.filter(pk=1).first()
    except DatabaseError:  # an empty or destroyed database: nothing to lose
        connection.close()
        return 0, ""
    return (head.last_seq, head.last_hash) if head else (0, "")


def _mac_at(seq: int) -> str | None:
    from weijian.core.models import AuditEvent

    try:
        return AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
    except DatabaseError:
        connection.close()
        return None


def _restore_database(member: str, dump: Path) -> None:
    if member == "database.sqlite3":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    args, env = _pg_args()
    connections.close_all()
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(dump)], env)


def restore(*, source: Path, other_installation: bool = False, force: bool = False) -> RestoreReport:
    """Check the backup, restore it, re-check files and chain (see the module docstring)."""
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        staging = Path(folder)
        manifest = _read_backup(source, staging)
        if manifest["installation"] != installation_id() and not other_installation:
            raise BackupError(_("备份来自另一套系统（%(other)s），本机为 %(this)s；确认无误请加 --other-installation") % {
                "other": manifest["installation"], "this": installation_id()})  # fmt: skip
        vendor = {"database.sqlite3": "sqlite", "database.pgdump": "postgresql"}[manifest["database"]["name"]]
        if vendor != connection.vendor:
            raise BackupError(_("备份的数据库为 %(theirs)s，本机为 %(ours)s") % {"theirs": vendor, "ours": connection.vendor})
        theirs = manifest["audit"]
        seq, _mac = _current_head()
        if not force and (seq > theirs["last_seq"] or (seq and _mac_at(theirs["last_seq"]) not in (None, theirs["last_mac"]))):
            raise BackupError(_("本机数据库有备份之后的审计事件（#%(ours)d，备份到 #%(theirs)d）：恢复会丢失它们；确认请加 --force") % {
                "ours": seq, "theirs": theirs["last_seq"]})  # fmt: skip
        _restore_database(manifest["database"]["name"], staging / manifest["database"]["name"])
        for entry in manifest["files"]:
            target = Path(settings.DATA_DIR) / entry["path"]
            if not target.exists() or _sha256_file(target) != entry["sha256"]:
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                shutil.copyfile(staging / "files" / entry["path"], target)
                target.chmod(0o600)
    for entry in manifest["files"]:
        target = Path(settings.DATA_DIR) / entry["path"]
        if not target.exists() or _sha256_file(target) != entry["sha256"]:
            raise BackupError(_("恢复后文件 %(path)s 的 SHA-256 不符") % {"path": entry["path"]})
    result = audit.audit_verify()
    if not result.ok:
        raise BackupError(_("恢复后审计链校验失败：%(broken)s（缺少审计密钥时请先 weijian restore --keys）") % {"broken": result.broken})
    if result.first + result.checked - 1 < theirs["last_seq"]:
        raise BackupError(_("恢复后审计链只到 #%(n)d，备份记录到 #%(m)d") % {"n": result.checked, "m": theirs["last_seq"]})
    access = access_log.access_verify()
    if not access.ok:
        raise BackupError(_("恢复后个人信息查看记录校验失败：%(broken)s") % {"broken": access.broken})
    return RestoreReport(result.checked, len(manifest["files"]), manifest["installation"])
