"""A real analytics run over generated activity, loaded: every page of every item renders for every role that
sees it, institution users see none, and every evidence key the rules really emit has a label."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.test import Client

from weijian.alerts.evidence import Presenter
from weijian.alerts.loading import analytics_run_load
from weijian.alerts.models import WorkItem
from weijian.alerts.selectors import item_queue
from weijian.analytics.runner import RunOptions, run
from weijian.core.models import Role
from weijian.sim import city
from weijian.sim.activity import generate

# Pages over generated data, like the page sweep: on one database (SQLite) only.
pytestmark = pytest.mark.pages

START, END = dt.date(2025, 1, 1), dt.date(2025, 1, 31)
TINY = city.Preset(districts=("310101", "310104"), institutions=40, practitioners=500, inspectors=6,
                   streets_per_district=(2, 3))  # fmt: skip


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    registry = tmp_path_factory.mktemp("registry")
    city.write_tables(city.generate(TINY, seed=5), registry)
    activity = tmp_path_factory.mktemp("activity")
    generate(registry, activity, months=1, rate=0.03, seed=5, start=START)
    out = tmp_path_factory.mktemp("out")
    result = run(RunOptions(activity, START, END, out))
    assert not result.failed
    return registry, out


def test_every_evidence_key_really_emitted_has_a_label(generated: tuple[Path, Path]) -> None:
    _, out = generated
    rows = pq.read_table(out / "alerts.parquet").to_pylist()
    presenter = Presenter()
    unlabelled = {(r["rule_id"], k) for r in rows for k in json.loads(r["evidence"])
                  if presenter.key_spec(r["rule_id"], k) is None}  # fmt: skip
    assert not unlabelled
    assert len({r["rule_id"] for r in rows}) >= 14
    assert all(presenter.found(r["rule_id"], json.loads(r["evidence"]), r["value"], r["threshold"]) for r in rows)


@pytest.mark.django_db
def test_queue_and_every_item_page_render_for_each_role(generated: tuple[Path, Path], make_user: Any) -> None:
    from weijian.registry.loading import load_registry
    from weijian.registry.models import Institution

    registry, out = generated
    load_registry(registry, actor="t")
    result = analytics_run_load(folder=out, actor="t")
    assert result.items_created > 0 and result.items_in_triage == 0
    assert result.items_created < result.alerts_created  # lines are grouped
    institution = Institution.objects.filter(work_items__isnull=False).first()
    users = [
        make_user("city", role=Role.CITY_ADMIN, region="310000", department="health"),
        make_user("dm", role=Role.DISTRICT_MANAGER, region="310101", department="health"),
        make_user("insp", role=Role.INSPECTOR, region="310104", department="health"),
        make_user("ins", role=Role.PARTNER_OFFICER, region="310000", department="insurance"),
        make_user("eco", role=Role.PARTNER_OFFICER, region="310000", department="eco"),
    ]
    seen: set[int] = set()
    for user in users:
        client = Client()
        client.force_login(user)
        for view in ("open", "mine", "referred", "closed", "triage", "all"):
            assert client.get("/alerts/", {"view": view}).status_code == 200, (user.username, view)
        ids = list(item_queue(user, view="all").values_list("pk", flat=True))
        assert ids, user.username
        for pk in ids:
            assert client.get(f"/alerts/{pk}/").status_code == 200, (user.username, pk)
        seen |= set(ids)
    assert seen == set(WorkItem.objects.values_list("pk", flat=True))
    own = make_user("inst", role=Role.INSTITUTION_USER, region=None, department=None, institution=institution)
    client = Client()
    client.force_login(own)
    assert client.get("/alerts/").status_code == 200
    assert all(client.get(f"/alerts/{i.pk}/").status_code == 404 for i in WorkItem.objects.filter(institution=institution))
    assert client.get(f"/registry/institutions/{institution.uscc}/").status_code == 200
