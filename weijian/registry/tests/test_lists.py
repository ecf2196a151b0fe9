"""The registry's lists: pinyin order, risk grade and licence state as columns and filters, long related lists
on a profile summarised with a link, and the import form's errors beside their fields."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from weijian.core.models import Role
from weijian.registry.models import Inspector, Institution, Practitioner, Registration

pytestmark = pytest.mark.django_db


def _client(make_user: Any, role: str = Role.CITY_ADMIN, region: str | None = "310000") -> Client:
    client = Client()
    client.force_login(make_user("u", role=role, region=region))
    return client


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/registry/institutions/[^/]+/">([^<]+)</a>', html)


def _grades(codes: dict[str, str], scores: dict[str, float]) -> None:
    from weijian.risk.models import AnalyticsScore

    run = apps.get_model("alerts", "AnalyticsRun").objects.create(
        fingerprint="lists", source="t", period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31)
    )
    for key, score in scores.items():
        AnalyticsScore.objects.create(institution=Institution.objects.get(uscc=codes[key]), run=run,
                                      period_end=dt.date(2025, 12, 31), score=score, grade="?")  # fmt: skip


def test_pinyin_key_is_kept_on_import_save_and_by_the_migration(registry: dict[str, str]) -> None:
    zhang = Practitioner.objects.get(cert_no="110310101000001")
    assert zhang.name_sort == "zhang1 wei3"  # filled by the import
    zhang.name = "曾伟"
    zhang.save()
    assert Practitioner.objects.get(pk=zhang.pk).name_sort == "zeng1 wei3"  # filled on save, surname reading
    assert Inspector.objects.get(badge_no="31010100000001").name_sort == "wang2 jian1 du1"
    migration = __import__("weijian.registry.migrations.0008_name_sort", fromlist=["fill"])
    Institution.objects.update(name_sort="")
    migration.fill(apps, None)
    assert Institution.objects.get(uscc=registry["b2"]).name_sort.startswith("shang4 hai3 mei3 li4")


def test_institutions_in_pinyin_order_and_sortable(registry: dict[str, str], make_user: Any) -> None:
    client = _client(make_user)
    pinyin = ["黄浦区外滩街道社区卫生服务中心", "上海美丽医疗美容门诊部", "上海市黄浦区瑞金医院分院", "徐汇区枫林街道社区卫生服务中心"]
    assert sorted(pinyin) != pinyin  # code-point order would put 上 and 徐 before 黄
    assert _names(client.get("/registry/institutions/").content.decode()) == pinyin
    assert _names(client.get("/registry/institutions/", {"sort": "-name"}).content.decode()) == pinyin[::-1]
    for query in ({"sort": "nonsense"}, {"size": "999"}, {"page": "x"}, {"grade": "Z"}, {"licence": "soon"}):
        response = client.get("/registry/institutions/", query)
        assert response.status_code == 200 and _names(response.content.decode()) == pinyin, query


def test_grade_filter_and_order_cover_every_page(registry: dict[str, str], make_user: Any) -> None:
    _grades(registry, {"a1": 75.0, "a2": 10.0, "b1": 90.0, "b2": 30.0})  # D, A, D, B
    client = _client(make_user)
    page = client.get("/registry/institutions/", {"grade": "D", "size": "30"}).content.decode()
    assert _names(page) == ["上海市黄浦区瑞金医院分院", "徐汇区枫林街道社区卫生服务中心"]
    assert "风险等级：D 高风险" in page and "共 2 条" in page
    by_grade = _names(client.get("/registry/institutions/", {"sort": "-grade"}).content.decode())
    assert by_grade == ["上海市黄浦区瑞金医院分院", "徐汇区枫林街道社区卫生服务中心", "上海美丽医疗美容门诊部",
                        "黄浦区外滩街道社区卫生服务中心"]  # fmt: skip
    export = client.get("/registry/institutions/", {"grade": "D", "format": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_licence_state_column_and_filter(registry: dict[str, str], make_user: Any) -> None:
    today = timezone.localdate()
    Institution.objects.filter(uscc=registry["a1"]).update(licence_valid_to=today + dt.timedelta(days=30))
    Institution.objects.filter(uscc=registry["a2"]).update(licence_valid_to=None)
    Institution.objects.filter(uscc=registry["b1"]).update(licence_valid_to=today + dt.timedelta(days=400))
    client = _client(make_user)
    expected = {"expiring": ["上海市黄浦区瑞金医院分院"], "none": ["黄浦区外滩街道社区卫生服务中心"],
                "valid": ["徐汇区枫林街道社区卫生服务中心"], "expired": ["上海美丽医疗美容门诊部"]}  # fmt: skip
    for state, names in expected.items():
        page = client.get("/registry/institutions/", {"licence": state}).content.decode()
        assert _names(page) == names, state
    page = client.get("/registry/institutions/").content.decode()
    assert "即将到期" in page and "已过期" in page and "未登记有效期" in page


def test_profile_summarises_a_long_staff_list_with_a_link(registry: dict[str, str], make_user: Any) -> None:
    a1 = Institution.objects.get(uscc=registry["a1"])
    people = Practitioner.objects.bulk_create(
        [Practitioner(cert_no=f"1103101010{n:05d}", name=f"测试{n:02d}", kind="nurse", name_sort=f"ce4 shi4 {n:02d}")
         for n in range(10, 40)]
    )  # fmt: skip
    Registration.objects.bulk_create(
        [Registration(practitioner=p, institution=a1, is_primary=True, valid_from=dt.date(2024, 1, 1)) for p in people]
    )
    client = _client(make_user)
    page = client.get(f"/registry/institutions/{a1.uscc}/").content.decode()
    assert "执业人员（31）" in page and page.count("/registry/practitioners/1103101010") == 20
    assert f"/registry/practitioners/?institution={a1.uscc}" in page
    staff = client.get("/registry/practitioners/", {"institution": a1.uscc, "size": "50"}).content.decode()
    assert "执业机构：上海市黄浦区瑞金医院分院" in staff and "共 31 条" in staff
    unknown = client.get("/registry/practitioners/", {"institution": "no-such"}).content.decode()
    assert "执业机构：" not in unknown  # an unknown code is no filter at all


def test_import_errors_show_beside_their_field_and_keep_the_choice(registry: dict[str, str], make_user: Any) -> None:
    client = _client(make_user, role=Role.DISTRICT_MANAGER, region="310101")
    no_file = client.post("/registry/import/", {"kind": "inspectors"}).content.decode()
    assert '<option value="inspectors" selected>' in no_file
    assert re.search(r'id="error_file">[^<]*请选择要导入的文件', no_file)
    upload = SimpleUploadedFile("x.csv", b"badge_no,name\n")
    no_kind = client.post("/registry/import/", {"kind": "", "file": upload}).content.decode()
    assert re.search(r'id="error_kind">请选择导入类型', no_kind)
    empty = client.post("/registry/import/", {"kind": "inspectors", "file": SimpleUploadedFile("e.csv", b"")})
    body = empty.content.decode()
    assert '<option value="inspectors" selected>' in body and 'id="error_file">e.csv：' in body
    assert "导入记录" in client.get("/registry/import/", {"sort": "-rejected", "rejected": "1"}).content.decode()
