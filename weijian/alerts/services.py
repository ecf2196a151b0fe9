"""Writes of the alerts app: load an analytics output folder, dispose of an alert.

``analytics_run_load`` is idempotent: a run is recognised by the hash of its alerts file, and an
alert by (rule, subject, period), so loading the same output twice creates nothing new.
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
from django.utils import timezone

from weijian.alerts.models import Alert, AlertStatus, AnalyticsRun, Indicator, RiskGrade
from weijian.analytics.registry import RULES
from weijian.core.audit import audit_record
from weijian.core.models import Department, Role
from weijian.core.scope import scope_of
from weijian.core.workdays import CalendarYearUnknown, add_working_days
from weijian.registry.models import Institution, Practitioner
from weijian.rules import loader as rules

PRACTITIONER_SUBJECTS = {"practitioner_drug_month", "registration"}


class AlertError(ValueError):
    """A disposal that the workflow does not allow; the message says why."""


@dataclass
class LoadResult:
    run: AnalyticsRun
    created_run: bool
    alerts_created: int
    alerts_existing: int
    indicators: int
    grades: int
    unknown_institutions: int


def _deadline(severity: str, start: dt.date) -> tuple[dt.date | None, str]:
    table = rules.as_of(rules.load("alert_disposal")["deadline_working_days"], start, "alert_disposal")
    try:
        return add_working_days(start, int(table[severity])), ""
    except CalendarYearUnknown as exc:
        return None, str(exc)[:200]


def _practitioner_code(subject_type: str, subject_id: str, evidence: dict[str, Any]) -> str | None:
    if subject_type in PRACTITIONER_SUBJECTS:
        return subject_id.split("|", 1)[0]
    value = evidence.get("practitioner_id")
    return str(value) if value else None


def _read(folder: Path, name: str) -> list[dict[str, Any]]:
    path = folder / f"{name}.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


@transaction.atomic
def analytics_run_load(*, folder: Path, actor: Any) -> LoadResult:
    """Put a run's alerts, indicators and risk grades into the platform."""
    alerts_path = folder / "alerts.parquet"
    if not alerts_path.exists():
        raise FileNotFoundError(f"{folder} 中没有 alerts.parquet（请先运行 weijian analytics run）")
    fingerprint = hashlib.sha256(alerts_path.read_bytes()).hexdigest()
    report = json.loads((folder / "report.json").read_text(encoding="utf-8")) if (folder / "report.json").exists() else {}
    rows = _read(folder, "alerts")
    period = report.get("period") or {}
    starts = [r["period_start"] for r in rows]
    period_start = dt.date.fromisoformat(period["start"]) if period.get("start") else min(starts, default=dt.date.today())
    period_end = dt.date.fromisoformat(period["end"]) if period.get("end") else max(
        (r["period_end"] for r in rows), default=dt.date.today()
    )
    run, created_run = AnalyticsRun.objects.get_or_create(
        fingerprint=fingerprint,
        defaults={
            "source": str(folder)[:500], "period_start": period_start, "period_end": period_end,
            "engine": str(report.get("engine", {}).get("name", "") if isinstance(report.get("engine"), dict)
                          else report.get("engine", ""))[:40],
            "report": report, "loaded_by": getattr(actor, "username", str(actor)),
        },
    )  # fmt: skip
    institutions = dict(Institution.objects.values_list("uscc", "pk"))
    districts = dict(Institution.objects.values_list("pk", "district_id"))
    practitioners = dict(Practitioner.objects.values_list("cert_no", "pk"))
    departments = {d.code: d for d in Department.objects.all()}
    existing = set(Alert.objects.values_list("rule_id", "subject_id", "period_start", "period_end"))
    today = timezone.localdate()
    new: list[Alert] = []
    unknown = set()
    for row in rows:
        key = (row["rule_id"], row["subject_id"], row["period_start"], row["period_end"])
        if key in existing:
            continue
        existing.add(key)
        rule = RULES.get(row["rule_id"])
        evidence = json.loads(row["evidence"]) if row.get("evidence") else {}
        institution_pk = institutions.get(row.get("institution_id") or "")
        if institution_pk is None and row.get("institution_id"):
            unknown.add(row["institution_id"])
        practitioner_code = _practitioner_code(row["subject_type"], row["subject_id"], evidence)
        due, note = _deadline(row["severity"], today)
        new.append(
            Alert(
                run=run, rule_id=row["rule_id"], rule_name=rule.name_zh if rule else row["rule_id"],
                subject_type=row["subject_type"], subject_id=row["subject_id"],
                institution_code=row.get("institution_id") or "", institution_id=institution_pk,
                practitioner_id=practitioners.get(practitioner_code or ""),
                department=departments[rule.department if rule and rule.department in departments else "health"],
                district_id=districts.get(institution_pk) if institution_pk else None,
                period_start=row["period_start"], period_end=row["period_end"], value=row.get("value"),
                threshold=row.get("threshold"), severity=row["severity"], evidence=evidence,
                due_date=due, due_note=note,
            )
        )  # fmt: skip
    Alert.objects.bulk_create(new, batch_size=2000)
    indicators = _load_indicators(folder, institutions)
    grades = _load_grades(folder, institutions, run)
    audit_record(
        actor=actor, action="alerts.run.load", object_type="analytics_run", object_id=run.pk,
        data={"fingerprint": fingerprint, "alerts_created": len(new), "indicators": indicators, "grades": grades},
    )  # fmt: skip
    return LoadResult(run, created_run, len(new), len(rows) - len(new), indicators, grades, len(unknown))


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


