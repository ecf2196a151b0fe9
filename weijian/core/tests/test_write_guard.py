"""The write-side guard on its own: stored record, new values and linked records must all be in scope."""

from typing import Any

import pytest

from weijian.conftest import DISTRICT_A, DISTRICT_B
from weijian.core.models import AuditEvent, Region, Role
from weijian.core.records import record_delete, record_save
from weijian.core.scope import OutOfScope, require_writable, writable
from weijian.registry.models import Inspector, Institution, Practitioner, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(registry: dict[str, str], make_user: Any) -> Any:
    return make_user("manager", role=Role.DISTRICT_MANAGER, region=DISTRICT_A)


def test_moving_a_record_out_of_the_scope_is_refused(registry: dict[str, str], manager: Any) -> None:
    a1 = Institution.objects.get(uscc=registry["a1"])
    a1.district = Region.objects.get(code=DISTRICT_B)
    with pytest.raises(OutOfScope):
        record_save(actor=manager, obj=a1)
    assert Institution.objects.get(pk=a1.pk).district.code == DISTRICT_A


def test_taking_over_a_record_of_another_district_is_refused(registry: dict[str, str], manager: Any) -> None:
    b1 = Institution.objects.get(uscc=registry["b1"])
    b1.district = Region.objects.get(code=DISTRICT_A)  # the new values would be in scope; the stored record is not
    with pytest.raises(OutOfScope):
        record_save(actor=manager, obj=b1)
    with pytest.raises(OutOfScope):
        record_delete(actor=manager, obj=Institution.objects.get(uscc=registry["b1"]))
    assert Institution.objects.get(pk=b1.pk).district.code == DISTRICT_B


def test_linked_records_must_be_in_scope_too(registry: dict[str, str], manager: Any) -> None:
    registration = Registration(
        practitioner=Practitioner.objects.get(cert_no="110310101000001"),
        institution=Institution.objects.get(uscc=registry["a2"]), valid_from="2025-01-01",
    )  # fmt: skip
    require_writable(manager, registration)
    with pytest.raises(OutOfScope):
        require_writable(manager, registration, linked=(Institution.objects.get(uscc=registry["b1"]),))


def test_inside_the_scope_a_save_is_guarded_audited_and_searchable(registry: dict[str, str], manager: Any) -> None:
    a2 = Institution.objects.get(uscc=registry["a2"])
    a2.name = "黄浦区外滩街道社區衛生服務中心"
    record_save(actor=manager, obj=a2, changes={"name": a2.name})
    assert "社区卫生服务中心" in Institution.objects.get(pk=a2.pk).search_text
    assert AuditEvent.objects.filter(action="admin.registry.institution.change", actor="manager").exists()


def test_practitioner_is_written_by_the_district_of_the_primary_registration(registry: dict[str, str],
                                                                             manager: Any, make_user: Any) -> None:
    zhang = Practitioner.objects.get(cert_no="110310101000001")  # primary in A, also registered in B
    li = Practitioner.objects.get(cert_no="110310104000002")  # primary in B
    manager_b = make_user("manager_b", role=Role.DISTRICT_MANAGER, region=DISTRICT_B)
    assert writable(manager, zhang) and not writable(manager_b, zhang)
    assert writable(manager_b, li) and not writable(manager, li)
    city = make_user("city", role=Role.CITY_ADMIN, region="310000")
    assert writable(city, zhang) and writable(city, li)


def test_administrators_and_readers_write_nothing(registry: dict[str, str], make_user: Any) -> None:
    a1 = Institution.objects.get(uscc=registry["a1"])
    inspector = Inspector.objects.get(badge_no="31010100000001")
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.PUBLIC):
        user = make_user(f"u-{role}", role=role, region=None, department=None)
        assert not writable(user, a1) and not writable(user, inspector)
    partner = make_user("partner", role=Role.PARTNER_OFFICER, region="310000", department="market")
    assert not writable(partner, inspector), "a health inspector is written by health or the city office"


def test_administrators_land_on_their_back_office_not_on_business_counts(make_user: Any) -> None:
    from django.test import Client

    for role, text in ((Role.SYSTEM_ADMIN, "参考数据"), (Role.SECURITY_ADMIN, "权限组"), (Role.AUDIT_ADMIN, "审计日志")):
        client = Client()
        client.force_login(make_user(f"a-{role}", role=role, region=None, department=None, is_staff=True))
        page = client.get("/").content.decode()
        assert text in page and "/admin/" in page and "待处置" not in page, role
