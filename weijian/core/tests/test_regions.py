"""Shipped regions (2023 统计用区划代码), their edition, and district lists that are one city's."""

from __future__ import annotations

import importlib
import io
import re
from collections import Counter
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from weijian.core import reference
from weijian.core.models import Profile, Region, Role
from weijian.core.selectors import city_districts, districts_in_scope

pytestmark = pytest.mark.django_db
JIANGYIN = "320281"


def test_a_new_database_holds_the_2023_edition_down_to_streets() -> None:
    levels = Counter(Region.objects.values_list("level", flat=True))
    assert levels == {"province": 2, "city": 1, "district": 23, "street": 322}
    assert Region.objects.filter(code__startswith="310115", level="street").count() == 42
    zhouzhuang = Region.objects.get(code="320281108")
    assert zhouzhuang.name == "周庄镇" and zhouzhuang.parent.code == JIANGYIN
    assert zhouzhuang.parent.parent.code == "320200"  # 江阴市 is a 县级市 under 无锡市
    assert Region.objects.get(code="310101002").name == "南京东路街道"
    assert not Region.objects.filter(code__in=["320281002", "320281003", "320281101"]).exists()  # hand-written


def test_the_csv_is_the_only_list_and_its_edition_is_recorded() -> None:
    assert sorted(p.name for p in reference.DATA_DIR.glob("regions*")) == [
        "regions-edition.yaml", "regions-shanghai-wuxi-2023.csv",
    ]  # fmt: skip
    edition = reference.regions_edition()["edition"]
    assert (edition["publisher"], str(edition["cutoff"]), str(edition["published"])) == (
        "国家统计局", "2023-06-30", "2023-09-11",
    )  # fmt: skip
    assert len(reference.region_rows()) == Region.objects.count() == 348


def test_sync_is_idempotent_and_repairs_a_changed_name() -> None:
    assert reference.sync_regions(Region) == 0
    Region.objects.filter(code="310101002").update(name="改过的名字")
    assert reference.sync_regions(Region) == 1
    assert Region.objects.get(code="310101002").name == "南京东路街道"


def test_migration_drops_the_old_hand_written_codes_nothing_uses() -> None:
    from weijian.registry.models import Institution

    migration = importlib.import_module("weijian.core.migrations.0004_regions_2023")
    jiangyin = Region.objects.get(code=JIANGYIN)
    unused = Region.objects.create(code="320281002", name="南闸街道", level="street", parent=jiangyin)
    used = Region.objects.create(code="320281003", name="云亭街道", level="street", parent=jiangyin)
    Institution.objects.create(uscc="x" * 18, name="某诊所", kind="clinic", district=jiangyin, street=used)
    migration.load(apps, None)
    assert not Region.objects.filter(pk=unused.pk).exists()
    assert Region.objects.filter(pk=used.pk).exists()


def test_weijian_regions_says_which_edition() -> None:
    out = io.StringIO()
    call_command("regions", stdout=out)
    text = out.getvalue()
    assert "国家统计局" in text and "截至 2023-06-30" in text and "2023-09-11 发布" in text
    assert "区县 23" in text and "街道乡镇 322" in text


def _user(django_user_model: Any, username: str, role: str | None = None, region: str | None = None) -> Any:
    """A user without a password (no hashing: these tests only ask for the user's scope)."""
    user = django_user_model.objects.create(username=username, is_superuser=role is None)
    if role:
        Profile.objects.create(user=user, role=role, region=Region.objects.get(code=region))
    return user


def test_district_lists_are_one_citys(django_user_model: Any, settings: Any) -> None:
    shanghai = set(city_districts("310000").values_list("code", flat=True))
    assert len(shanghai) == 16 and JIANGYIN not in shanghai
    superuser = _user(django_user_model, "root")  # no profile, no region
    assert set(districts_in_scope(superuser).values_list("code", flat=True)) == shanghai
    admin_sh = _user(django_user_model, "admin_sh", Role.CITY_ADMIN, "310000")
    assert set(districts_in_scope(admin_sh).values_list("code", flat=True)) == shanghai
    admin_wx = _user(django_user_model, "admin_wx", Role.CITY_ADMIN, "320200")
    wuxi = set(districts_in_scope(admin_wx).values_list("code", flat=True))
    assert JIANGYIN in wuxi and len(wuxi) == 7 and not any(c.startswith("31") for c in wuxi)
    manager = _user(django_user_model, "mgr", Role.DISTRICT_MANAGER, "310101")
    assert list(districts_in_scope(manager).values_list("code", flat=True)) == ["310101"]
    settings.WEIJIAN_CITY = "320200"  # an office in Wuxi
    fresh = django_user_model.objects.get(pk=superuser.pk)
    assert set(districts_in_scope(fresh).values_list("code", flat=True)) == wuxi


def test_pickers_and_demo_districts_leave_jiangyin_out(
    django_user_model: Any, registry: dict[str, str], settings: Any
) -> None:
    from weijian.core.demo import demo_accounts_setup
    from weijian.registry.models import Institution

    jiangyin = Region.objects.get(code=JIANGYIN)
    for n in range(3):  # busier than any Shanghai district of the test registry
        Institution.objects.create(uscc=f"{n:018d}", name=f"江阴诊所{n}", kind="clinic", district=jiangyin)
    client = Client()
    client.force_login(_user(django_user_model, "root"))
    for url, name in (("/registry/institutions/", "district"), ("/registry/inspectors/", "region"), ("/alerts/", "district")):
        picker = re.search(rf'<select name="{name}".*?</select>', client.get(url).content.decode(), re.S)
        assert picker and 'value="310101"' in picker[0], url
        assert f'value="{JIANGYIN}"' not in picker[0] and "江阴市" not in picker[0], url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # demo passwords, fast
    demo_accounts_setup()
    assert Profile.objects.get(user__username="district_manager").region.code.startswith("31")
    assert Profile.objects.get(user__username="inspector_b").region.code.startswith("31")
