"""The queue as a list: due soon / overdue, mine, sorting, chips; the item page keeps a refused disposal's input."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from weijian.alerts import selectors
from weijian.alerts.loading import analytics_run_load
from weijian.alerts.models import ItemStatus, WorkItem
from weijian.alerts.tests.runs import write_run
from weijian.analytics.registry import RULES
from weijian.core.models import Role

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 3)  # a Tuesday; five working days later is Tuesday 2025-06-10


@pytest.fixture
def items(registry: dict[str, str], tmp_path: Path) -> list[WorkItem]:
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    found = list(WorkItem.objects.filter(department__code="health", region__code="310101", status=ItemStatus.OPEN)
                 .order_by("pk"))  # fmt: skip
    assert len(found) >= 2
    return found


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _links(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<a href="/alerts/(\d+)/">', html)]


def test_due_soon_overdue_and_mine(items: list[WorkItem], make_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors.timezone, "localdate", lambda: TODAY)
    assert selectors.due_soon_until(TODAY) == dt.date(2025, 6, 10)
    soon, later = items[0], items[1]
    WorkItem.objects.filter(pk=soon.pk).update(deadline=dt.date(2025, 6, 10), due_date=None)
    WorkItem.objects.filter(pk=later.pk).update(deadline=dt.date(2025, 6, 11), due_date=None)
    late = items[2] if len(items) > 2 else None
    if late is not None:
        WorkItem.objects.filter(pk=late.pk).update(deadline=dt.date(2025, 6, 2), due_date=None)
    manager = make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health")
    client = _client(manager)
    page = client.get("/alerts/", {"due": "soon"}).content.decode()
    assert _links(page) == [soon.pk] and "期限：即将到期" in page
    overdue = _links(client.get("/alerts/", {"due": "overdue", "view": "all"}).content.decode())
    assert overdue == ([late.pk] if late else []) == _links(client.get("/alerts/", {"overdue": "1", "view": "all"})
                                                          .content.decode())  # fmt: skip
    WorkItem.objects.filter(pk=later.pk).update(assignee=manager)
    assert _links(client.get("/alerts/", {"assignee": "me"}).content.decode()) == [later.pk]
    for query in ({"due": "someday"}, {"sort": "drop table"}, {"size": "0"}, {"assignee": "you"}):
        response = client.get("/alerts/", query)
        assert response.status_code == 200 and sorted(_links(response.content.decode())) == sorted(i.pk for i in items)


def test_queue_sorts_and_keeps_the_tab(items: list[WorkItem], make_user: Any) -> None:
    client = _client(make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health"))
    WorkItem.objects.filter(pk=items[0].pk).update(line_count=999)
    assert _links(client.get("/alerts/", {"sort": "lines", "view": "all"}).content.decode())[0] == items[0].pk
    page = client.get("/alerts/", {"sort": "lines", "view": "all", "severity": "high"}).content.decode()
    assert 'name="view" value="all"' in page  # the tab stays when filtering
    assert re.search(r'href="\?view=all&amp;sort=lines"[^>]*>.*严重程度：', page, re.S)  # the chip clears the filter
    absent = next(r for r in RULES if r not in {i.rule_id for i in items})
    none = client.get("/alerts/", {"rule": absent}).content.decode()  # a rule without items here filters to none
    assert _links(none) == [] and "规则：" in none


def test_a_refused_disposal_keeps_the_choice_beside_its_error(items: list[WorkItem], make_user: Any) -> None:
    client = _client(make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health"))
    item = items[0]
    response = client.post(f"/alerts/{item.pk}/", {"action": "dispose", "status": "dismissed", "reason": "短",
                                                    "due_date": "2030-01-02"})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and WorkItem.objects.get(pk=item.pk).status == ItemStatus.OPEN
    assert re.search(r'value="dismissed" required checked', page)
    assert re.search(r'<textarea id="dispose_reason"[^>]*aria-invalid="true"[^>]*>短</textarea>', page)
    assert re.search(r'id="dispose_reason_error">处置说明：排除预警必须填写理由', page)
    assert 'value="2030-01-02"' in page and 'class="messages"' not in page
    bad_date = client.post(f"/alerts/{item.pk}/", {"action": "dispose", "status": "clue", "due_date": "明天"})
    assert re.search(r'id="dispose_due_error">结果期限：日期格式应为 YYYY-MM-DD', bad_date.content.decode())
