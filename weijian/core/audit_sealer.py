"""Sealing the keyed chains off the request path: one background thread per server process.

By default a transaction that wrote audit (or access) events seals them into their chain right after it
commits, in the same request (:func:`weijian.core.audit._seal_after_commit`). That keeps every event sealed
the moment its request ends, which the tests and the command-line tools rely on, but it puts the seal — the
head row's lock, one MAC per event, the bulk update — into every writing request's time.

A server process (``weijian.project.wsgi``, i.e. gunicorn) calls :func:`start`: from then on a commit only
wakes this process's sealer thread, which waits ``WEIJIAN_AUDIT_SEAL_BATCH_MS`` (50 ms) so that the events of
the requests committing meanwhile go into one seal, then seals both chains with its own database connection.
Nothing is lost if the process dies first: events stay pending in the database and the next seal — of any
process, or ``weijian audit verify`` — takes them, oldest first. ``WEIJIAN_AUDIT_SEAL=commit`` keeps sealing in
the request even under the server.

The thread is started lazily in the process that first needs it (so a server that forks its workers after
importing the application still gets one per worker).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connection

log = logging.getLogger(__name__)

DEFAULT_BATCH_MS = 50


class Sealer:
    """A daemon thread that seals the chains when woken, batching what commits within ``batch_s``."""

    def __init__(self, seals: list[Callable[[], int]], batch_s: float) -> None:
        self._seals = seals
        self._batch_s = batch_s
        self._cond = threading.Condition()
        self._asked = 0  # seals asked for (one per commit that wrote events)
        self._done = 0  # of those, how many a finished seal covered
        self._thread: threading.Thread | None = None
        self._pid = 0

    def poke(self) -> None:
        """Ask for a seal soon (called after each commit that wrote events)."""
        with self._cond:
            self._asked += 1
            self._ensure_thread()
            self._cond.notify()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every seal asked for so far has run (True), or ``timeout`` seconds passed (False)."""
        with self._cond:
            target = self._asked
            return self._cond.wait_for(lambda: self._done >= target, timeout)

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="weijian-audit-sealer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._asked > self._done)
            if self._batch_s:
                threading.Event().wait(self._batch_s)  # let the requests committing meanwhile join this seal
            with self._cond:
                target = self._asked  # every commit asked for until now is in the database: this seal takes it
            try:
                close_old_connections()
                for seal in self._seals:
                    seal()
            except Exception:  # the events stay pending; the next seal takes them
                log.exception("sealing the audit chains failed; the events stay pending")
                connection.close()
            with self._cond:
                self._done = max(self._done, target)
                self._cond.notify_all()


_sealer: Sealer | None = None


def start() -> Sealer | None:
    """Seal in a background thread from now on in this process (unless ``WEIJIAN_AUDIT_SEAL=commit``)."""
    global _sealer
    mode = os.environ.get("WEIJIAN_AUDIT_SEAL") or getattr(settings, "WEIJIAN_AUDIT_SEAL", "background")  # env: tests
    if mode == "commit":
        return None
    if _sealer is None:
        from weijian.core.access_log import access_seal
        from weijian.core.audit import audit_seal

        batch_ms = int(getattr(settings, "WEIJIAN_AUDIT_SEAL_BATCH_MS", DEFAULT_BATCH_MS))
        _sealer = Sealer([lambda: audit_seal(wait=True), lambda: access_seal(wait=True)], batch_ms / 1000)
    return _sealer


def stop() -> None:
    """Back to sealing after each commit in the request (tests)."""
    global _sealer
    if _sealer is not None:
        _sealer.flush()
    _sealer = None


def active() -> Sealer | None:
    return _sealer
