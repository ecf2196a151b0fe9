"""The public penalty pages: only published, in-window records, searchable and filtered, never a natural person's
full identity number; withdrawn or expired records answer 410 with a notice and none of their fields; the staff
page and the workbench card show late publication within the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from weijian.conftest import make_uscc
from weijian.portal import disclosure as service
from weijian.portal.models import Disclosure
from weijian.portal.tests.conftest import RIC, penalty_fields, person_fields
from weijian.registry.models import Institution

pytestmark = pytest.mark.django_db


def _publish(people: dict[str, Any], key: str, decided_on: dt.date = dt.date(2026, 6, 5), **kwargs: Any) -> Disclosure:
    source = people[key]
    actor = people["manager_b"] if source.district.code == "310104" else people["manager_a"]
    options: dict[str, Any] = {"actor": actor, "kind": "penalty", "source": source, "fields": penalty_fields(source),
                               "decided_on": decided_on, "severity": "general", "department": people["health"]}  # fmt: skip
    options.update(kwargs)
    return service.disclosure_publish(**options)


def test_the_list_shows_only_published_records_in_their_window(people: dict[str, Any], clock: Any) -> None:
    shown = _publish(people, "a1")
    person = _publish(people, "a2", fields=person_fields(), severity="serious")
    withdrawn = _publish(people, "b1")
    service.disclosure_withdraw(actor=people["manager_b"], disclosure=withdrawn, reason="复议撤销")
    exempt = _publish(people, "b2", fields=penalty_fields(people["b2"], penalty_kinds=["warning"], fine_amount=None))
    people["old"] = Institution.objects.create(uscc=make_uscc("310101", "MA1000099"), name="过期公示诊所", kind="clinic",
                                               district=people["a1"].district)  # fmt: skip
    old = _publish(people, "old", decided_on=dt.date(2025, 5, 1))
    body = Client().get("/portal/penalties/").content.decode()
    assert shown.decision_number in body and person.decision_number in body
    for hidden in (withdrawn, exempt, old):
        assert hidden.decision_number not in body, hidden
    assert RIC not in body
    home = Client().get("/portal/").content.decode()
    assert "/portal/penalties/" in home and shown.decision_number in home


def test_search_filters_and_pager(people: dict[str, Any], clock: Any) -> None:
    a1, b1 = _publish(people, "a1"), _publish(people, "b1", decided_on=dt.date(2025, 12, 1))
    client = Client()

    def numbers(**query: str) -> set[str]:
        body = client.get("/portal/penalties/", query).content.decode()
        return {d.decision_number for d in (a1, b1) if d.decision_number in body}

    assert numbers(q="瑞金") == {a1.decision_number}
    assert numbers(q=b1.decision_number) == {b1.decision_number}
    assert numbers(district="310104") == {b1.decision_number}
    assert numbers(year="2026") == {a1.decision_number}
    assert numbers(district="x", year="20x6") == {a1.decision_number, b1.decision_number}, "bad filters are ignored"
    assert client.get("/portal/penalties/", {"page": "9999"}).status_code == 200


def test_the_detail_shows_the_fields_with_the_rules_labels_and_a_masked_id(people: dict[str, Any], clock: Any) -> None:
    made = _publish(people, "a2", fields=person_fields(), severity="serious")
    response = Client().get(f"/portal/penalties/{made.pk}/")
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"].startswith("public")
    for label in ("行政相对人名称", "证件号码", "行政处罚决定书文号", "处罚类别", "罚款金额（万元）", "公示截止期"):
        assert f"<dt>{label}</dt>" in body, label
    assert "110105********002X" in body and RIC not in body
    assert "罚款、没收违法所得" in body and "2029-06-05" in body
    english = Client()
    english.cookies["django_language"] = "en"
    assert "<dt>ID number</dt>" in english.get(f"/portal/penalties/{made.pk}/").content.decode()


def test_withdrawn_and_expired_records_answer_gone_without_their_fields(people: dict[str, Any], clock: Any) -> None:
    made = _publish(people, "a2", fields=person_fields())
    service.disclosure_withdraw(actor=people["manager_a"], disclosure=made, reason="复议撤销")
    response = Client().get(f"/portal/penalties/{made.pk}/")
    body = response.content.decode()
    assert response.status_code == 410 and "已撤下" in body
    assert made.party_name not in body and made.decision_number not in body and "110105" not in body
    expiring = _publish(people, "a1")
    clock.move_to(dt.datetime(2027, 6, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    assert Client().get(f"/portal/penalties/{expiring.pk}/").status_code == 410, "past max_until, command not run"
    exempt = _publish(people, "b2", decided_on=dt.date(2026, 6, 5),
                      fields=penalty_fields(people["b2"], penalty_kinds=["warning"], fine_amount=None))  # fmt: skip
    assert Client().get(f"/portal/penalties/{exempt.pk}/").status_code == 404, "never published"
    assert Client().get("/portal/penalties/999999/").status_code == 404


def test_staff_see_late_publication_in_their_scope_only(people: dict[str, Any], clock: Any) -> None:
    clock.move_to(dt.datetime(2026, 6, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    late = _publish(people, "a1")
    manager_a, manager_b = Client(), Client()
    manager_a.force_login(people["manager_a"])
    manager_b.force_login(people["manager_b"])
    assert late.decision_number in manager_a.get("/portal/penalties/office/").content.decode()
    assert late.decision_number not in manager_b.get("/portal/penalties/office/").content.decode()
    workbench = manager_a.get("/").content.decode()
    assert "逾期公示或逾期撤下的行政处罚" in workbench and "/portal/penalties/office/?view=late" in workbench
    assert Client().get("/portal/penalties/office/").status_code == 302, "login required"


def test_the_demo_publishes_its_disclosures_once(people: dict[str, Any], make_user: Any, clock: Any) -> None:
    from weijian.core.models import Role
    from weijian.portal.demo import DEMO_RIC, demo_disclosures_setup

    make_user("district_manager", role=Role.DISTRICT_MANAGER)
    for n in (1, 2):
        Institution.objects.create(uscc=make_uscc("310101", f"MA300000{n}"), name=f"演示诊所{n}", kind="clinic",
                                   district=people["a1"].district)  # fmt: skip
    assert demo_disclosures_setup() and demo_disclosures_setup() == []
    statuses = sorted(Disclosure.objects.values_list("status", flat=True))
    assert statuses == ["exempt", "published", "published", "withdrawn"]
    body = Client().get("/portal/penalties/").content.decode()
    assert body.count("演示卫罚") == 2 and DEMO_RIC not in body
