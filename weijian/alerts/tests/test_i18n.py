"""The alerts and risk pages in English (their catalogues are checked by weijian/core/tests/test_translations.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from weijian.alerts.loading import analytics_run_load
from weijian.alerts.models import WorkItem
from weijian.alerts.tests.runs import write_run
from weijian.core.models import Role


@pytest.mark.django_db
def test_queue_item_and_grade_in_english(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    client = Client()
    client.force_login(make_user("en", role=Role.DISTRICT_MANAGER, region="310101", department="health"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    queue = client.get("/alerts/").content.decode()
    assert "Open (" in queue and "Practice without a valid institution licence" in queue and "2 lines" in queue
    item = WorkItem.objects.get(rule_id="institution_licence", institution__uscc=registry["a1"])
    page = client.get(f"/alerts/{item.pk}/").content.decode()
    assert "Found: licence valid 2020-01-01 to 2024-12-31, status active (since 2020-01-01), visit on 2025-03-02" in page
    assert "visits.csv, row 12" in page and "Routing history" in page and "待处置" not in page
    profile = client.get(f"/registry/institutions/{registry['a1']}/").content.decode()
    assert "Grade D" in profile and "High risk" in profile and "Practice without a valid institution licence" in profile
    home = client.get("/").content.decode()
    assert "Work items awaiting disposal" in home
