"""The planner's statistics: refreshed after a migrate that applied something, by hand, never after a flush."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from weijian.core import dbstats


def _stat_rows() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'core_region'")
        else:
            cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'core_region'")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db
def test_refresh_gives_the_planner_the_table_sizes(registry: dict[str, str]) -> None:
    assert dbstats.refresh(connection) is True
    assert _stat_rows() > 0


@pytest.mark.django_db
def test_the_command_refreshes_and_says_so(registry: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    call_command("db", "analyze")
    assert "查询规划统计信息已更新" in capsys.readouterr().out and _stat_rows() > 0


def test_after_migrate_acts_once_and_only_when_something_was_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(dbstats, "refresh", lambda conn: calls.append(conn.alias) or True)
    configs = list(apps.get_app_configs())
    dbstats.after_migrate(configs[-1], using="default", plan=None)  # a test's flush: no plan
    dbstats.after_migrate(configs[0], using="default", plan=[("x", False)])  # not the last app
    assert calls == []
    dbstats.after_migrate(configs[-1], using="default", plan=[("x", False)])
    assert calls == ["default"]


def test_a_file_database_is_analysed_in_the_background_once_per_interval_never_an_in_memory_one(
    monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    started: list[tuple[str, ...]] = []

    class FakeThread:
        def __init__(self, *, target: object, args: tuple[str, ...], daemon: bool, name: str) -> None:
            self.args = args

        def start(self) -> None:
            started.append(self.args)

    monkeypatch.setattr(dbstats.threading, "Thread", FakeThread)
    settings.WEIJIAN_PLANNER_STATS_SECONDS = 3600  # type: ignore[attr-defined]

    class Memory:
        vendor, alias, settings_dict = "sqlite", "mem", {"NAME": "file:memorydb_default?mode=memory&cache=shared"}

    class File:
        vendor, alias, settings_dict = "sqlite", "file-db", {"NAME": "/srv/weijian/weijian.sqlite3"}

    monkeypatch.setattr(dbstats, "_last_refresh", {})
    dbstats.on_connect(None, Memory())
    assert started == []
    dbstats.on_connect(None, File())
    dbstats.on_connect(None, File())  # within the interval: not again
    assert started == [("file-db",)]
