"""No page answers 5xx: the demo city, built as ``make demo`` builds it, swept for every role.

Every institution profile is opened by every role that may see it, and up to 50 records of every
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


SAMPLE = 50  # records per page shape besides the institution profiles, which are all opened
# Two sweeps side by side (SQLite serves concurrent readers), each with about half of the requests.
ROLE_GROUPS = ("district_manager,inspector,institution_user",
               "city_admin,partner_officer,public,system_admin,security_admin,audit_admin")  # fmt: skip


def test_no_page_answers_5xx_for_any_role_on_the_demo_city(tmp_path: Path) -> None:
    for args in (("migrate", "--no-input", "-v", "0"), ("demo", "build")):
        step = _weijian(tmp_path, *args, timeout=900)
        assert step.returncode == 0, f"weijian {' '.join(args)}:\n{step.stdout[-3000:]}\n{step.stderr[-5000:]}"
    env = {**os.environ, "WEIJIAN_DATA": str(tmp_path), "DATABASE_URL": ""}
    sweeps = [subprocess.Popen([sys.executable, "-m", "weijian.cli", "sweep", "--sample", str(SAMPLE), "--roles", roles],
                               env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE) for roles in ROLE_GROUPS]  # fmt: skip
    for roles, sweep in zip(ROLE_GROUPS, sweeps, strict=True):
        out, err = sweep.communicate(timeout=900)
        print(roles, out)
        assert sweep.returncode == 0, f"{roles}:\n{err[-8000:]}"
        assert "，0 个 5xx" in out
