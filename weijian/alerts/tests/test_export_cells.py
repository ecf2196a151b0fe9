"""The alert-queue export writes what a user typed (a dismissal reason, a name) as text, never as a formula."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from weijian.alerts.models import Alert
from weijian.alerts.services import analytics_run_load
from weijian.alerts.tests.test_alerts import write_run
from weijian.core.models import Role
from weijian.core.tests.xlsx_checks import INJECTIONS, formula_free_rows
from weijian.registry.models import Institution

pytestmark = pytest.mark.django_db


def test_queue_export_writes_reasons_and_names_as_text(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    Alert.objects.filter(subject_id="V1").update(disposition_reason=INJECTIONS[0], disposed_by=INJECTIONS[2])
    Institution.objects.filter(uscc=registry["a1"]).update(name=INJECTIONS[3])
    client = Client()
    client.force_login(make_user("ha", role=Role.INSPECTOR, region="310101", department="health"))
    header, *body = formula_free_rows(client.get("/alerts/", {"format": "xlsx", "status": "all"}).content)
    v1 = next(r for r in body if r[header.index("对象")] == "V1")
    assert v1[header.index("处置说明")] == INJECTIONS[0] and v1[header.index("处置人")] == INJECTIONS[2]
    assert v1[header.index("机构")] == INJECTIONS[3]
    values = sorted(r[header.index("数值")] for r in body if r[header.index("数值")] is not None)
    assert values == [52, 80]  # numbers stay numbers (not text)
