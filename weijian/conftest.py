"""Shared test fixtures: users of each role, and a tiny registry in two districts."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from stdnum.cn import uscc as uscc_mod

from weijian.core.models import Department, Profile, Region, Role

# The audit keyring and anchors of a test run: a folder of its own (fixtures made once per module seal events too).
os.environ["WEIJIAN_AUDIT_DIR"] = tempfile.mkdtemp(prefix="weijian-audit-")
atexit.register(shutil.rmtree, os.environ["WEIJIAN_AUDIT_DIR"], True)
os.environ.pop("WEIJIAN_AUDIT_KEYS", None)
settings.WEIJIAN_AUDIT_DIR = os.environ["WEIJIAN_AUDIT_DIR"]  # the settings were read before this file
os.environ.setdefault("WEIJIAN_TEST_OUTPUT", str(Path(__file__).resolve().parent.parent / "test-output"))

DISTRICT_A = "310101"  # 黄浦区
DISTRICT_B = "310104"  # 徐汇区


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests create many users: hash their passwords quickly. Production keeps Argon2 (test_security checks it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _force_login_gives_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Client.force_login`` signs in with the second factor given (weijian.core.otp.mark_client_verified), so the
    tests of pages need no authenticator; the second factor's own tests log in through the login page."""
    from django.test import Client

    from weijian.core.otp import mark_client_verified

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        mark_client_verified(self)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _static_files_as_found(settings: Any) -> None:
    """Tests serve static files from the app folders under their own names: no collectstatic before each run.
    The hashed, compressed storage of production has its own test (weijian/core/tests/test_static.py)."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _fresh_audit_anchors() -> Any:
    """Each test's database starts empty: so does its anchor file (the keyring is kept for the run)."""
    yield
    (Path(os.environ["WEIJIAN_AUDIT_DIR"]) / "anchors.jsonl").unlink(missing_ok=True)


@pytest.fixture
def calendar_ahead(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Any:
    """For tests that count real deadlines from today: every year from the end of the chinese-calendar package to
    next year as plain weekdays (a stand-in in an override folder, never shipped), so that a run in late December,
    or in a year nobody has added to calendar.yaml yet, still counts them. The unknown-year path has tests of its
    own, in a year far ahead."""
    import datetime as dt

    import yaml

    from weijian.core import workdays
    from weijian.rules import loader

    first = max(workdays._package_years()) + 1
    years = {y: {"basis": "test stand-in: weekdays only", "holidays": [], "workdays": []}
             for y in range(first, dt.date.today().year + 2)}  # fmt: skip
    folder = tmp_path_factory.mktemp("calendar-ahead")
    (folder / "calendar.yaml").write_text(yaml.safe_dump({"years": years}), encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(folder))
    loader.clear_cache()
    workdays.clear_cache()
    yield
    monkeypatch.delenv("WEIJIAN_RULES_DIR")
    loader.clear_cache()
    workdays.clear_cache()


def make_uscc(district: str, body: str, prefix: str = "91") -> str:
    """A valid 统一社会信用代码 for tests: prefix + district + 9-char body + check character."""
    base = f"{prefix}{district}{body}"
    return base + uscc_mod.calc_check_digit(base)


@pytest.fixture
def make_user(db: Any, django_user_model: Any) -> Callable[..., Any]:
    def factory(
        username: str,
        role: str = Role.INSPECTOR,
        region: str | None = DISTRICT_A,
        department: str | None = "health",
        institution: Any = None,
        **extra: Any,
    ) -> Any:
        user = django_user_model.objects.create_user(username=username, password="correct-horse-9", **extra)
        Profile.objects.create(
            user=user,
            role=role,
            region=Region.objects.get(code=region) if region else None,
            department=Department.objects.get(code=department) if department else None,
            institution=institution,
        )
        return user

    return factory


INSTITUTIONS_CSV = """institution_id,name,kind,level,district_code,address,beds,licence_valid_from,licence_valid_to,status
{a1},上海市黄浦区瑞金医院分院,hospital,III,310101,瑞金二路197号,800,2022-01-01,2027-12-31,active
{a2},黄浦区外滩街道社区卫生服务中心,community_health_center,I,310101,福州路1号,30,2022-01-01,2027-12-31,active
{b1},徐汇区枫林街道社区卫生服务中心,community_health_center,I,310104,枫林路100号,20,2022-01-01,2027-12-31,active
{b2},上海美丽医疗美容门诊部,aesthetic_clinic,none,310104,衡山路8号,0,2021-01-01,2025-12-31,active
"""


def registry_codes() -> dict[str, str]:
    return {
        "a1": make_uscc(DISTRICT_A, "MA1000001", "12"),
        "a2": make_uscc(DISTRICT_A, "MA1000002", "12"),
        "b1": make_uscc(DISTRICT_B, "MA2000001", "12"),
        "b2": make_uscc(DISTRICT_B, "MA2000002", "91"),
    }


@pytest.fixture
def registry(db: Any) -> dict[str, str]:
    """Four institutions (two per district), practitioners with a 多点执业 across districts, inspectors."""
    from weijian.core.scope import Scope
    from weijian.registry.imports.readers import open_sheet
    from weijian.registry.imports.service import import_sheet

    codes = registry_codes()
    system = Scope(role=Role.CITY_ADMIN, region_prefix=None, department_code=None, institution_id=None)
    files = {
        "institutions": INSTITUTIONS_CSV.format(**codes),
        "institution_depts": (
            "institution_id,dept_code,valid_from,valid_to\n"
            f"{codes['a1']},03,2022-01-01,\n{codes['a1']},04,2022-01-01,\n{codes['b2']},14,2021-01-01,2025-12-31\n"
        ),
        "practitioners": (
            "practitioner_id,name,kind,status,status_since,id_number\n"
            "110310101000001,张伟,physician,active,2020-01-01,11010519491231002X\n"
            "110310104000002,李娜,physician,active,2020-01-01,\n"
        ),
        "practitioner_scopes": "practitioner_id,dept_code\n110310101000001,03\n110310104000002,14\n",
        "registrations": (
            "practitioner_id,institution_id,is_primary,valid_from,valid_to\n"
            f"110310101000001,{codes['a1']},true,2020-01-01,\n"
            f"110310101000001,{codes['b2']},false,2023-01-01,\n"
            f"110310104000002,{codes['b2']},true,2020-01-01,\n"
        ),
        "inspectors": (
            "badge_no,name,department,region_code,fields,active\n"
            "31010100000001,王监督,health,310101,medical;infectious,true\n"
            "31010400000002,赵监督,health,310104,medical,true\n"
            "31010400000003,钱市场,market,310104,price,true\n"
        ),
    }
    for kind, content in files.items():
        result = import_sheet(
            kind=kind, sheet=open_sheet(content.encode(), f"{kind}.csv", None), filename=f"{kind}.csv",
            sha256="test", actor="test", scope=system,
        )  # fmt: skip
        assert result.ok, (kind, result.rejects)
    return codes
