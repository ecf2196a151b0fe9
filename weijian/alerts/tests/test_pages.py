"""The queue, the item page, exports, panels and the read-only admin — each within the user's scope."""

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from weijian.alerts import services
from weijian.alerts.loading import analytics_run_load
from weijian.alerts.models import Alert, ItemStatus, WorkItem
from weijian.alerts.tests.runs import DOCTOR, write_run
from weijian.core.access_log import access_verify
from weijian.core.models import AccessEvent, AuditEvent, Role

pytestmark = pytest.mark.django_db
TOMORROW = dt.date.today() + dt.timedelta(days=1)


@pytest.fixture
def loaded(registry: dict[str, str], tmp_path: Path) -> dict[str, str]:
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    return registry


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _cells(html: str) -> set[str]:
    return {re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)}


def test_queue_is_per_department_and_district(loaded: dict[str, str], make_user: Any) -> None:
    health_a = _client(make_user("ha", role=Role.INSPECTOR, region="310101", department="health"))
    cells = _cells(health_a.get("/alerts/").content.decode())
    assert {"上海市黄浦区瑞金医院分院", "91310101MA00000000", "2 条120.50 元"} <= cells
    assert "徐汇区枫林街道社区卫生服务中心" not in cells  # its duplicate charge is 医保's, in 徐汇
    insurance_b = _client(make_user("ib", role=Role.PARTNER_OFFICER, region="310104", department="insurance"))
    page_b = insurance_b.get("/alerts/").content.decode()
    assert "徐汇区枫林街道社区卫生服务中心" in _cells(page_b) and "上海市黄浦区瑞金医院分院" not in _cells(page_b)
    licence = WorkItem.objects.get(rule_id="institution_licence", institution__uscc=loaded["a1"])
    assert insurance_b.get(f"/alerts/{licence.pk}/").status_code == 404
    assert insurance_b.get(f"/alerts/{licence.pk}/lines.xlsx").status_code == 404
    eco = _client(make_user("eco", role=Role.PARTNER_OFFICER, region="310000", department="eco"))
    assert [r for r in _cells(eco.get("/alerts/").content.decode()) if "医疗废物" in r] == ["医疗废物流失/去向不明"]


def test_institution_user_never_sees_the_items_about_it(loaded: dict[str, str], make_user: Any) -> None:
    from weijian.registry.models import Institution

    own = Institution.objects.get(uscc=loaded["a1"])
    client = _client(make_user("inst", role=Role.INSTITUTION_USER, region=None, department=None, institution=own))
    for item in WorkItem.objects.filter(institution=own):
        assert client.get(f"/alerts/{item.pk}/").status_code == 404
    assert "上海市黄浦区瑞金医院分院" not in _cells(client.get("/alerts/").content.decode())
    profile = client.get(f"/registry/institutions/{loaded['a1']}/").content.decode()
    # the page's words, not its markup: the CSRF token is random letters and digits and may hold "V1"
    words = re.sub(r"<[^>]+>", " ", profile)
    assert "D 级" in words and "预警工作项" not in words and "V1" not in words
    assert "2025-12" in profile  # its own indicators


def test_item_page_reads_in_plain_words(loaded: dict[str, str], make_user: Any) -> None:
    client = _client(make_user("ha", role=Role.INSPECTOR, region="310101", department="health"))
    item = WorkItem.objects.get(rule_id="institution_licence", institution__uscc=loaded["a1"])
    page = client.get(f"/alerts/{item.pk}/").content.decode()
    assert "应" in page and "就诊日医疗机构执业许可证在有效期内，且机构未停业、吊销或注销" in page
    assert "实：许可证有效期 2020-01-01 至 2024-12-31，机构状态 正常执业（自 2020-01-01），就诊日 2025-03-02" in page
    assert "visits.csv 第 12 行" in page and "120.50 元" in page and "医疗机构管理条例" in page
    assert "institution_known" not in page and "True" not in _cells(page)
    assert "alert_routing.yaml" in page and "alert_disposal.yaml" in page  # the rules it used, in small print
    waste = WorkItem.objects.get(rule_id="waste_weight_gap")
    city = _client(make_user("city", role=Role.CITY_ADMIN, region="310000", department="health"))
    waste_page = city.get(f"/alerts/{waste.pk}/").content.decode()
    assert "联单 M1 申报 10.00 kg，接收 8.00 kg" in waste_page and "未定义字段“colour_of_bags”" in waste_page
    assert "0.80" in waste_page and "阈值 0.95" in waste_page


