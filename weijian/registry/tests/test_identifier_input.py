"""Identifiers typed full-width or with spaces are one record: on import, in the admin, the API and search.
Practitioners' certificate numbers follow their kind; an import row without a 身份证 number keeps the stored one."""

from typing import Any

import pytest
from django.test import Client

from weijian.core.models import Profile, Region, Role
from weijian.core.scope import Scope
from weijian.registry.imports.readers import open_sheet
from weijian.registry.imports.service import ImportResult, import_sheet
from weijian.registry.models import Practitioner, Registration

pytestmark = pytest.mark.django_db
SYSTEM = Scope(role=Role.CITY_ADMIN, region_prefix=None, department_code=None, institution_id=None)
CERT = "220310101000001"
CERT_WIDE = "２２０３１０１０１０００００１"
ID_NUMBER = "310115196501011235"  # 浦东新区 code, born 1965: refused by python-stdnum's own check
HEADER = "执业证书编码,姓名,类别,身份证号码\n"


def run(kind: str, content: str) -> ImportResult:
    return import_sheet(
        kind=kind, sheet=open_sheet(content.encode(), f"{kind}.csv", None), filename=f"{kind}.csv",
        sha256="x", actor="t", scope=SYSTEM,
    )  # fmt: skip


def test_full_width_and_spaced_numbers_are_stored_normalised_and_match_the_plain_ones(registry: dict[str, str]) -> None:
    spaced_id = "３１０１１５ １９６５０１０１\u3000１２３５"
    first = run("practitioners", HEADER + f"{CERT_WIDE},王芳,执业医师,{spaced_id}\n")
    assert first.ok and first.created == 1
    stored = Practitioner.objects.get(cert_no=CERT)
    assert stored.id_masked == "310115********1235"
    plain = run("practitioners", HEADER + f"{CERT},王芳,执业医师,{ID_NUMBER}\n")
    assert (plain.created, plain.unchanged) == (0, 1) and Practitioner.objects.filter(name="王芳").count() == 1
    uscc_spaced = " ".join(registry["a1"][i : i + 4] for i in range(0, 18, 4)).lower()
    regs = run("registrations", f"practitioner_id,institution_id,valid_from\n2203 1010 1000 001,{uscc_spaced},2024-01-01\n")
    assert regs.ok and Registration.objects.get(practitioner=stored).institution.uscc == registry["a1"]


def test_certificate_number_is_checked_against_the_rows_kind() -> None:
    content = (
        HEADER
        + "22031010100,短号医师,执业医师,\n"  # a physician's number is 15 digits
        + "NS2019310000123,护士甲,护士,\n"  # nurses: 8–30 digits or capital letters [unverified]
        + "201931000123,药师乙,pharmacist,\n"
        + "ns-2019,护士丙,nurse,\n"
    )
    result = run("practitioners", content)
    by_row = {r.row: (r.column, r.reason) for r in result.rejects}
    assert by_row[2] == ("执业证书编码", "执业证书编码应为15位数字（医师执业证书）")
    assert by_row[5][0] == "执业证书编码" and "8至30位" in by_row[5][1]
    assert set(Practitioner.objects.values_list("cert_no", flat=True)) == {"NS2019310000123", "201931000123"}
    scopes = run("practitioner_scopes", "practitioner_id,dept_code\nns2019310000123,03\n")  # any kind's format
    assert scopes.ok


def test_a_row_without_an_id_number_keeps_the_stored_one() -> None:
    assert run("practitioners", HEADER + f"{CERT},王芳,physician,{ID_NUMBER}\n").ok
    before = Practitioner.objects.values("id_masked", "id_digest").get()
    assert before["id_masked"] and before["id_digest"]
    blank = run("practitioners", HEADER + f"{CERT},王芳,physician,\n")
    no_column = run("practitioners", "执业证书编码,姓名,类别\n" + f"{CERT},王芳,physician\n")
    assert (blank.unchanged, no_column.unchanged) == (1, 1)
    renamed = run("practitioners", "执业证书编码,姓名,类别\n" + f"{CERT},王芳芳,physician\n")
    assert renamed.updated == 1
    assert Practitioner.objects.values("id_masked", "id_digest").get() == before
    assert Practitioner.objects.get().name == "王芳芳"


