"""Static files, the favicon and the API docs: served from this site (the CSP allows nothing else), hashed and
compressed after collectstatic, cached for a year."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.template import Context, Template
from django.test import Client, RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware

from weijian.core.models import Role


@pytest.mark.django_db
def test_favicon_is_linked_and_answers(make_user: Any) -> None:
    client = Client()
    assert '<link rel="icon" href="/static/weijian/favicon.svg" type="image/svg+xml">' in client.get("/login/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/weijian/favicon.svg"
    icon = client.get("/static/weijian/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_api_docs_behind_login_from_bundled_assets(make_user: Any) -> None:
    client = Client()
    anonymous = client.get("/api/docs")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert client.get("/api/openapi.json").status_code == 302
    client.force_login(make_user("dev", role=Role.DISTRICT_MANAGER))
    page = client.get("/api/docs")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    # the random CSRF token may spell "cdn"; asset addresses are what must not name one
    addresses = " ".join(re.findall(r'(?:src|href)="([^"]*)"', html))
    assert "cdn" not in addresses.lower() and "http://" not in html and "https://" not in html
    for tag in re.findall(r"<script[^>]*>", html):  # the CSP allows no inline script: files, or JSON data
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/openapi.json").json()["openapi"].startswith("3.")


def _real_storage(settings: Any, root: Path) -> None:
    settings.STATIC_ROOT = root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "weijian.core.static.StaticStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    }}  # fmt: skip


def test_before_collectstatic_pages_name_files_as_they_are(tmp_path: Path, settings: Any) -> None:
    from weijian.core.checks import static_files_collected

    _real_storage(settings, tmp_path / "empty")
    assert Template("{% load static %}{% static 'weijian/weijian.css' %}").render(Context()) == "/static/weijian/weijian.css"
    assert [w.id for w in static_files_collected()] == ["weijian.W001"]


def test_collected_static_files_are_hashed_compressed_and_cached(tmp_path: Path, settings: Any) -> None:
    _real_storage(settings, tmp_path / "static")
    # A small copy of the static folder (compressing the whole ECharts file takes seconds): same names, same kind.
    bundled = Path(__file__).resolve().parents[2] / "static"
    source = tmp_path / "source"
    for name, size in (("vendor/echarts/echarts.min.js", 64 * 1024), ("weijian/weijian.css", None)):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes((bundled / name).read_bytes()[:size])
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]  # not admin, not ninja
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["vendor/echarts/echarts.min.js"]
    assert re.fullmatch(r"vendor/echarts/echarts\.min\.[0-9a-f]{12}\.js", hashed)
    for suffix in ("", ".gz", ".br"):
        path = tmp_path / "static" / (hashed + suffix)
        assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o644, suffix
    assert (tmp_path / "static" / (hashed + ".gz")).stat().st_size < path.with_suffix("").stat().st_size / 2

    url = Template("{% load static %}{% static 'vendor/echarts/echarts.min.js' %}").render(Context())
    assert url == f"/static/{hashed}"
    settings.WHITENOISE_USE_FINDERS = False  # what production serves: the collected files
    middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
    response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip, br"))
    assert response.status_code == 200 and response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
