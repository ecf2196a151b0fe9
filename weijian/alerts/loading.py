"""``weijian analytics load OUT``: an analytics run's output into the platform.

Each alert row becomes a line of evidence, attached to the work item of its rule × institution ×
analysed period (created on first sight: routed by ``rules/data/alert_routing.yaml`` as of the period's
first day, with its disposal deadline counted from the day it reaches its queue). Indicators go onto the
profiles, and the analytics scores (``risk.parquet``) to ``weijian.risk`` as the analytics component of
the platform grade.

Idempotent: a run is recognised by the hash of its alerts file and a line by (rule, subject, period),
so loading the same output twice creates nothing new; a later run of the same period adds its new lines
to the existing items.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.alerts import grouping, routing
from weijian.alerts.models import Alert, AnalyticsRun, Indicator, WorkItem
from weijian.alerts.services import start_clock
from weijian.analytics.registry import RULES
from weijian.core.audit import audit_record
from weijian.core.models import Department, Region
from weijian.registry.models import Institution, Practitioner


@dataclass
class LoadResult:
    run: AnalyticsRun
    created_run: bool
    alerts_created: int
    alerts_existing: int
    items_created: int
    items_in_triage: int
    indicators: int
    grades: int
    unknown_institutions: int
    without_region: int = 0


def _read(folder: Path, name: str) -> list[dict[str, Any]]:
    path = folder / f"{name}.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


def _report(folder: Path) -> dict[str, Any]:
    path = folder / "report.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _engine(report: dict[str, Any]) -> str:
    engine = report.get("engine", "")
    return str(engine.get("name", "") if isinstance(engine, dict) else engine)[:40]


def _period(report: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[dt.date, dt.date]:
    period = report.get("period") or {}
    start = dt.date.fromisoformat(period["start"]) if period.get("start") else None
    end = dt.date.fromisoformat(period["end"]) if period.get("end") else None
    today = timezone.localdate()
    return (
        start or min((r["period_start"] for r in rows), default=today),
        end or max((r["period_end"] for r in rows), default=today),
    )


class _Regions:
    """Region of an item: the institution's district; else the most precise region its code names."""

    def __init__(self) -> None:
        self.by_code = dict(Region.objects.values_list("code", "pk"))

    def for_code(self, code: str) -> int | None:
        admin = code[2:8] if len(code) == 18 else ""
        if not admin.isdigit():
            return None
        for candidate in (admin, admin[:4] + "00", admin[:2] + "0000"):
            if candidate in self.by_code:
                return self.by_code[candidate]
        return None


def _analytics_record(report: dict[str, Any], rule_id: str, run: AnalyticsRun) -> dict[str, Any]:
    """The analytics rule's parameters as the run used them (``report.json`` → ``rules_run``), and the rules hash."""
    entry = next((r for r in report.get("rules_run") or [] if isinstance(r, dict) and r.get("id") == rule_id), {})
    record: dict[str, Any] = {"run": run.pk, "rule_id": rule_id, "params": entry.get("params") or {}}
    if isinstance(report.get("rules_data"), dict):
        record["rules_data"] = report["rules_data"]
    return record


def _new_item(row: dict[str, Any], *, run: AnalyticsRun, report: dict[str, Any], institution: tuple[int, int] | None,
              regions: _Regions, departments: dict[str, int], now: dt.datetime) -> WorkItem:
    rule = RULES.get(row["rule_id"])
    code = (row.get("institution_id") or "").strip()
    route = routing.route(row["rule_id"], row["period_start"])
    department = departments.get(route.department) if route.department else None
    routing_json = {**route.as_json(), "at": now.isoformat()}
    if route.department and department is None:
        routing_json["reason"] = _("alert_routing.yaml 指定的部门 %(department)s 不在部门表中") % {
            "department": route.department}
    item = WorkItem(
        rule_id=row["rule_id"], rule_name=rule.name_zh if rule else row["rule_id"], severity=row["severity"],
        group_key=grouping.group_key(row), institution_id=institution[0] if institution else None,
        institution_code=code[:18], region_id=institution[1] if institution else regions.for_code(code),
        department_id=department, period_start=row["period_start"], period_end=row["period_end"], first_run=run,
        routing=routing_json, rules={"analytics": _analytics_record(report, row["rule_id"], run)},
    )  # fmt: skip
    if department is not None:
        start_clock(item, now)
    return item


