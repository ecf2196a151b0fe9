"""Open311 GeoReport v2: the services, the definition, requests GET (public fields unless the key's department
may see more) and POST (form-encoded, ``api_key``), errors in the specification's shape, both formats."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.db import connection
from django.test import Client

from weijian.complaints import services
from weijian.complaints.models import Complaint
from weijian.complaints.tests.conftest import Staff

pytestmark = pytest.mark.django_db
ROOT = "/open311/v2"


@pytest.fixture
def keys(staff: Staff) -> dict[str, str]:
    _health, health = services.api_key_create(actor="test", name="12345热线", department_code="health", per_minute=1000)
    _market, market = services.api_key_create(actor="test", name="市场监管", department_code="market", per_minute=2)
    return {"health": health, "market": market}


def post(data: dict[str, Any], fmt: str = "json") -> Any:
    return Client().post(f"{ROOT}/requests.{fmt}", data)


def ticket(key: str, **changes: Any) -> dict[str, Any]:
    data = {"api_key": key, "service_code": "illegal_practice", "description": "小区里有人无证开诊所输液",
            "address_string": "上海市黄浦区福州路10号", "first_name": "小明", "last_name": "王",
            "phone": "13812345678", "attribute[subject]": "福州路无名诊所"}  # fmt: skip
    data.update(changes)
    return data


def test_services_and_definition_in_both_formats(staff: Staff) -> None:
    listed = json.loads(Client().get(f"{ROOT}/services.json").content)
    codes = {s["service_code"]: s for s in listed}
    assert {"illegal_practice", "medical_aesthetics", "price", "other"} <= set(codes)
    assert codes["illegal_practice"]["service_name"] == "非法行医" and codes["price"]["group"] == "市场监管部门"
    xml = ET.fromstring(Client().get(f"{ROOT}/services.xml").content)
    assert xml.tag == "services" and len(xml.findall("service")) == len(listed)
    definition = json.loads(Client().get(f"{ROOT}/services/illegal_practice.json").content)
    district = next(a for a in definition["attributes"] if a["code"] == "district")
    assert {"key": "310101", "name": "黄浦区"} in district["values"]
    unknown = Client().get(f"{ROOT}/services/no_such.json")
    assert unknown.status_code == 404 and json.loads(unknown.content)[0]["code"] == 404


def test_post_files_a_complaint_and_answers_its_id(staff: Staff, keys: dict[str, str]) -> None:
    response = post(ticket(keys["health"]))
    assert response.status_code == 201
    answer = json.loads(response.content)[0]
    complaint = Complaint.objects.get(pk=int(answer["service_request_id"]))
    assert answer["tracking_code"] == complaint.tracking_code
    assert (complaint.source, complaint.district.code, complaint.department.code) == ("open311", "310101", "health")
    assert complaint.complainant_phone == "13812345678" and complaint.api_key.department.code == "health"
    xml = ET.fromstring(post(ticket(keys["health"]), fmt="xml").content)
    assert xml.tag == "service_requests" and xml.find("request/service_request_id").text.isdigit()


@pytest.mark.parametrize(("changes", "status", "says"), [
    ({"service_code": "no_such"}, 400, "service_code"),
    ({"api_key": ""}, 400, "api_key"),
    ({"api_key": "wj_wrong"}, 403, "api_key"),
    ({"description": "😀"}, 400, "问题描述"),
    ({"phone": "555"}, 400, "联系电话"),
    ({"address_string": "", "lat": "", "long": ""}, 400, "address_string"),
    ({"address_string": "某地"}, 400, "attribute[district]"),
])  # fmt: skip
def test_post_errors_are_the_spec_error_list(staff: Staff, keys: dict[str, str], changes: dict[str, Any], status: int,
                                             says: str) -> None:  # fmt: skip
    response = post(ticket(keys["health"], **changes))
    assert response.status_code == status
    errors = json.loads(response.content)
    assert errors[0]["code"] == status and says in " ".join(e["description"] for e in errors)
    xml = ET.fromstring(post(ticket(keys["health"], **changes), fmt="xml").content)
    assert xml.tag == "errors" and xml.find("error/code").text == str(status)
    assert Complaint.objects.count() == 0


def test_tickets_without_a_subject_are_never_duplicates(staff: Staff, keys: dict[str, str]) -> None:
    for _ in range(2):
        assert post(ticket(keys["health"], **{"attribute[subject]": ""})).status_code == 201
    named = [post(ticket(keys["health"])).status_code for _ in range(2)]
    assert named == [201, 201]
    assert Complaint.objects.filter(duplicate_of__isnull=False).count() == 1  # only the named subject's second


def test_each_key_has_its_own_rate_limit(staff: Staff, keys: dict[str, str]) -> None:
    data = ticket(keys["market"], service_code="price", **{"attribute[district]": "310104"})
    assert [post(data).status_code for _ in range(3)] == [201, 201, 429]
    assert post(ticket(keys["health"])).status_code == 201


def test_get_shows_public_fields_unless_the_key_may_see_more(staff: Staff, keys: dict[str, str]) -> None:
    post(ticket(keys["health"]))
    public = json.loads(Client().get(f"{ROOT}/requests.json").content)[0]
    assert public["status"] == "open" and public["address"] == "黄浦区" and public["description"] is None
    assert "13812345678" not in json.dumps(public, ensure_ascii=False)
    assert "王小明" not in json.dumps(public, ensure_ascii=False)
    own = json.loads(Client().get(f"{ROOT}/requests.json", {"api_key": keys["health"]}).content)[0]
    assert own["description"] == "小区里有人无证开诊所输液" and "13812345678" not in json.dumps(own)
    other = json.loads(Client().get(f"{ROOT}/requests.json", {"api_key": keys["market"]}).content)[0]
    assert other["description"] is None
    one = json.loads(Client().get(f"{ROOT}/requests/{public['service_request_id']}.json").content)
    assert one[0]["service_request_id"] == public["service_request_id"]
    assert Client().get(f"{ROOT}/requests/999999.json").status_code == 404


def test_get_filters(staff: Staff, keys: dict[str, str]) -> None:
    first = json.loads(post(ticket(keys["health"])).content)[0]["service_request_id"]
    post(ticket(keys["health"], service_code="medical_aesthetics"))
    get = lambda **q: json.loads(Client().get(f"{ROOT}/requests.json", q).content)  # noqa: E731
    assert {r["service_code"] for r in get(service_code="medical_aesthetics")} == {"medical_aesthetics"}
    assert len(get(status="open")) == 2 and get(status="closed") == []
    assert [r["service_request_id"] for r in get(service_request_id=first)] == [first]
    assert get(start_date="2000-01-01T00:00:00Z", end_date="2000-02-01T00:00:00Z") == []
    bad = Client().get(f"{ROOT}/requests.json", {"start_date": "yesterday"})
    assert bad.status_code == 400 and "start_date" in json.loads(bad.content)[0]["description"]
    assert Client().get(f"{ROOT}/requests.json", {"service_code": "nope"}).status_code == 400


@pytest.mark.pages  # a live server: SQLite only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # migrations' regions come back afterwards
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the live-server client test runs on SQLite only")
def test_the_georeport_client_reads_the_live_server(staff: Staff, keys: dict[str, str], live_server: Any) -> None:
    from georeport import GeoReport

    root = f"{live_server.url}{ROOT}"
    body = urllib.parse.urlencode(ticket(keys["health"])).encode()
    for _ in range(2):  # posted per the spec, plain HTTP form encoding
        with urllib.request.urlopen(urllib.request.Request(f"{root}/requests.json", data=body)) as answer:
            assert answer.status == 201
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(urllib.request.Request(f"{root}/requests.json", data=urllib.parse.urlencode(
            ticket(keys["health"], service_code="no_such")).encode()))  # fmt: skip
    assert caught.value.code == 400 and json.loads(caught.value.read())[0]["code"] == 400
    with urllib.request.urlopen(f"{root}/discovery.json") as answer:  # discovery over plain HTTP: its url is this root
        assert json.loads(answer.read())["endpoints"][0]["url"] == root
    for fmt in ("json", "xml"):
        client = GeoReport(root, output_format=fmt)
        listed = client.get_service_list()
        assert "illegal_practice" in {s["service_code"] for s in listed}
        definition = client.get_service_definition("illegal_practice")
        assert definition["service_code"] == "illegal_practice"
        requests = client.get_service_requests(service_code="illegal_practice", status="open")
        assert len(requests) == 2 and {r["status"] for r in requests} == {"open"}
        one = client.get_service_request(requests[0]["service_request_id"])
        assert one["service_code"] == "illegal_practice" and not one.get("description")


def test_discovery_in_both_formats() -> None:
    """GeoReport v2 service discovery (the ``georeport`` client does not read it: plain HTTP here)."""
    found = Client().get(f"{ROOT}/discovery.json")
    assert found.status_code == 200 and found["Content-Type"].startswith("application/json")
    document = json.loads(found.content)
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = document["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2" and endpoint["type"] == "production"
    assert endpoint["formats"] == ["application/json", "text/xml"] and endpoint["changeset"] == document["changeset"]
    assert "apikey create" in document["key_service"]
    services_url = endpoint["url"] + "/services.json"
    assert Client().get(services_url.removeprefix("http://testserver")).status_code == 200  # the url it gives works
    xml = ET.fromstring(Client().get(f"{ROOT}/discovery.xml").content)
    assert xml.tag == "discovery" and xml.findtext("changeset") == document["changeset"]
    assert xml.findtext("endpoints/endpoint/url") == endpoint["url"]
    assert [f.text for f in xml.findall("endpoints/endpoint/formats/format")] == ["application/json", "text/xml"]
