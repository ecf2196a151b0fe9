"""The workbench: each role lands on what it has to do, every card counts through the scope and links to the
filtered list it counts; apps add cards through the registry without touching the page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from weijian.alerts import services
from weijian.alerts.loading import analytics_run_load
from weijian.alerts.models import WorkItem
from weijian.alerts.tests.runs import write_run
from weijian.core import workbench
from weijian.core.models import Role
from weijian.core.workbench import Card, Group
from weijian.registry.models import ImportBatch, Institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(registry: dict[str, str], tmp_path: Path) -> dict[str, str]:
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    return registry


def _page(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _cards(html: str) -> dict[str, str]:
    """data-card key → the card's HTML."""
    return dict(re.findall(r'<div class="card stat wb-card[^"]*" data-card="([^"]+)">(.*?)\n    </div>', html, re.S))


def _count(card: str) -> int | None:
    found = re.search(r"<b>([\d,]+)</b>", card)
    return int(found.group(1).replace(",", "")) if found else None


@pytest.mark.usefixtures("calendar_ahead")  # its deadlines are counted from today
def test_manager_and_inspector_see_different_workbenches(loaded: dict[str, str], make_user: Any) -> None:
    manager = make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health")
    wang = make_user("wang", role=Role.INSPECTOR, region="310101", department="health", first_name="王强")
    today = timezone.localdate()
    items = list(WorkItem.objects.filter(region__code="310101", department__code="health").order_by("pk"))
    services.work_item_assign(actor=manager, item_id=items[0].pk, assignee_id=wang.pk, due_date=today + dt.timedelta(days=1))
    WorkItem.objects.filter(pk=items[1].pk).update(due_date=today - dt.timedelta(days=3))  # late

    cards = _cards(_page(manager))
    assert _count(cards["alerts.open"]) == len(items) and 'href="/alerts/"' in cards["alerts.open"]
    assert _count(cards["alerts.overdue"]) == 1 and 'href="/alerts/?due=overdue"' in cards["alerts.overdue"]
    assert _count(cards["alerts.due_soon"]) >= 1 and 'href="/alerts/?due=soon"' in cards["alerts.due_soon"]
    assert _count(cards["alerts.mine"]) == 0 and "目前没有指派给您的预警工作项" in cards["alerts.mine"]
    assert _count(cards["risk.grade_d"]) == 1 and 'href="/registry/institutions/?grade=D"' in cards["risk.grade_d"]
    assert '?licence=expiring"' in cards["registry.licence_expiring"] and '?licence=expired"' in cards["registry.licence_expired"]
    assert "registry.import_rejects" in cards and "core.back_office" not in cards

    page = _page(wang)
    assert "王强，您好" in page
    mine = _cards(page)
    assert _count(mine["alerts.mine"]) == 1 and 'href="/alerts/?assignee=me"' in mine["alerts.mine"]
    assert f'href="/alerts/{items[0].pk}/"' in mine["alerts.mine"], "the inspector's queue lists the item itself"
    assert 'href="/alerts/?assignee=me&amp;due=soon"' in mine["alerts.due_soon"] and _count(mine["alerts.due_soon"]) == 1
    assert _count(mine["alerts.overdue"]) == 0, "the late item is not the inspector's"
    assert "alerts.open" not in mine and "registry.import_rejects" not in mine
    order = re.findall(r'<section class="wb-section" id="wb-(\w+)"', page)
    assert order[0] == Group.TASKS


def test_partner_department_gets_an_inbox(loaded: dict[str, str], make_user: Any) -> None:
    market = make_user("mk", role=Role.PARTNER_OFFICER, region="310000", department="market")
    page = _page(market)
    cards = _cards(page)
    assert re.findall(r'id="wb-(\w+)"', page)[0] == Group.INBOX
    assert _count(cards["alerts.inbox"]) == 0 and "将出现在这里" in cards["alerts.inbox"]
    assert "registry.licence_expiring" not in cards and "risk.grade_d" not in cards
    insurance = make_user("ib", role=Role.PARTNER_OFFICER, region="310104", department="insurance")
    assert _count(_cards(_page(insurance))["alerts.inbox"]) >= 1


