"""The query planner's statistics, kept fresh so that a list's ordered index is used at a city's scale.

SQLite plans without statistics until ``ANALYZE`` has run: it then guesses that a scope's ``region_id IN (…)``
picks a few rows, reads them all through the region index and sorts them — 100,000 cases for a city office's
first page — instead of walking the date index and stopping after one page. PostgreSQL keeps its own statistics
(autovacuum); after a bulk load it is still worth an ``ANALYZE``.

- :func:`refresh` analyses the database now (a full ``ANALYZE``: SQLite's sampled one, ``analysis_limit``, caps
  each estimate at the sample size and misjudges a column with one value in 100,000 rows). It is run after
  ``migrate``, at the end of ``weijian demo build`` and ``weijian demo setup``, and by ``weijian db analyze`` (after
  a large import, or from cron).
- :func:`on_connect` refreshes SQLite's statistics once per process and then at most every
  ``WEIJIAN_PLANNER_STATS_SECONDS`` (a setting, default an hour), in a background thread on its own connection, so a
  request never waits for it. A database that is busy writing is left alone this time; an in-memory database (the
  tests') is never analysed behind the test's back.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper

log = logging.getLogger(__name__)

_last_refresh: dict[str, float] = {}
_lock = threading.Lock()


def refresh(connection: BaseDatabaseWrapper) -> bool:
    """Analyse the database behind ``connection``; False when it was busy and nothing was done."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit=0")  # the whole index: see the module's docstring
            cursor.execute("ANALYZE")
    except DatabaseError as exc:  # e.g. SQLite's "database is locked" while another process writes
        log.info("planner statistics not refreshed: %s", exc)
        return False
    _last_refresh[connection.alias] = time.monotonic()
    return True


def on_connect(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: refresh SQLite's statistics when they are older than the setting."""
    if connection.vendor != "sqlite" or _in_memory(connection):
        return
    every = float(getattr(settings, "WEIJIAN_PLANNER_STATS_SECONDS", 3600))
    with _lock:
        last = _last_refresh.get(connection.alias)
        if every <= 0 or (last is not None and time.monotonic() - last < every):
            return
        _last_refresh[connection.alias] = time.monotonic()  # one try per interval, even when the database is busy
    threading.Thread(target=_refresh_in_background, args=(connection.alias,), daemon=True,
                     name="weijian-planner-stats").start()  # fmt: skip


def _refresh_in_background(alias: str) -> None:
    from django.db import connections

    try:
        refresh(connections[alias])  # this thread's own connection
    finally:
        connections[alias].close()


def _in_memory(connection: BaseDatabaseWrapper) -> bool:
    name = str(connection.settings_dict.get("NAME") or "")
    return name == ":memory:" or "mode=memory" in name or not name


def after_migrate(sender: Any, using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """``post_migrate`` receiver: once per ``migrate`` that applied something (not after a test's flush, which sends
    the same signal without a plan). Django sends it once per app; the last app's does the work."""
    from django.apps import apps
    from django.db import connections

    if not plan or sender is None or sender.label != list(apps.get_app_configs())[-1].label:
        return
    refresh(connections[using])
