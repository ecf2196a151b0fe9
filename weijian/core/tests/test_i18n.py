"""The UI is Simplified Chinese by default and English on request (language switcher / cookie)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_chinese_is_the_default(make_user: Any, registry: dict[str, str]) -> None:
    client = _client(make_user("zh_user"))
    home = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in home
    assert "<h1>工作台</h1>" in home and "退出" in home
    assert "Dashboard" not in home
    listing = client.get("/registry/institutions/").content.decode()
    assert "<h1>被监督单位名录</h1>" in listing and "医院" in listing
    assert "Supervised units" not in listing


@pytest.mark.django_db
def test_switching_to_english_with_the_language_form(make_user: Any, registry: dict[str, str]) -> None:
    client = _client(make_user("en_user"))
    switcher = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in switcher and 'value="en"' in switcher and "English" in switcher
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/registry/institutions/"})
    assert response.status_code == 302 and response["Location"] == "/registry/institutions/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    home = client.get("/").content.decode()
    assert '<html lang="en">' in home
    assert "<h1>Dashboard</h1>" in home and "Sign out" in home and "Supervised units" in home
    assert "工作台" not in home and "退出" not in home

    listing = client.get("/registry/institutions/").content.decode()
    assert "<h1>Supervised units</h1>" in listing
    assert "Search institutions" in listing and "Hospital" in listing  # template text and model choices
    assert "in total" in listing

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "<h1>工作台</h1>" in client.get("/").content.decode()


@pytest.mark.django_db
def test_english_from_the_language_cookie(make_user: Any, registry: dict[str, str]) -> None:
    client = _client(make_user("cookie_user"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cert_no = "110310101000001"
    page = client.get(f"/registry/practitioners/{cert_no}/").content.decode()
    assert "Practising certificate number" in page and "Licensed physician" in page


@pytest.mark.django_db
def test_browser_language_alone_does_not_switch_to_english(make_user: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.force_login(make_user("tablet"))
    page = client.get("/").content.decode()
    assert 'lang="zh-Hans"' in page
