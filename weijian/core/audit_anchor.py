"""Anchors: the chain's head written outside the database, so truncating or rewriting the tables shows.

``weijian audit anchor`` (and the sealer, every ``WEIJIAN_AUDIT_ANCHOR_EVERY`` events) appends one JSON line
``{"chain", "seq", "mac", "key_id", "at"}`` to ``anchors.jsonl`` in the audit folder, opened append-only
(0600), and prints it for publication (an e-mail to the audit administrator, a printed register, a
write-once store). ``weijian audit verify`` checks every anchor against the chain: an anchored event that
is missing or carries another MAC is reported. The first anchor of a chain that predates the keys also says
how many unkeyed (plain SHA-256) events it had (``legacy_through``); no later unkeyed event is accepted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from weijian.core.audit_keys import audit_dir

ANCHOR_FILE = "anchors.jsonl"


@dataclass(frozen=True)
class Anchor:
    chain: str
    seq: int
    mac: str
    key_id: str
    at: str
    legacy_through: int | None = None

    def line(self) -> str:
        body: dict[str, Any] = {"chain": self.chain, "seq": self.seq, "mac": self.mac, "key_id": self.key_id,
                                "at": self.at}  # fmt: skip
        if self.legacy_through is not None:
            body["legacy_through"] = self.legacy_through
        return json.dumps(body, sort_keys=True, separators=(",", ":"))


def anchor_path() -> Path:
    return audit_dir() / ANCHOR_FILE


def append_anchor(*, chain: str, seq: int, mac: str, key_id: str, legacy_through: int | None = None) -> Anchor:
    anchor = Anchor(chain, seq, mac, key_id, timezone.now().isoformat(timespec="seconds"), legacy_through)
    fd = os.open(anchor_path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (anchor.line() + "\n").encode())  # one write, one line: safe with several writers
        os.fsync(fd)
    finally:
        os.close(fd)
    return anchor


def read_anchors(chain: str) -> list[Anchor]:
    """The chain's anchors in the order written; a line that does not parse is skipped by nobody: it is an error."""
    path = anchor_path()
    if not path.exists():
        return []
    found = []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if not text.strip():
            continue
        try:
            body = json.loads(text)
            anchor = Anchor(body["chain"], int(body["seq"]), body["mac"], body["key_id"], body["at"],
                            body.get("legacy_through"))  # fmt: skip
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path.name}:{number}: {exc}") from exc
        if anchor.chain == chain:
            found.append(anchor)
    return found


def last_anchored_seq(chain: str) -> int:
    anchors = read_anchors(chain)
    return max((a.seq for a in anchors), default=0)