def _load_grades(folder: Path, institutions: dict[str, int], run: AnalyticsRun) -> int:
    count = 0
    for r in _read(folder, "risk"):
        pk = institutions.get(r["institution_id"])
        if pk is None:
            continue
        reasons = [_reason_label(reason) for reason in (json.loads(r["reasons"]) if r.get("reasons") else [])]
        RiskGrade.objects.update_or_create(
            institution_id=pk, period_end=run.period_end,
            defaults={"run": run, "score": r["score"], "grade": r["grade"], "reasons": reasons},
        )  # fmt: skip
        count += 1
    return count


def _reason_label(reason: Any) -> Any:
    """Give each contribution to a grade a Chinese label: the rule's name or the indicator's."""
    from weijian.alerts.selectors import INDICATOR_LABELS

    if not isinstance(reason, dict):
        return reason
    if reason.get("rule_id") in RULES:
        return {**reason, "label": RULES[reason["rule_id"]].name_zh}
    if reason.get("indicator_id") in INDICATOR_LABELS:
        return {**reason, "label": f"{INDICATOR_LABELS[reason['indicator_id']][0]}超过目标"}
    return reason


TRANSITIONS_ORDER = (AlertStatus.CLUE, AlertStatus.INSPECTION, AlertStatus.DISMISSED)
TRANSITIONS = set(TRANSITIONS_ORDER)
DISPOSING_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR, Role.PARTNER_OFFICER}


def can_dispose(user: Any) -> bool:
    """Officials dispose of the alerts in their queue; institutions and the public only read."""
    return scope_of(user).role in DISPOSING_ROLES


@transaction.atomic
def alert_dispose(*, alert: Alert, actor: Any, status: str, reason: str) -> Alert:
    """Dismiss an alert (with a reason), confirm it as a clue for a case, or send it for a targeted inspection."""
    if not can_dispose(actor):
        raise AlertError("您的角色不能处置预警")
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.status != AlertStatus.OPEN:
        raise AlertError(f"该预警已处置（{locked.get_status_display()}），不能重复处置")
    if status not in TRANSITIONS:
        raise AlertError("处置方式无效：应为 排除、转为案源线索 或 转定向检查")
    reason = (reason or "").strip()
    if status == AlertStatus.DISMISSED and len(reason) < 4:
        raise AlertError("排除预警必须填写理由（至少4个字）")
    locked.status = status
    locked.disposition_reason = reason
    locked.disposed_at = timezone.now()
    locked.disposed_by = getattr(actor, "username", str(actor))
    locked.save(update_fields=["status", "disposition_reason", "disposed_at", "disposed_by"])
    audit_record(
        actor=actor, action=f"alerts.alert.{status}", object_type="alert", object_id=locked.pk,
        data={"rule_id": locked.rule_id, "subject_id": locked.subject_id, "reason": reason,
              "overdue": bool(locked.due_date and timezone.localdate() > locked.due_date)},
    )  # fmt: skip
    return locked
