from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client


def test_settings_are_safe_by_default() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    from weijian.project import settings as production  # the suite hashes test passwords with a fast hasher

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_HTTPONLY and settings.X_FRAME_OPTIONS == "DENY"
    key_file = Path(settings.DATA_DIR) / "secret_key"
    assert key_file.exists() and len(settings.SECRET_KEY) >= 50


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(make_user: Any) -> None:
    make_user("victim")
    client = Client()
    for _ in range(4):
        response = client.post("/login/", {"username": "victim", "password": "wrong-password"})
        assert response.status_code == 200
    assert client.post("/login/", {"username": "victim", "password": "wrong-password"}).status_code == 429
    locked = client.post("/login/", {"username": "victim", "password": "correct-horse-9"})
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_works_with_right_password(make_user: Any) -> None:
    make_user("someone", role="institution_user", region=None, department=None)  # no second factor asked for
    client = Client()
    response = client.post("/login/", {"username": "someone", "password": "correct-horse-9"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    make_user("official")  # an inspector: the password alone opens only the second factor's enrolment
    client = Client()
    client.post("/login/", {"username": "official", "password": "correct-horse-9"})
    assert client.get("/").url.startswith("/account/two-factor/")
