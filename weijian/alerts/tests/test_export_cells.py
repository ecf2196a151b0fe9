"""The work-item exports write what a user typed (a dismissal reason, a name) as text, never as a formula."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from weijian.alerts.models import WorkItem
from weijian.alerts.services import analytics_run_load
from weijian.alerts.tests.runs import write_run
from weijian.core.models import Role
from weijian.core.tests.xlsx_checks import INJECTIONS, document_rows
from weijian.registry.models import Institution

pytestmark = pytest.mark.django_db


def test_queue_and_line_exports_write_reasons_and_names_as_text(registry: dict[str, str], tmp_path: Path,
                                                                make_user: Any) -> None:  # fmt: skip
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    item = WorkItem.objects.get(rule_id="institution_licence", institution__uscc=registry["a1"])
    WorkItem.objects.filter(pk=item.pk).update(status="dismissed", disposition_reason=INJECTIONS[0])
    Institution.objects.filter(uscc=registry["a1"]).update(name=INJECTIONS[3])
    client = Client()
    client.force_login(make_user("ha", role=Role.INSPECTOR, region="310101", department="health"))
    header, *body = document_rows(client.get("/alerts/", {"format": "xlsx", "view": "all"}).content)
    row = next(r for r in body if r[header.index("规则")] == item.rule_name and r[header.index("处置说明")])
    assert row[header.index("处置说明")] == INJECTIONS[0]
    assert row[header.index("机构")] == INJECTIONS[3]
    assert all(isinstance(r[header.index("预警条数")], int) for r in body)  # numbers stay numbers (not text)
    lines_header, *lines = document_rows(client.get(f"/alerts/{item.pk}/lines.xlsx").content)
    assert len(lines) == item.line_count and "对象" in lines_header
