"""Error pages in the site's layout, in Chinese (English on request), each with a way back; the 500 page
renders without the database and without a user."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from weijian.core.models import Role
from weijian.project.urls import urlpatterns as project_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *project_urlpatterns]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.usefixtures("no_debug")]


@pytest.fixture
def no_debug() -> Any:
    with override_settings(DEBUG=False):
        yield


def assert_error_page(response: Any, status: int, heading: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert f"{status} · {heading}" in page
    assert 'class="top"' in page and "weijian/weijian.css" in page  # the site's layout (base.html)
    assert 'href="/">返回首页</a>' in page and "data-back>返回上一页</a>" in page
    assert "weijian/back.js" in page
    return page


def test_500_renders_without_database_or_user() -> None:
    # No django_db mark: any query while rendering would raise, and the page would not come back.
    response = Client(raise_request_exception=False).get("/boom/")
    page = assert_error_page(response, 500, "系统出错")
    assert "boom" not in page and "Traceback" not in page


@pytest.mark.django_db
def test_404_and_403_for_a_signed_in_user(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("lost", role=Role.INSPECTOR))
    page = assert_error_page(client.get("/no-such-page/"), 404, "页面不存在")
    assert "退出" in page  # the user's own navigation stays
    page = assert_error_page(client.get("/registry/import/"), 403, "没有权限")
    assert "无导入权限" in page


@pytest.mark.django_db
def test_404_in_english_on_request(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("lost_en"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/no-such-page/").content.decode()
    assert "404 · Page not found" in page and ">Home page</a>" in page and ">Back</a>" in page


@pytest.mark.django_db
def test_400_page_and_json_for_the_api() -> None:
    assert_error_page(Client().get("/login/", {"next": "a\x00b"}), 400, "请求有误")
    api = Client().get("/api/institutions", {"q": "a\x00b"})
    assert api.status_code == 400 and api.json()["detail"] == "请求中含有非法字符（NUL）"


@pytest.mark.django_db
def test_csrf_failure_page() -> None:
    client = Client(enforce_csrf_checks=True)
    assert_error_page(client.post("/login/", {"username": "x", "password": "y"}), 403, "页面已过期")
