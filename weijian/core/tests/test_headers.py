"""Security headers on a page, an API answer and an export; no inline script anywhere in the templates."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from weijian.core.models import Role

pytestmark = pytest.mark.django_db
SIGNED_IN = ["/", "/registry/institutions/", "/api/institutions", "/registry/institutions/?format=xlsx", "/alerts/?format=xlsx"]


@pytest.fixture
def client(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("headers", role=Role.CITY_ADMIN, region=None, department=None))
    return client


def _directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("url", SIGNED_IN)
def test_page_api_and_export_carry_csp_permissions_policy_and_no_store(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    csp = _directives(response)
    assert csp["script-src"] == ["'self'"] and csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-eval'" not in response["Content-Security-Policy"]
    policy = response["Permissions-Policy"]
    for feature in ("camera", "geolocation", "microphone", "payment", "usb"):
        assert f"{feature}=()" in policy
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_anonymous_pages_have_csp_and_static_files_stay_cacheable(client: Client) -> None:
    login = Client().get("/login/")
    assert "script-src 'self'" in login["Content-Security-Policy"]
    static = client.get("/static/weijian/weijian.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")


def test_no_template_has_an_inline_script_or_handler() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=|javascript:", re.I)
    templates = list(Path(settings.PACKAGE_DIR).rglob("templates/**/*.html"))
    assert len(templates) > 10
    offenders = [str(p) for p in templates if inline.search(p.read_text()) or handler.search(p.read_text())]
    assert not offenders


def test_the_profile_charts_read_their_data_from_json_script(client: Client, registry: dict[str, str], tmp_path: Path) -> None:
    from weijian.alerts.services import analytics_run_load
    from weijian.alerts.tests.runs import write_run

    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    page = client.get(f"/registry/institutions/{registry['a1']}/").content.decode()
    assert '<script id="indicator-series" type="application/json">' in page
    assert "weijian/indicator_charts.js" in page
    assert not re.search(r"<script>(?!</script>)", page)
