"""What random inspections need of the registry: sectors of the supervised population, licence kinds, the
inspector's 执法证 validity, 执法领域 codes, account link and declared conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from weijian.conftest import DISTRICT_A, make_uscc
from weijian.core.models import Department, Profile, Region, Role
from weijian.core.scope import Scope
from weijian.registry import kinds
from weijian.registry.forms import InspectorForm
from weijian.registry.imports.readers import open_sheet
from weijian.registry.imports.service import ImportResult, import_sheet
from weijian.registry.models import (
    Inspector,
    InspectorConflict,
    Institution,
    InstitutionKind,
    LicenceKind,
    Sector,
)
from weijian.registry.selectors import institution_list

SYSTEM = Scope(role=Role.CITY_ADMIN, region_prefix=None, department_code=None, institution_id=None)
DISTRICT = Scope(role=Role.DISTRICT_MANAGER, region_prefix=DISTRICT_A, department_code="health", institution_id=None)


def run(kind: str, content: str, scope: Scope = SYSTEM) -> ImportResult:
    return import_sheet(
        kind=kind, sheet=open_sheet(content.encode(), "f.csv", None), filename="f.csv", sha256="x", actor="t", scope=scope
    )


def test_every_kind_has_a_sector_and_a_licence_kind() -> None:
    kinds.check(list(InstitutionKind.values))
    assert kinds.sector_of("hotel") == Sector.PUBLIC_PLACE and kinds.licence_of("hotel") == LicenceKind.HYGIENE
    assert kinds.sector_of("clinic") == Sector.MEDICAL and kinds.licence_of("clinic") == LicenceKind.PRACTICE
    assert kinds.licence_of("school") == LicenceKind.NONE
    assert set(kinds.medical_kinds()) == {"hospital", "specialist_hospital", "community_health_center", "clinic",
                                          "aesthetic_clinic", "other"}  # fmt: skip
    with pytest.raises(kinds.KindsError, match="missing"):
        kinds.check([*InstitutionKind.values, "casino"])


@pytest.mark.django_db
def test_new_kinds_import_with_their_hygiene_licence_and_filter_by_sector(registry: dict[str, str]) -> None:
    hotel, school = make_uscc(DISTRICT_A, "MA3000001", "91"), make_uscc(DISTRICT_A, "MA3000002", "12")
    header = "institution_id,name,kind,district_code,许可证（备案）编号,licence_valid_from,licence_valid_to\n"
    result = run("institutions", header + f"{hotel},锦江宾馆,hotel,{DISTRICT_A},沪卫公字[2024]第0001号,2024-01-01,2028-01-01\n"
                 + f"{school},第一中学,school,{DISTRICT_A},,,\n")  # fmt: skip
    assert result.ok, result.rejects
    stored = Institution.objects.get(uscc=hotel)
    assert (stored.sector, stored.licence_kind, stored.licence_no) == ("public_place", "hygiene", "沪卫公字[2024]第0001号")
    assert not Institution.objects.get(uscc=school).is_medical
    user = get_user_model().objects.create(username="city")
    Profile.objects.create(user=user, role=Role.CITY_ADMIN, region=Region.objects.get(code="310000"),
                           department=Department.objects.get(code="health"))  # fmt: skip
    assert set(institution_list(user, sector="public_place").values_list("uscc", flat=True)) == {hotel}
    medical = set(institution_list(user, sector="medical").values_list("uscc", flat=True))
    assert medical == set(registry.values())
    assert institution_list(user).count() == len(registry) + 2


@pytest.mark.django_db
def test_a_school_with_a_licence_number_is_refused_naming_the_column(registry: dict[str, str]) -> None:
    school = make_uscc(DISTRICT_A, "MA3000003", "12")
    result = run("institutions", "institution_id,name,kind,district_code,licence_no\n"
                 f"{school},第二中学,school,{DISTRICT_A},X-1\n")  # fmt: skip
    assert [(r.column, "学校" in r.reason and "留空" in r.reason) for r in result.rejects] == [("licence_no", True)]
    assert not Institution.objects.filter(uscc=school).exists()


@pytest.mark.django_db
def test_inspector_fields_become_codes_and_unknown_ones_are_refused(registry: dict[str, str]) -> None:
    header = "badge_no,name,department,region_code,fields,badge_valid_from,badge_valid_to\n"
    result = run("inspectors", header + "31010100000001,王监督,health,310101,传染病防治；公共场所卫生,2022-01-01,2026-12-31\n"
                 + "31010100000009,孙监督,health,310101,medical;赌场,2022-01-01,\n"
                 + "31010100000008,周监督,health,310101,medical,2026-01-01,2025-01-01\n")  # fmt: skip
    assert result.updated == 1
    by_row = {r.row: r for r in result.rejects}
    assert by_row[3].column == "fields" and "赌场" in by_row[3].reason and "medical（医疗服务）" in by_row[3].reason
    assert by_row[4].column == "badge_valid_to"
    wang = Inspector.objects.get(badge_no="31010100000001")
    assert wang.fields == "infectious;public_place"
    assert wang.field_codes == frozenset({"infectious", "public_place"})
    assert wang.field_list == ["传染病防治", "公共场所卫生"]
    assert wang.badge_valid_on(dt.date(2026, 12, 31)) and not wang.badge_valid_on(dt.date(2027, 1, 1))
    assert not wang.badge_valid_on(dt.date(2021, 12, 31))
    assert not Inspector.objects.filter(badge_no__in=["31010100000009", "31010100000008"]).exists()


@pytest.mark.django_db
def test_inspector_links_to_an_account_of_its_scope_once(registry: dict[str, str]) -> None:
    def account(name: str, district: str) -> Any:
        user = get_user_model().objects.create(username=name)
        Profile.objects.create(user=user, role=Role.INSPECTOR, region=Region.objects.get(code=district),
                               department=Department.objects.get(code="health"))  # fmt: skip
        return user

    mine, other = account("wang", DISTRICT_A), account("zhao", "310104")
    header = "badge_no,name,department,region_code,username\n"
    result = run("inspectors", header + "31010100000001,王监督,health,310101,wang\n"
                 + "31010100000007,吴监督,health,310101,zhao\n"
                 + "31010100000006,郑监督,health,310101,nobody\n"
                 + "31010100000005,冯监督,health,310101,wang\n", scope=DISTRICT)  # fmt: skip
    assert Inspector.objects.get(badge_no="31010100000001").user == mine
    reasons = {r.row: r.reason for r in result.rejects}
    assert "权限" in reasons[3] and "没有该用户名" in reasons[4] and "已关联" in reasons[5]
    assert other.pk not in {i.user_id for i in Inspector.objects.all()}
    fields_kept = run("inspectors", "badge_no,name,department,region_code\n31010100000001,王监督,health,310101\n")
    assert fields_kept.ok and Inspector.objects.get(badge_no="31010100000001").user == mine  # blank: link kept


@pytest.mark.django_db
def test_admin_form_takes_names_or_codes_and_refuses_unknown(registry: dict[str, str]) -> None:
    wang = Inspector.objects.get(badge_no="31010100000001")
    data = {"badge_no": wang.badge_no, "name": wang.name, "department": wang.department_id, "region": wang.region_id,
            "fields": "放射卫生、water", "active": True}  # fmt: skip
    form = InspectorForm(data=data, instance=wang)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["fields"] == "water;radiation"
    form = InspectorForm(data={**data, "fields": "medical;casino"}, instance=wang)
    assert not form.is_valid() and "casino" in str(form.errors["fields"])
    wang.fields = "casino"
    with pytest.raises(ValidationError):
        wang.full_clean()


@pytest.mark.django_db
def test_conflict_is_in_force_between_its_dates_and_ends_after_it_is_declared(registry: dict[str, str]) -> None:
    wang = Inspector.objects.get(badge_no="31010100000001")
    institution = Institution.objects.get(uscc=registry["a1"])
    conflict = InspectorConflict.objects.create(inspector=wang, institution=institution, reason="配偶在该院任职",
                                                declared_on=dt.date(2025, 3, 1))  # fmt: skip
    assert conflict.in_force_on(dt.date(2030, 1, 1)) and not conflict.in_force_on(dt.date(2025, 2, 28))
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectorConflict.objects.create(inspector=wang, institution=institution, reason="x",
                                         declared_on=dt.date(2025, 3, 2), ended_on=dt.date(2025, 3, 1))  # fmt: skip


@pytest.mark.django_db
def test_the_demo_inspector_account_is_an_officer_of_the_directory(registry: dict[str, str], settings: Any) -> None:
    from weijian.core.demo import demo_accounts_setup

    Inspector.objects.filter(badge_no="31010100000001").update(badge_valid_from=dt.date(2020, 1, 1))
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_accounts_setup()
    wang = Inspector.objects.get(badge_no="31010100000001")
    assert wang.user is not None and wang.user.username == "inspector_a" and wang.name == "王强"
    demo_accounts_setup()  # again: still the one link
    assert Inspector.objects.filter(user__isnull=False).count() == 1


def test_analytics_reads_medical_institutions_only() -> None:
    """The analytics contract's institution kinds are exactly the medical sector's: a hotel in an analytics
    dataset is a rejected row, never counted as a hospital; the synthetic city writes other units apart."""
    from weijian.analytics.schema import TABLES
    from weijian.sim import city

    kind = next(c for c in TABLES["institutions"].columns if c.name == "kind")
    assert set(kind.enum or ()) == set(kinds.medical_kinds())
    tiny = city.Preset(districts=("310101",), institutions=6, practitioners=20, inspectors=2, streets_per_district=(1, 1))
    tables = city.generate(tiny, seed=1)
    assert set(tables["institutions"].column("kind").to_pylist()) <= set(kinds.medical_kinds())
    assert not set(tables["supervised_units"].column("kind").to_pylist()) & set(kinds.medical_kinds())