def test_institution_sees_its_own_profile_grade_and_licence(loaded: dict[str, str], make_user: Any) -> None:
    a1 = Institution.objects.get(uscc=loaded["a1"])
    user = make_user("inst", role=Role.INSTITUTION_USER, region=None, department=None, institution=a1)
    page = _page(user)
    cards = _cards(page)
    assert re.findall(r'id="wb-(\w+)"', page)[0] == Group.OWN
    assert a1.name in cards["registry.own_profile"] and f"/registry/institutions/{a1.uscc}/" in cards["registry.own_profile"]
    assert "D 级" in cards["risk.own_grade"]
    assert "业务数据风险分析" in cards["risk.own_grade"], "alerts about it are one line (grade_for_reader)"
    assert "无证" not in cards["risk.own_grade"], "no rule name reaches the institution"
    assert "抗菌药物使用强度" in cards["alerts.indicators"]
    assert "alerts.about_me" not in cards, "no work item about it is shown to it"
    Institution.objects.filter(pk=a1.pk).update(licence_valid_to=timezone.localdate() + dt.timedelta(days=30))
    assert "执业许可证即将到期" in _page(user)
    assert "您的权限范围内暂无机构" not in page


def test_public_and_administrators(registry: dict[str, str], make_user: Any) -> None:
    public = _cards(_page(make_user("pub", role=Role.PUBLIC, region=None, department=None)))
    assert list(public) == ["core.portal"] and 'href="/portal/"' in public["core.portal"]
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        cards = _cards(_page(make_user(f"a-{role}", role=role, region=None, department=None, is_staff=True)))
        assert list(cards) == ["core.back_office"] and 'href="/admin/"' in cards["core.back_office"], role
    city = _cards(_page(make_user("city", role=Role.CITY_ADMIN, region="310000", is_staff=True)))
    assert 'href="/admin/"' in city["core.back_office"] and "alerts.triage" in city


def test_import_card_lists_batches_with_rejects(registry: dict[str, str], make_user: Any) -> None:
    manager = make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health")
    ImportBatch.objects.create(kind="institutions", filename="good.csv", sha256="x", region_code="310101",
                               department_code="health", rows=3, created=3)  # fmt: skip
    bad = ImportBatch.objects.create(kind="institutions", filename="bad.csv", sha256="y", region_code="310101",
                                     department_code="health", rows=3, created=1, rejected=2)  # fmt: skip
    card = _cards(_page(manager))["registry.import_rejects"]
    assert _count(card) == 1 and f"/registry/import/{bad.pk}/" in card and "good.csv" not in card


def test_apps_add_cards_through_the_registry(make_user: Any) -> None:
    def extra(user: Any) -> Card:
        return Card(key="inspections.today", title="今日检查任务", count=2, url="/x/", group="field", rank=1)

    workbench.provider(extra)
    try:
        user = make_user("insp", role=Role.INSPECTOR, region="310101", department="health")
        sections = workbench.workbench_sections(user, Role.INSPECTOR)
        assert sections[-1].group == "field" and sections[-1].cards[0].key == "inspections.today"
        assert "今日检查任务" in _page(user)
    finally:
        workbench._PROVIDERS.pop(f"{extra.__module__}.{extra.__qualname__}")


def test_users_are_shown_by_name(make_user: Any) -> None:
    from weijian.core.people import person_name

    zhang = make_user("zw", role=Role.INSPECTOR, first_name="伟", last_name="张")
    page = _page(zhang)
    assert "<span>张伟 · 监督员" in page and "张伟，您好" in page
    assert person_name(make_user("jd", first_name="Jane", last_name="Doe")) == "Jane Doe"
    assert person_name(make_user("nobody")) == "nobody"
