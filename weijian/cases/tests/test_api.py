"""The partner-department API of transfers: the inbox, one transfer, and each step (回执, accept, refuse, answer),
for a signed-in partner officer and for the department's partner system (its API key), and never for another
department."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client

from weijian.cases import transfers
from weijian.cases.models import CaseParty, Transfer
from weijian.cases.tests.conftest import CaseWorld, register
from weijian.complaints import services as intake
from weijian.core.models import AuditEvent

pytestmark = pytest.mark.django_db
ROOT = "/api/transfers"


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    cache.clear()  # the keys' rate limits count in the cache
    yield
    cache.clear()


def _sent(world: CaseWorld, department: str = "market", note: str = "涉及药品价格，请核查") -> Transfer:
    case = register(world)
    CaseParty.objects.create(case=case, name="张三丰", kind=CaseParty.Kind.PERSON, representative="")
    return transfers.case_refer(actor=world.users["manager_a"], case=case, department_code=department, note=note)


def _session(world: CaseWorld, user: str = "market") -> Client:
    client = Client()
    client.force_login(world.users[user])
    return client


def _key(department: str = "market", per_minute: int = 100) -> str:
    _record, key = intake.api_key_create(actor="test", name=f"{department} 系统", department_code=department,
                                         per_minute=per_minute)  # fmt: skip
    return key


def _post(client: Client, path: str, body: dict[str, Any] | None = None, **headers: Any) -> Any:
    """Form-encoded, as Open311 posts."""
    return client.post(path, urlencode(body or {}), content_type="application/x-www-form-urlencoded", **headers)


def _caller(world: CaseWorld, auth: str) -> tuple[Client, dict[str, str], str]:
    """(client, headers, the audit actor) for a signed-in partner officer or the department's partner system."""
    if auth == "session":
        return _session(world), {}, "market"
    key = _key()
    record = intake.api_key_lookup(key)
    assert record is not None and record.user is not None
    return Client(), {"HTTP_X_API_KEY": key}, record.user.username


@pytest.mark.parametrize("auth", ["session", "key"])
def test_the_inbox_through_every_step(world: CaseWorld, auth: str) -> None:
    made = _sent(world)
    client, headers, actor = _caller(world, auth)
    inbox = client.get(ROOT, **headers).json()
    assert inbox["count"] == 1 and inbox["items"][0]["id"] == made.pk
    assert inbox["items"][0]["deadlines"][0]["code"] == "transfer.receipt"
    one = client.get(f"{ROOT}/{made.pk}", **headers).json()
    assert one["note"] == "涉及药品价格，请核查" and one["case_number"].startswith("AJ-")
    assert {"name": "张**", "kind": "person", "code": "", "representative": ""} in one["parties"]
    assert "张三丰" not in json.dumps(one, ensure_ascii=False)
    for step, body, status in (("receive", None, "received"), ("accept", None, "accepted"),
                               ("answer", {"result": "已立案查处，罚款五千元"}, "answered")):  # fmt: skip
        answer = _post(client, f"{ROOT}/{made.pk}/{step}", body, **headers)
        assert answer.status_code == 200, answer.content
        assert answer.json()["status"] == status
    made.refresh_from_db()
    assert made.clue is not None and made.clue.department.code == "market" and made.result == "已立案查处，罚款五千元"
    events = list(AuditEvent.objects.filter(object_type="transfer", object_id=str(made.pk)).order_by("pk"))
    assert [e.action for e in events] == ["cases.transfer.receive", "cases.transfer.accept", "cases.transfer.answer"]
    assert {e.actor for e in events} == {actor}
    assert client.get(ROOT, **headers).json()["count"] == 0
    assert client.get(ROOT, {"status": "answered"}, **headers).json()["count"] == 1


@pytest.mark.parametrize("auth", ["session", "key"])
def test_a_refusal_keeps_its_reason(world: CaseWorld, auth: str) -> None:
    made = _sent(world)
    client, headers, actor = _caller(world, auth)
    assert _post(client, f"{ROOT}/{made.pk}/receive", **headers).status_code == 200
    refused = _post(client, f"{ROOT}/{made.pk}/refuse", {"reason": "不属于本部门职责"}, **headers)
    assert refused.status_code == 200 and refused.json()["refusal_reason"] == "不属于本部门职责"
    assert refused.json()["status"] == "refused"
    assert set(AuditEvent.objects.filter(object_type="transfer").values_list("actor", flat=True)) == {actor}


def test_the_key_goes_in_the_header_or_the_api_key_parameter(world: CaseWorld) -> None:
    made = _sent(world)
    key = _key()
    client = Client()  # nobody signed in
    assert client.get(ROOT).status_code == 401
    assert client.get(ROOT, HTTP_X_API_KEY="wj_not_a_key").status_code == 401
    assert client.get(ROOT, {"api_key": key, "kind": "police"}).json()["count"] == 0
    assert client.get(ROOT, {"api_key": key, "kind": "department"}).json()["count"] == 1
    assert _post(client, f"{ROOT}/{made.pk}/receive", {"api_key": key}).status_code == 200  # the spec's form field
    record = intake.api_key_lookup(key)
    assert record is not None and record.user.username.startswith("apikey-")
    assert not record.user.is_active and not record.user.has_usable_password()  # it cannot sign in


def test_another_department_sees_nothing_and_changes_nothing(world: CaseWorld) -> None:
    made = _sent(world)
    police_key = _key("police")
    for client, headers in ((_session(world, "police"), {}), (Client(), {"HTTP_X_API_KEY": police_key})):
        assert client.get(ROOT, **headers).json()["count"] == 0
        assert client.get(f"{ROOT}/{made.pk}", **headers).status_code == 404
        assert _post(client, f"{ROOT}/{made.pk}/receive", **headers).status_code == 404
    assert client.get(f"{ROOT}/999999", **headers).status_code == 404
    made.refresh_from_db()
    assert made.status == "sent" and not AuditEvent.objects.filter(object_type="transfer").exists()


def test_steps_out_of_order_are_409_naming_the_step_and_bad_input_422_naming_the_field(world: CaseWorld) -> None:
    made = _sent(world)
    client = _session(world)
    early = _post(client, f"{ROOT}/{made.pk}/accept")
    assert early.status_code == 409 and "签收" in early.json()["detail"]
    assert _post(client, f"{ROOT}/{made.pk}/answer", {"result": "已处理完毕"}).status_code == 409
    _post(client, f"{ROOT}/{made.pk}/receive")
    assert _post(client, f"{ROOT}/{made.pk}/receive").status_code == 409
    missing = _post(client, f"{ROOT}/{made.pk}/refuse", {})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"
    blank = _post(client, f"{ROOT}/{made.pk}/refuse", {"reason": "   "})
    assert blank.status_code == 422 and blank.json()["errors"] == [{"field": "reason", "reason": blank.json()["errors"][0]["reason"]}]
    assert "不予受理理由" in blank.json()["errors"][0]["reason"]
    assert client.get(ROOT, {"status": "nonsense"}).status_code == 422
    made.refresh_from_db()
    assert made.status == "received" and made.refusal_reason == ""


def test_each_key_has_its_own_limit(world: CaseWorld) -> None:
    _sent(world)
    slow, fast = _key(per_minute=2), _key(per_minute=50)
    client = Client()
    assert [client.get(ROOT, HTTP_X_API_KEY=slow).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(ROOT, HTTP_X_API_KEY=fast).status_code == 200
