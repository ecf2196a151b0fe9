"""No page answers 5xx: the demo city, built as ``make demo`` builds it, swept for every role.

Every institution profile is opened by every role that may see it, and up to 200 records of every
other page shape (see ``weijian.core.sweep``), with list filters, exports, the API and the back-office.
It builds its own database in a temporary data folder (SQLite), so it runs on one database only
(``-m sweep`` selects it; the PostgreSQL pass leaves it out).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sweep


def _weijian(data: Path, *args: str, timeout: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WEIJIAN_DATA": str(data), "DATABASE_URL": ""}
    return subprocess.run([sys.executable, "-m", "weijian.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)  # fmt: skip


def test_no_page_answers_5xx_for_any_role_on_the_demo_city(tmp_path: Path) -> None:
    for args in (("migrate", "--no-input", "-v", "0"), ("demo", "build")):
        step = _weijian(tmp_path, *args, timeout=900)
        assert step.returncode == 0, f"weijian {' '.join(args)}:\n{step.stdout[-3000:]}\n{step.stderr[-5000:]}"
    swept = _weijian(tmp_path, "sweep", timeout=900)
    print(swept.stdout)
    assert swept.returncode == 0, swept.stderr[-8000:]
    assert "0 个 5xx" in swept.stdout
