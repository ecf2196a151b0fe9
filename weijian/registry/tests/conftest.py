"""Fixtures for the registry's browser tests: Debian's Chromium driven by Playwright, and a tiny city.

Playwright never downloads a browser here: the system Chromium is launched through
``executable_path`` (``WEIJIAN_CHROMIUM`` overrides where it is), and a test that needs it is
skipped with a reason when it is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

CHROMIUM = Path(os.environ.get("WEIJIAN_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def test_output(tmp_path: Path) -> Path:
    """Where screenshots go: ``$WEIJIAN_TEST_OUTPUT`` (``make test`` sets it) or the test's tmp folder."""
    folder = Path(os.environ["WEIJIAN_TEST_OUTPUT"]) if os.environ.get("WEIJIAN_TEST_OUTPUT") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh page in headless Chromium (function-scoped, so no event loop outlives the test).

    Playwright's sync API keeps an asyncio loop marked as running in this thread, which makes
    Django refuse ORM calls from the test body; the flag below allows them for this test only.
    Use it in transactional tests (``live_server``): the test body's queries run on a connection
    of their own, outside pytest-django's per-test transaction.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set WEIJIAN_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    args = (["--no-sandbox"] if os.geteuid() == 0 else []) + CHROMIUM_ARGS
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            # While Playwright's loop runs, Django keys this thread's connections by context
            # (asgiref), so the test body opened its own; close it here, or PostgreSQL refuses
            # to drop the test database at the end of the session ("being accessed by other users").
            connections.close_all()


@dataclass(frozen=True)
class TinyCity:
    folder: Path
    institutions: list[dict[str, Any]]


TINY_DISTRICTS = ("310101", "310104")  # 黄浦区, 徐汇区


@pytest.fixture
def tiny_city(tmp_path: Path) -> TinyCity:
    """A synthetic registry of two districts (a few dozen institutions), written as Parquet."""
    from weijian.sim.city import Preset, generate, write_tables

    preset = Preset(
        districts=TINY_DISTRICTS, institutions=24, practitioners=60, inspectors=4, streets_per_district=(2, 3)
    )
    tables = generate(preset, seed=7)
    folder = tmp_path / "tiny-city"
    write_tables(tables, folder)
    return TinyCity(folder=folder, institutions=tables["institutions"].to_pylist())