@transaction.atomic
def analytics_run_load(*, folder: Path, actor: Any) -> LoadResult:
    """Put a run's alerts (as lines of work items), indicators and analytics scores into the platform."""
    from weijian.risk.services import analytics_scores_load

    alerts_path = folder / "alerts.parquet"
    if not alerts_path.exists():
        raise FileNotFoundError(_("%(folder)s 中没有 alerts.parquet（请先运行 weijian analytics run）") % {"folder": folder})
    fingerprint = hashlib.sha256(alerts_path.read_bytes()).hexdigest()
    report = _report(folder)
    rows = _read(folder, "alerts")
    period_start, period_end = _period(report, rows)
    run, created_run = AnalyticsRun.objects.get_or_create(
        fingerprint=fingerprint,
        defaults={"source": str(folder)[:500], "period_start": period_start, "period_end": period_end,
                  "engine": _engine(report), "report": report, "loaded_by": getattr(actor, "username", str(actor))},
    )  # fmt: skip
    institutions = {uscc: (pk, district) for uscc, pk, district in Institution.objects.values_list("uscc", "pk", "district_id")}
    practitioners = dict(Practitioner.objects.values_list("cert_no", "pk"))
    departments = dict(Department.objects.values_list("code", "pk"))
    regions = _Regions()
    periods = {(r["period_start"], r["period_end"]) for r in rows}
    existing = set(Alert.objects.values_list("rule_id", "subject_id", "period_start", "period_end"))
    items: dict[tuple[Any, ...], WorkItem] = {
        (i.rule_id, i.group_key, i.period_start, i.period_end): i
        for start, end in periods
        for i in WorkItem.objects.filter(period_start=start, period_end=end)
    }
    now = timezone.now()
    new_items: list[WorkItem] = []
    pending: list[tuple[Alert, WorkItem]] = []
    unknown: set[str] = set()
    for row in rows:
        key = (row["rule_id"], row["subject_id"], row["period_start"], row["period_end"])
        if key in existing:
            continue
        existing.add(key)
        evidence = json.loads(row["evidence"]) if row.get("evidence") else {}
        code = (row.get("institution_id") or "").strip()
        institution = institutions.get(code)
        if institution is None and code:
            unknown.add(code)
        item_key = (row["rule_id"], grouping.group_key(row), row["period_start"], row["period_end"])
        item = items.get(item_key)
        if item is None:
            item = _new_item(row, run=run, report=report, institution=institution, regions=regions,
                             departments=departments, now=now)  # fmt: skip
            items[item_key] = item
            new_items.append(item)
        elif item.institution_id is None and institution is not None:
            item.institution_id, item.region_id = institution
            item.save(update_fields=["institution", "region"])
        line = Alert(
            run=run, rule_id=row["rule_id"], subject_type=row["subject_type"], subject_id=row["subject_id"],
            institution_code=code[:18], institution_id=institution[0] if institution else None,
            practitioner_id=practitioners.get(
                grouping.practitioner_code(row["subject_type"], row["subject_id"], evidence) or ""),
            period_start=row["period_start"], period_end=row["period_end"],
            fact_date=grouping.fact_date(row["subject_type"], row["subject_id"], evidence),
            amount=grouping.amount(evidence), value=row.get("value"), threshold=row.get("threshold"),
            severity=row["severity"], evidence=evidence,
        )  # fmt: skip
        pending.append((line, item))
    WorkItem.objects.bulk_create(new_items, batch_size=1000)
    for line, item in pending:
        line.item_id = item.pk
    Alert.objects.bulk_create([line for line, _ in pending], batch_size=2000)
    _refresh_totals({item.pk for _, item in pending})
    _audit_items(actor, run, new_items, pending)
    indicators = _load_indicators(folder, {code: pk for code, (pk, _) in institutions.items()})
    grades = analytics_scores_load(
        run=run, rows=_read(folder, "risk"), institutions={code: pk for code, (pk, _) in institutions.items()},
        actor=actor,
    )  # fmt: skip
    triage = sum(1 for i in new_items if i.department_id is None)
    without_region = sum(1 for i in new_items if i.region_id is None)
    audit_record(
        actor=actor, action="alerts.run.load", object_type="analytics_run", object_id=run.pk,
        data={"fingerprint": fingerprint, "alerts_created": len(pending), "items_created": len(new_items),
              "items_in_triage": triage, "items_without_region": without_region, "indicators": indicators,
              "grades": grades},
    )  # fmt: skip
    return LoadResult(run, created_run, len(pending), len(rows) - len(pending), len(new_items), triage, indicators,
                      grades, len(unknown), without_region)  # fmt: skip


