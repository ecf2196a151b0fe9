"""A district-A user cannot list, open, change or export district-B records — pages, API, admin: 404."""

from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from weijian.core.models import Role
from weijian.registry.models import Inspector, Institution, Practitioner

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(registry: dict[str, str], make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("manager_a", role=Role.DISTRICT_MANAGER, is_staff=True))
    from django.contrib.auth.models import Permission

    from weijian.core.models import Profile

    profile = Profile.objects.get(user__username="manager_a")
    profile.user.user_permissions.set(Permission.objects.filter(content_type__app_label="registry"))
    return client


def test_lists_show_only_own_district(client_a: Client, registry: dict[str, str]) -> None:
    page = client_a.get("/registry/institutions/").content.decode()
    assert "瑞金医院分院" in page and "外滩街道" in page
    assert "枫林街道" not in page and "上海美丽医疗美容门诊部" not in page
    api = client_a.get("/api/institutions").json()
    assert api["count"] == 2
    assert {i["uscc"] for i in api["items"]} == {registry["a1"], registry["a2"]}


def test_other_district_records_are_404_on_pages_and_api(client_a: Client, registry: dict[str, str]) -> None:
    assert client_a.get(f"/registry/institutions/{registry['b1']}/").status_code == 404
    assert client_a.get(f"/api/institutions/{registry['b1']}").status_code == 404
    assert client_a.get("/registry/practitioners/110310104000002/").status_code == 404
    assert client_a.get("/api/practitioners/110310104000002").status_code == 404
    assert client_a.get("/registry/inspectors/31010400000002/").status_code == 404
    assert client_a.get("/api/inspectors/31010400000002").status_code == 404
    # a record that does not exist at all answers exactly the same
    assert client_a.get("/registry/institutions/91310101MA0000000X/").status_code == 404


def test_other_district_records_are_404_in_admin(client_a: Client, registry: dict[str, str]) -> None:
    b1 = Institution.objects.get(uscc=registry["b1"])
    a1 = Institution.objects.get(uscc=registry["a1"])
    assert client_a.get(f"/admin/registry/institution/{a1.pk}/change/").status_code == 200
    assert client_a.get(f"/admin/registry/institution/{b1.pk}/change/").status_code == 404
    assert client_a.get(f"/admin/registry/institution/{b1.pk}/delete/").status_code == 404
    assert client_a.get(f"/admin/registry/institution/{b1.pk}/history/").status_code == 404
    response = client_a.post(f"/admin/registry/institution/{b1.pk}/change/", {"name": "篡改"})
    assert response.status_code == 404
    assert Institution.objects.get(pk=b1.pk).name != "篡改"
    listing = client_a.get("/admin/registry/institution/").content.decode()
    assert "瑞金医院分院" in listing and "枫林街道" not in listing
    other_inspector = Inspector.objects.get(badge_no="31010400000002")
    assert client_a.get(f"/admin/registry/inspector/{other_inspector.pk}/change/").status_code == 404


def test_export_contains_only_own_district(client_a: Client) -> None:
    import io

    response = client_a.get("/registry/institutions/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == sorted(["上海市黄浦区瑞金医院分院", "黄浦区外滩街道社区卫生服务中心"])


def test_practitioner_with_registration_in_both_districts(client_a: Client) -> None:
    """张伟 works in A (primary) and B (多点执业): A sees him but not his B registration."""
    data = client_a.get("/api/practitioners/110310101000001").json()
    assert [r["institution_name"] for r in data["registrations"]] == ["上海市黄浦区瑞金医院分院"]
    assert data["id_masked"] == "110105********002X"
    assert Practitioner.objects.count() == 2


def test_inspectors_are_scoped_by_department_and_region(registry: dict[str, str], make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("market_b", role=Role.PARTNER_OFFICER, region="310104", department="market"))
    badges = {i["badge_no"] for i in client.get("/api/inspectors").json()["items"]}
    assert badges == {"31010400000003"}


def test_city_admin_sees_all_and_public_sees_nothing(registry: dict[str, str], make_user: Any) -> None:
    admin = Client()
    admin.force_login(make_user("city", role=Role.CITY_ADMIN, region="310000"))
    assert admin.get("/api/institutions").json()["count"] == 4
    public = Client()
    public.force_login(make_user("citizen", role=Role.PUBLIC, region=None, department=None))
    assert public.get("/api/institutions").json()["count"] == 0
    assert public.get(f"/api/institutions/{registry['a1']}").status_code == 404


def test_institution_user_sees_only_itself(registry: dict[str, str], make_user: Any) -> None:
    own = Institution.objects.get(uscc=registry["a2"])
    client = Client()
    client.force_login(make_user("clinic", role=Role.INSTITUTION_USER, region=None, department=None, institution=own))
    assert [i["uscc"] for i in client.get("/api/institutions").json()["items"]] == [registry["a2"]]
    assert client.get(f"/registry/institutions/{registry['a1']}/").status_code == 404


def test_anonymous_is_sent_to_login_and_api_says_401(registry: dict[str, str]) -> None:
    client = Client()
    assert client.get("/registry/institutions/").status_code == 302
    assert client.get("/api/institutions").status_code == 401


def test_admin_change_in_scope_is_audited(client_a: Client, registry: dict[str, str]) -> None:
    from weijian.core.audit import audit_verify
    from weijian.core.models import AuditEvent

    a2 = Institution.objects.get(uscc=registry["a2"])
    page = client_a.get(f"/admin/registry/institution/{a2.pk}/delete/")
    assert page.status_code == 200
    response = client_a.post(f"/admin/registry/institution/{a2.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Institution.objects.filter(pk=a2.pk).exists()
    event = AuditEvent.objects.get(action="admin.registry.institution.delete")
    assert event.actor == "manager_a" and "外滩" in event.data["repr"]
    assert audit_verify().ok
