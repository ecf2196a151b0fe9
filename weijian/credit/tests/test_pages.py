"""The archive page and the objection forms, as the officer and the institution use them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from weijian.core.models import Role
from weijian.credit.models import CreditGrade, Objection, PointEvent
from weijian.registry.models import Institution

pytestmark = pytest.mark.django_db


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_officer_scores_institution_objects_officer_decides(penalised: Institution, make_user: Any) -> None:
    officer = client_of(make_user("wang", role=Role.INSPECTOR))
    owner = client_of(make_user("owner", role=Role.INSTITUTION_USER, region=None, department=None, institution=penalised))
    today = dt.date.today().isoformat()
    for item in ("L07", "L08", "L03"):
        officer.post(f"/credit/institutions/{penalised.pk}/points/", {"item": item, "occurred_on": today})
    page = officer.get(f"/credit/institutions/{penalised.pk}/").content.decode()
    assert "14 分" in page and "年底暂缓校验" in page and "信用等级 C" in page
    notice = PointEvent.objects.get(item_code="L03").notice
    officer.post(f"/credit/notices/{notice.pk}/send/", {"sent_on": today})
    response = owner.post(f"/credit/notices/{notice.pk}/objection/", {"filed_on": today, "grounds": "已整改并非变更"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert owner.post(f"/credit/objections/{objection.pk}/", {"decision": "upheld", "reasons": "x" * 5,
                                                              "decided_on": today}).status_code == 200  # fmt: skip
    assert not Objection.objects.get().decision, "the institution cannot decide its own objection"
    officer.post(f"/credit/objections/{objection.pk}/", {"decision": "upheld", "reasons": "核实属实", "decided_on": today})
    assert Objection.objects.get().decision == "upheld"
    assert CreditGrade.objects.filter(institution=penalised).latest("pk").score == 34.0  # 10 + 2 × 12
    outsider = client_of(make_user("zhao", role=Role.INSPECTOR, region="310104"))
    assert outsider.get(f"/credit/institutions/{penalised.pk}/").status_code == 404
    assert "待送达记分通知书" in officer.get("/").content.decode(), "the workbench card (two notices unserved)"


def test_a_bad_date_is_named_and_nothing_is_saved(penalised: Institution, make_user: Any) -> None:
    officer = client_of(make_user("wang", role=Role.INSPECTOR))
    response = officer.post(f"/credit/institutions/{penalised.pk}/points/", {"item": "L07", "occurred_on": "2026-13-01"},
                            follow=True)  # fmt: skip
    assert "行为日期：日期格式应为 YYYY-MM-DD" in response.content.decode() and not PointEvent.objects.exists()
    listing = officer.get("/credit/", {"grade": "B"}).content.decode()
    assert penalised.name not in listing, "not graded yet"