def test_patient_ids_unmasked_only_for_the_assignee_and_the_district_manager(loaded: dict[str, str],
                                                                             make_user: Any) -> None:  # fmt: skip
    item = WorkItem.objects.get(rule_id="post_death_charge")
    manager = make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="insurance")
    officer = make_user("ins", role=Role.PARTNER_OFFICER, region="310101", department="insurance")
    inspector = make_user("ii", role=Role.INSPECTOR, region="310101", department="insurance", first_name="吴敏")
    city = make_user("city", role=Role.CITY_ADMIN, region="310000", department="health")
    raw, masked = "P0000123456", "P********56"
    for user in (officer, inspector, city):
        page = _client(user).get(f"/alerts/{item.pk}/").content.decode()
        assert raw not in page and masked in page and "已脱敏" in page, user.username
    assert raw in _client(manager).get(f"/alerts/{item.pk}/").content.decode()
    services.work_item_assign(actor=manager, item_id=item.pk, assignee_id=inspector.pk, due_date=TOMORROW)
    mine = _client(inspector)
    assert raw in mine.get(f"/alerts/{item.pk}/").content.decode()
    assert "吴敏" in _cells(mine.get("/alerts/?view=mine").content.decode())
    rows = list(load_workbook(io.BytesIO(_client(officer).get(f"/alerts/{item.pk}/lines.xlsx").content)).active.values)[1:]
    assert rows[0][0] == "对象类型" and masked in rows[1][4] and raw not in str(rows)
    rows = list(load_workbook(io.BytesIO(mine.get(f"/alerts/{item.pk}/lines.xlsx").content)).active.values)[1:]
    assert raw in rows[1][4]
    assert AuditEvent.objects.filter(action="alerts.item.lines_export").count() == 2
    seen = AccessEvent.objects.filter(action="alerts.item.detail", object_id=str(item.pk))  # the access log
    assert sorted(seen.values_list("actor", flat=True)) == ["dm", "ii"]  # only the unmasked views
    assert access_verify().ok and all(e.seq and e.data["fields"] for e in seen)
    assert list(AccessEvent.objects.filter(action="alerts.item.lines_export").values_list("actor", flat=True)) == ["ii"]


