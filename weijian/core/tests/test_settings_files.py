"""Start-up: a published secret key is refused; data files are created 0600 and folders 0700; the proxy header.

Each test runs the settings module afresh (``runpy``) with its own environment and data folder.
"""

from __future__ import annotations

import os
import runpy
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

SETTINGS = Path(settings.PACKAGE_DIR) / "project" / "settings.py"
# The key that was once committed to the repository (so public): the settings must refuse it.
PUBLISHED_KEY = "KceqLkfoBI2pe5J0QLXQaila2Ap_61thIceahHY1m09vkJOzI8YgEEQ3IVew6KZOiuA"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def load_settings(monkeypatch: pytest.MonkeyPatch, data: Path, **env: str) -> dict[str, Any]:
    for name in ("WEIJIAN_SECRET_KEY", "WEIJIAN_SECURE", "DATABASE_URL", "WEIJIAN_STATIC_ROOT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WEIJIAN_DATA", str(data))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_the_published_key_is_refused_from_the_environment_or_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    assert hashlib.sha256(PUBLISHED_KEY.encode()).hexdigest() in settings.SECRET_KEY_DENYLIST
    with pytest.raises(ImproperlyConfigured, match="已经公开过"):
        load_settings(monkeypatch, tmp_path / "a", WEIJIAN_SECRET_KEY=PUBLISHED_KEY)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "secret_key").write_text(PUBLISHED_KEY)
    with pytest.raises(ImproperlyConfigured, match="secret_key"):
        load_settings(monkeypatch, tmp_path / "b")
    fresh = load_settings(monkeypatch, tmp_path / "c")
    assert len(fresh["SECRET_KEY"]) >= 50 and fresh["SECRET_KEY"] != PUBLISHED_KEY
    assert settings.SECRET_KEY != PUBLISHED_KEY


def test_data_files_are_0600_and_folders_0700(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    conf = load_settings(monkeypatch, data)
    assert _mode(data) == 0o700 and _mode(data / "secret_key") == 0o600
    assert _mode(Path(conf["FILE_UPLOAD_TEMP_DIR"])) == 0o700
    assert conf["FILE_UPLOAD_PERMISSIONS"] == 0o600 and conf["FILE_UPLOAD_DIRECTORY_PERMISSIONS"] == 0o700

    database = Path(conf["DATABASES"]["default"]["NAME"])  # SQLite creates it (and its WAL) under the umask
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (1)")
        assert _mode(database) == 0o600 and _mode(Path(f"{database}-wal")) == 0o600

    outputs = data / "analytics" / "run"  # what a command writes: exports, analytics outputs
    outputs.mkdir(parents=True)
    pq.write_table(pa.table({"x": [1]}), outputs / "alerts.parquet")
    (outputs / "report.json").write_text("{}")
    assert _mode(outputs) == 0o700
    assert {_mode(p) for p in outputs.iterdir()} == {0o600}

    os.chmod(data, 0o755)  # a data folder and key made before this release are tightened at start-up
    os.chmod(data / "secret_key", 0o644)
    load_settings(monkeypatch, data)
    assert _mode(data) == 0o700 and _mode(data / "secret_key") == 0o600


def test_the_weijian_command_keeps_outputs_private_also_without_django(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weijian import cli

    def write(argv: list[str]) -> int:
        (tmp_path / "out").mkdir()
        (tmp_path / "out" / "truth.parquet").write_bytes(b"PAR1")
        return 0

    monkeypatch.setitem(cli.DJANGO_FREE, ("sim", "probe"), "probe:write")
    monkeypatch.setattr(cli, "_resolve", lambda target: write)
    previous = os.umask(0o022)
    try:
        assert cli.main(["sim", "probe"]) == 0
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "out") == 0o700 and _mode(tmp_path / "out" / "truth.parquet") == 0o600


def test_the_proxy_header_is_trusted_only_behind_tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(monkeypatch, tmp_path / "plain")["SECURE_PROXY_SSL_HEADER"] is None
    secure = load_settings(monkeypatch, tmp_path / "tls", WEIJIAN_SECURE="1")
    assert secure["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert secure["SECURE_SSL_REDIRECT"] and secure["SESSION_COOKIE_SECURE"]


@pytest.mark.django_db
def test_behind_the_proxy_https_requests_are_not_redirected() -> None:
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        client = Client()
        assert client.get("/login/").status_code == 301  # plain HTTP: sent to https
        assert client.get("/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