@pytest.fixture
def city_client(registry: dict[str, str], django_user_model: Any) -> Client:
    user = django_user_model.objects.create(username="city")  # no password to hash: force_login
    Profile.objects.create(user=user, role=Role.CITY_ADMIN, region=Region.objects.get(code="310000"))
    client = Client()
    client.force_login(user)
    return client


def test_api_paths_and_queries_take_full_width_and_spaced_identifiers(city_client: Client, registry: dict[str, str]) -> None:
    wide = "１１０３１０１０１０００００１"  # the conftest physician 110310101000001
    assert city_client.get(f"/api/practitioners/{wide}").json()["cert_no"] == "110310101000001"
    assert city_client.get("/api/practitioners/1103 1010 1000 001").status_code == 200
    assert city_client.get(f"/registry/practitioners/{wide}/").status_code == 200
    uscc_wide = registry["a1"].translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert city_client.get(f"/api/institutions/{uscc_wide}").json()["uscc"] == registry["a1"]
    assert city_client.get("/api/inspectors/3101 0100 0000 01").json()["badge_no"] == "31010100000001"
    spaced = " ".join(registry["b2"][i : i + 6] for i in range(0, 18, 6))
    listed = city_client.get("/api/practitioners", {"institution": spaced}).json()
    assert listed["count"] == 2  # 张伟 (多点执业) and 李娜 at b2
    assert city_client.get("/api/institutions", {"district": "３１０１０１"}).json()["count"] == 2


@pytest.mark.parametrize("query", ["１１０３１０１０１０００００１", "1103 1010 1000 001", "110310101000001"])
def test_search_finds_a_number_typed_full_width_or_in_groups(
    city_client: Client, registry: dict[str, str], query: str
) -> None:
    # holds every group of "1103 1010 1000 001", but not the number: a search word by word would list it
    assert run("practitioners", HEADER + "110300101000001,周七,physician,\n").ok
    assert run("registrations", f"practitioner_id,institution_id,valid_from\n110300101000001,{registry['a1']},2024-01-01\n").ok
    items = city_client.get("/api/practitioners", {"q": query}).json()["items"]
    assert [p["cert_no"] for p in items] == ["110310101000001"]
    page = city_client.get("/registry/practitioners/", {"q": query}).content.decode()
    assert "张伟" in page and "李娜" not in page and "周七" not in page


def test_admin_form_normalises_and_refuses_a_second_copy(registry: dict[str, str], make_user: Any) -> None:
    from weijian.core.roles import role_groups_sync

    user = make_user("city_office", role=Role.CITY_ADMIN, region="310000", is_staff=True)
    user.groups.set([role_groups_sync()[Role.CITY_ADMIN]])
    client = Client()
    client.force_login(user)
    inlines = {f"{p}-{k}": 0 for p in ("scopes", "registrations") for k in ("TOTAL_FORMS", "INITIAL_FORMS")}
    form = {"name": "赵六", "kind": "physician", "status": "active", **inlines}
    response = client.post("/admin/registry/practitioner/add/", {**form, "cert_no": " ２２０３１０１０１０００００９ "})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Practitioner.objects.filter(cert_no="220310101000009").exists()
    duplicate = client.post("/admin/registry/practitioner/add/", {**form, "cert_no": "2203 1010 1000 009"})
    assert duplicate.status_code == 200 and "已存在" in duplicate.content.decode()
    wrong = client.post("/admin/registry/practitioner/add/", {**form, "cert_no": "22031010100"})
    assert wrong.status_code == 200 and "应为15位数字" in wrong.content.decode()
    assert Practitioner.objects.filter(name="赵六").count() == 1
