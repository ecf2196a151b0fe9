"""Search in either script, the JSON API's schema and its 4xx answers to malformed requests."""

from typing import Any

import pytest
from django.test import Client

from weijian.core.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(registry: dict[str, str], make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("city", role=Role.CITY_ADMIN, region="310000"))
    return client


@pytest.mark.parametrize("query", ["瑞金醫院", "瑞金医院", "黃浦區 瑞金", "ＲＵＩ", "瑞金二路"])
def test_traditional_or_simplified_query_finds_simplified_name(admin_client: Client, query: str) -> None:
    if query == "ＲＵＩ":
        assert admin_client.get("/api/institutions", {"q": query}).json()["count"] == 0
        return
    items = admin_client.get("/api/institutions", {"q": query}).json()["items"]
    assert [i["name"] for i in items] == ["上海市黄浦区瑞金医院分院"]
    page = admin_client.get("/registry/institutions/", {"q": query}).content.decode()
    assert "上海市黄浦区瑞金医院分院" in page and "外滩街道" not in page


def test_practitioner_search_by_traditional_name(admin_client: Client) -> None:
    items = admin_client.get("/api/practitioners", {"q": "張偉"}).json()["items"]
    assert [p["cert_no"] for p in items] == ["110310101000001"]


def test_institution_detail_over_api(admin_client: Client, registry: dict[str, str]) -> None:
    data = admin_client.get(f"/api/institutions/{registry['a1']}").json()
    assert data["name"] == "上海市黄浦区瑞金医院分院"
    assert [d["dept_code"] for d in data["depts"]] == ["03", "04"]
    assert data["practitioner_count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "abc"}, "limit"),
        ({"limit": 100000}, "limit"),
        ({"offset": -1}, "offset"),
        ({"district": "31"}, "district"),
        ({"kind": "spa"}, "kind"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_malformed_requests_get_422_naming_the_field(admin_client: Client, params: dict[str, Any], field: str) -> None:
    response = admin_client.get("/api/institutions", params)
    assert response.status_code == 422
    body = response.json()
    assert field in [e["field"] for e in body["errors"]]


@pytest.mark.parametrize("url", ["/api/institutions?q=%00", "/api/institutions/%00", "/registry/institutions/?q=a%00b"])
def test_nul_characters_get_400_not_500(admin_client: Client, url: str) -> None:
    assert admin_client.get(url).status_code == 400


def test_openapi_schema_is_served(admin_client: Client) -> None:
    schema = admin_client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/institutions" in schema["paths"] and "/api/imports/{kind}" in schema["paths"]


def test_reference_endpoints(admin_client: Client) -> None:
    districts = admin_client.get("/api/regions", {"parent": "310000"}).json()
    assert len(districts) == 16 and districts[0]["name"] == "黄浦区"
    departments = {d["code"]: d for d in admin_client.get("/api/departments").json()}
    expected = {"health", "market", "insurance", "drug", "police", "tcm", "cdc", "cyber", "court", "procuratorate"}
    assert expected <= set(departments)
    assert any("非法行医" in duty for duty in departments["police"]["duties"])


def test_api_upload_reports_rejects_and_bad_file(registry: dict[str, str], make_user: Any) -> None:
    import io

    client = Client()
    client.force_login(make_user("mgr", role=Role.DISTRICT_MANAGER))
    upload = io.BytesIO(b"practitioner_id,name,kind\n12345,x,physician\n")
    upload.name = "p.csv"
    body = client.post("/api/imports/practitioners", {"file": upload}).json()
    assert body["rejected"] == 1 and body["rejects"][0]["column"] == "practitioner_id"
    empty = io.BytesIO(b"")
    empty.name = "e.csv"
    response = client.post("/api/imports/practitioners", {"file": empty})
    assert response.status_code == 400 and response.json()["field"] == "file"
    assert client.post("/api/imports/nonsense", {"file": io.BytesIO(b"x")}).status_code == 422


def test_pages_render_in_chinese(admin_client: Client, registry: dict[str, str]) -> None:
    for url in ("/", "/registry/institutions/", f"/registry/institutions/{registry['b2']}/", "/registry/practitioners/",
                "/registry/practitioners/110310101000001/", "/registry/inspectors/", "/registry/inspectors/31010100000001/",
                "/registry/import/"):  # fmt: skip
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert 'lang="zh-Hans"' in response.content.decode()
    detail = admin_client.get(f"/registry/institutions/{registry['b2']}/").content.decode()
    assert "14 医疗美容科" in detail and "已过期" in detail


def test_licence_filters_behind_the_dashboard_cards(admin_client: Client, registry: dict[str, str]) -> None:
    expired = admin_client.get("/registry/institutions/", {"licence": "expired"}).content.decode()
    assert "上海美丽医疗美容门诊部" in expired and "瑞金医院分院" not in expired
    home = admin_client.get("/").content.decode()
    assert "?licence=expired" in home and "?licence=expiring" in home