def _audit_items(actor: Any, run: AnalyticsRun, new_items: list[WorkItem], pending: list[tuple[Alert, WorkItem]]) -> None:
    """One event per item the load created or gave new lines, so an item's history starts where it did."""
    added: dict[int, int] = {}
    for _line, item in pending:
        added[item.pk] = added.get(item.pk, 0) + 1
    created = {item.pk for item in new_items}
    for item in sorted({item.pk: item for _line, item in pending}.values(), key=lambda i: i.pk):
        audit_record(
            actor=actor, action="alerts.item.created" if item.pk in created else "alerts.item.lines_added",
            object_type="work_item", object_id=item.pk,
            data={"run": run.pk, "rule_id": item.rule_id, "institution_code": item.institution_code,
                  "lines_added": added[item.pk], "department": (item.routing or {}).get("department"),
                  "triage": item.department_id is None},
        )  # fmt: skip


def _refresh_totals(item_ids: set[int]) -> None:
    """Line count, amount, first and last date of the items that got new lines."""
    if not item_ids:
        return
    ids = sorted(item_ids)
    totals = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in (
            Alert.objects.filter(item_id__in=chunk).values("item_id")
            .annotate(n=Count("pk"), amount=Sum("amount"), first=Min("fact_date"), last=Max("fact_date"))
        ):  # fmt: skip
            totals[row["item_id"]] = row
    changed = []
    for item in WorkItem.objects.filter(pk__in=ids):
        row = totals.get(item.pk)
        if row is None:
            continue
        item.line_count, item.amount, item.first_date, item.last_date = row["n"], row["amount"], row["first"], row["last"]
        changed.append(item)
    WorkItem.objects.bulk_update(changed, ["line_count", "amount", "first_date", "last_date"], batch_size=500)


def _load_indicators(folder: Path, institutions: dict[str, int]) -> int:
    rows = [r for r in _read(folder, "indicators") if r["institution_id"] in institutions and r["value"] is not None]
    current = {
        (i, ind, p): (pk, v)
        for pk, i, ind, p, v in Indicator.objects.values_list("pk", "institution_id", "indicator_id", "period", "value")
    }
    create, update = [], []
    for r in rows:
        key = (institutions[r["institution_id"]], r["indicator_id"], r["period"])
        found = current.get(key)
        if found is None:
            create.append(Indicator(institution_id=key[0], indicator_id=key[1], period=key[2], value=r["value"]))
        elif found[1] != r["value"]:
            update.append(Indicator(pk=found[0], value=r["value"]))
    Indicator.objects.bulk_create(create, batch_size=2000)
    Indicator.objects.bulk_update(update, ["value"], batch_size=1000)
    return len(create) + len(update)