def test_every_line_downloads_and_pages(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    rows = [("duplicate_charge", "charge", f"C{n:03d}", registry["b1"], 10.0, None, "medium",
             {"line_id": f"C{n:03d}", "date": f"2025-03-{1 + n % 28:02d}", "amount": 10.0}) for n in range(45)]
    analytics_run_load(folder=write_run(tmp_path / "out", registry, rows=rows), actor="t")
    item = WorkItem.objects.get()
    assert item.line_count == 45 and str(item.amount) == "450.00"
    client = _client(make_user("ib", role=Role.PARTNER_OFFICER, region="310104", department="insurance"))
    first = client.get(f"/alerts/{item.pk}/").content.decode()
    third = client.get(f"/alerts/{item.pk}/?page=3").content.decode()
    assert first.count("收费明细</small>") == 20 and third.count("收费明细</small>") == 5 and "第 1/3 页" in first
    sheet = load_workbook(io.BytesIO(client.get(f"/alerts/{item.pk}/lines.xlsx").content)).active
    assert sheet.max_row == 47 and sorted(r[1] for r in list(sheet.values)[2:]) == [f"C{n:03d}" for n in range(45)]


def test_bulk_disposal_from_the_queue(loaded: dict[str, str], make_user: Any) -> None:
    manager = make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health")
    client = _client(manager)
    ids = list(WorkItem.objects.filter(department__code="health", region__code="310101").values_list("pk", flat=True))
    page = client.get("/alerts/").content.decode()
    assert all(f'name="items" value="{pk}"' in page for pk in ids)
    response = client.post("/alerts/", {"items": ids, "status": "inspection", "reason": "", "back": "?view=open"})
    assert response.status_code == 302 and response["Location"] == "/alerts/?view=open"
    assert set(WorkItem.objects.filter(pk__in=ids).values_list("status", flat=True)) == {ItemStatus.INSPECTION}
    assert AuditEvent.objects.filter(action="alerts.item.inspection").count() == len(ids)
    referred = _cells(client.get("/alerts/?view=referred").content.decode())
    assert "转定向检查 · 待查处结果" in referred
    bad = client.post("/alerts/", {"items": ids, "status": "dismissed", "reason": "误报误报"}, follow=True)
    assert "批量处置未执行" in bad.content.decode()


def test_item_actions_through_the_page(loaded: dict[str, str], make_user: Any) -> None:
    manager = make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health")
    wang = make_user("wang", role=Role.INSPECTOR, region="310101", department="health", first_name="王强")
    client = _client(manager)
    item = WorkItem.objects.get(rule_id="institution_licence", institution__uscc=loaded["a1"])
    page = client.get(f"/alerts/{item.pk}/").content.decode()
    assert f'<option value="{wang.pk}">王强</option>' in page and ">wang<" not in page
    client.post(f"/alerts/{item.pk}/", {"action": "assign", "assignee": wang.pk, "due_date": TOMORROW.isoformat()})
    bad = client.post(f"/alerts/{item.pk}/", {"action": "assign", "assignee": wang.pk, "due_date": "明天"}, follow=True)
    assert "承办期限：日期格式应为 YYYY-MM-DD" in bad.content.decode()
    client.post(f"/alerts/{item.pk}/", {"action": "dispose", "status": "clue", "reason": "立案"})
    page = client.get(f"/alerts/{item.pk}/").content.decode()
    assert "王强" in page and "待登记" in page and 'id="outcome"' in page
    client.post(f"/alerts/{item.pk}/", {"action": "outcome", "outcome": "unfounded", "note": "许可证已延续，系登记滞后"})
    item.refresh_from_db()
    assert item.outcome == "unfounded" and item.finished
    assert "转为案源线索 · 未查实" in _cells(client.get("/alerts/?view=closed").content.decode())


def test_queue_export_is_audited_and_scoped(loaded: dict[str, str], make_user: Any) -> None:
    client = _client(make_user("ha", role=Role.INSPECTOR, region="310101", department="health"))
    response = client.get("/alerts/", {"format": "xlsx", "view": "all"})
    line, *rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "视图=全部" in line[0] and "筛选：" in line[0]
    assert rows[0][0] == "规则" and rows[0][7] == "预警条数"
    assert sorted(r[0] for r in rows[1:]) == sorted(["无证/超期/停业期间执业", "无证/超期/停业期间执业", "抗菌药物使用强度超标",
                                                   "临床用药超常"])  # fmt: skip
    assert AuditEvent.objects.filter(action="alerts.export").count() == 1


def test_profiles_show_items_and_practitioner_lines(loaded: dict[str, str], make_user: Any) -> None:
    client = _client(make_user("ha", role=Role.INSPECTOR, region="310101", department="health"))
    page = client.get(f"/registry/institutions/{loaded['a1']}/").content.decode()
    assert "预警工作项" in page and "D 级" in page and "echarts.min.js" in page and "2025-12" in page
    person = client.get(f"/registry/practitioners/{DOCTOR}/").content.decode()
    line = Alert.objects.get(rule_id="prescribing_outlier")
    assert f"{DOCTOR}|J01CA04|2025-01" in person and f"/alerts/{line.item_id}/" in person


def test_home_shows_item_counts(loaded: dict[str, str], make_user: Any) -> None:
    manager = make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health")
    wang = make_user("wang", role=Role.INSPECTOR, region="310101", department="health")
    item = WorkItem.objects.get(rule_id="institution_licence", institution__uscc=loaded["a1"])
    services.work_item_assign(actor=manager, item_id=item.pk, assignee_id=wang.pk, due_date=TOMORROW)
    home = _client(manager).get("/").content.decode()
    assert re.search(r"<b>4</b><span>待处置预警工作项</span>", home)
    assert re.search(r"<b>1</b><span>我的工作项</span>", _client(wang).get("/").content.decode())


def test_admin_is_read_only(loaded: dict[str, str], make_user: Any) -> None:
    from weijian.core.roles import role_groups_sync

    city = make_user("city_office", role=Role.CITY_ADMIN, region="310000", is_staff=True)
    city.groups.set([role_groups_sync()[Role.CITY_ADMIN]])
    admin_client = _client(city)
    item = WorkItem.objects.first()
    assert admin_client.get("/admin/alerts/workitem/").status_code == 200
    view = admin_client.get(f"/admin/alerts/workitem/{item.pk}/change/")
    assert view.status_code == 200 and 'name="status"' not in view.content.decode()
    admin_client.post(f"/admin/alerts/workitem/{item.pk}/change/", {"status": "dismissed", "disposed_by": ""})
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    assert admin_client.get("/admin/alerts/workitem/add/").status_code == 403
    assert admin_client.get(f"/admin/alerts/workitem/{item.pk}/delete/").status_code == 403
    assert admin_client.get(f"/admin/alerts/alert/{Alert.objects.first().pk}/delete/").status_code == 403
    assert admin_client.get("/admin/risk/analyticsscore/").status_code == 200


def test_item_page_prints_the_rules_it_used(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    from weijian.alerts.tests.runs import report

    versions = [{"value": 40.0, "effective_from": "2012-08-01", "basis": "卫生部令第84号", "file": "a.yaml"},
                {"value": 35.0, "effective_from": "2025-07-01", "basis": "本市2025年目标", "file": "a.yaml"}]  # fmt: skip
    data = report([{"id": "antimicrobial_intensity", "params": {"threshold": versions}}], rules_data={"hash": "e" * 64})
    analytics_run_load(folder=write_run(tmp_path / "out", registry, report_json=data), actor="t")
    item = WorkItem.objects.get(rule_id="antimicrobial_intensity")
    page = _client(make_user("ha", role=Role.INSPECTOR, region="310101", department="health")).get(f"/alerts/{item.pk}/")
    small = page.content.decode().split('id="rules-used"')[1]
    assert "参数 threshold = 40.0（自 2012-08-01 起，卫生部令第84号，a.yaml）" in small
    assert "参数 threshold = 35.0（自 2025-07-01 起，本市2025年目标，a.yaml）" in small
    assert "分析规则数据 sha256 eeeeeeeeeeee" in small and "routes.antimicrobial_intensity.duty" in small
