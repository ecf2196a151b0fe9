"""The audit chain's keys: kept outside the database, named by id, rotated without losing the old ones.

Each sealed event carries a MAC (HMAC-SHA-256, or HMAC over SM3 for 商用密码 assessment) under the key its
``key_id`` names, so a copy of the database alone cannot forge or recompute the chain. The keys come from

- the environment, ``WEIJIAN_AUDIT_KEYS="<id>:<alg>:<hex secret>[;…]"`` (the last one signs new events), or
- the keyring file ``audit_keys.json`` in the audit folder (``settings.WEIJIAN_AUDIT_DIR``, by default
  ``<data folder>/audit``), mode 0600, created with one fresh key on first use.

``weijian audit rotate-key`` adds a new key to the file and makes it the one that signs; the old ones stay for
verifying. The keyring is never part of a database backup: ``weijian backup --keys`` writes it on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

HMAC_SHA256 = "hmac-sha256"
HMAC_SM3 = "hmac-sm3"
ALGORITHMS = (HMAC_SHA256, HMAC_SM3)
KEYRING_FILE = "audit_keys.json"
ENV_KEYS = "WEIJIAN_AUDIT_KEYS"


def audit_dir() -> Path:
    """The folder of the keyring and the anchor file (0700), made on first use."""
    path = Path(getattr(settings, "WEIJIAN_AUDIT_DIR", "") or Path(settings.DATA_DIR) / "audit")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _sm3(data: bytes) -> bytes:
    from gmssl import func, sm3  # optional: only an installation that chose SM3 needs it

    return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))


def _hmac_sm3(secret: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) over SM3 (GB/T 32905-2016), block size 64 bytes."""
    block = 64
    if len(secret) > block:
        secret = _sm3(secret)
    secret = secret.ljust(block, b"\0")
    inner = _sm3(bytes(b ^ 0x36 for b in secret) + message)
    return _sm3(bytes(b ^ 0x5C for b in secret) + inner)


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    alg: str
    secret: bytes
    created: str = ""

    def mac(self, message: bytes) -> str:
        if self.alg == HMAC_SM3:
            return _hmac_sm3(self.secret, message).hex()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, AuditKey]
    active_id: str
    source: str  # "env" or the file's path

    @property
    def active(self) -> AuditKey:
        return self.keys[self.active_id]

    def get(self, key_id: str) -> AuditKey | None:
        return self.keys.get(key_id)


def configured_algorithm() -> str:
    alg = getattr(settings, "WEIJIAN_AUDIT_MAC", HMAC_SHA256) or HMAC_SHA256
    if alg not in ALGORITHMS:
        raise ImproperlyConfigured(_("WEIJIAN_AUDIT_MAC 应为 %(choices)s 之一") % {"choices": ", ".join(ALGORITHMS)})
    return alg


def _new_key(alg: str) -> AuditKey:
    now = dt.datetime.now(dt.UTC)
    key_id = f"k{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
    return AuditKey(key_id, alg, secrets.token_bytes(32), now.isoformat(timespec="seconds"))


def keyring_path() -> Path:
    return audit_dir() / KEYRING_FILE


def _from_env(raw: str) -> Keyring:
    keys: dict[str, AuditKey] = {}
    last = ""
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        key_id, _sep, rest = part.partition(":")
        alg, _sep, secret = rest.partition(":")
        try:
            value = bytes.fromhex(secret)
        except ValueError:
            value = b""
        if not key_id or alg not in ALGORITHMS or len(value) < 16:
            raise ImproperlyConfigured(_("%(env)s 的格式应为 编号:算法:十六进制密钥（至少 16 字节），多把用分号隔开") % {"env": ENV_KEYS})
        keys[key_id], last = AuditKey(key_id, alg, value), key_id
    if not keys:
        raise ImproperlyConfigured(_("%(env)s 没有给出密钥") % {"env": ENV_KEYS})
    return Keyring(keys, last, "env")


def _write(path: Path, ring: Keyring) -> None:
    body = {"active": ring.active_id, "keys": [
        {"id": k.key_id, "alg": k.alg, "secret": k.secret.hex(), "created": k.created} for k in ring.keys.values()
    ]}  # fmt: skip
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(body, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, path)


def parse_keyring(text: str, source: str) -> Keyring:
    body = json.loads(text)
    keys = {k["id"]: AuditKey(k["id"], k["alg"], bytes.fromhex(k["secret"]), k.get("created", "")) for k in body["keys"]}
    return Keyring(keys, body["active"], source)


def _read(path: Path, raw: bytes | None = None) -> Keyring:
    try:
        return parse_keyring((raw if raw is not None else path.read_bytes()).decode(), str(path))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(_("审计密钥文件 %(path)s 无法读取：%(error)s") % {"path": path, "error": exc}) from exc


_CACHE: dict[str, tuple[bytes, Keyring]] = {}


def keyring(*, create: bool = True) -> Keyring | None:
    """The keys (environment first, then the file); the file is made with one fresh key when ``create``."""
    raw = os.environ.get(ENV_KEYS, "")
    if raw:
        return _from_env(raw)
    path = keyring_path()
    if path.exists():
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        raw = path.read_bytes()
        cached = _CACHE.get(str(path))
        if cached is None or cached[0] != raw:  # parsed once per change of the file, not per seal
            cached = (raw, _read(path, raw))
            _CACHE[str(path)] = cached
        return cached[1]
    if not create:
        return None
    key = _new_key(configured_algorithm())
    ring = Keyring({key.key_id: key}, key.key_id, str(path))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # two first users: one file wins
    except FileExistsError:
        return _read(path)
    os.close(fd)
    _write(path, ring)
    return ring


def rotate_key(*, alg: str | None = None) -> AuditKey:
    """Add a new key to the keyring file and make it the one new events are signed with."""
    if os.environ.get(ENV_KEYS):
        raise ImproperlyConfigured(_("审计密钥来自环境变量 %(env)s：请在那里增加新密钥（放在最后）") % {"env": ENV_KEYS})
    current = keyring()
    assert current is not None
    key = _new_key(alg or configured_algorithm())
    ring = Keyring({**current.keys, key.key_id: key}, key.key_id, current.source)
    _write(keyring_path(), ring)
    return key
