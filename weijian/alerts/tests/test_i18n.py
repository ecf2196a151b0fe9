"""The alerts and risk pages in English: their own catalogues are complete and compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from weijian.alerts.loading import analytics_run_load
from weijian.alerts.models import WorkItem
from weijian.alerts.tests.runs import write_run
from weijian.core.models import Role
from weijian.core.tests.test_i18n import _po_entries

APPS = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("app", ["alerts", "risk"])
def test_app_catalogue_is_complete_and_compiled(app: str) -> None:
    folder = APPS / app / "locale" / "en" / "LC_MESSAGES"
    po_ids, flags = _po_entries(folder / "django.po")
    assert po_ids and not [f for f in flags if "fuzzy" in f]
    with (folder / "django.mo").open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    assert {k[0] if isinstance(k, tuple) else k for k in catalogue} - {""} == po_ids, "run msgfmt"
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert not [k for k, v in catalogue.items() if k and (not v or cjk.search(v))]


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
