"""Loading analytics output into queues, the disposal workflow, profiles showing alerts and grades."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.test import Client

from weijian.alerts.models import Alert, AlertStatus, Indicator, RiskGrade
from weijian.alerts.services import AlertError, alert_dispose, analytics_run_load
from weijian.analytics.output import ALERT_SCHEMA, INDICATOR_SCHEMA, RISK_SCHEMA
from weijian.core.audit import audit_verify
from weijian.core.models import AuditEvent, Role

pytestmark = pytest.mark.django_db
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def write_run(folder: Path, codes: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    alerts = [
        ("institution_licence", "visit", "V1", codes["a1"], None, None, "high", {"visit_id": "V1", "start_date": "2025-03-01"}),
        ("duplicate_charge", "charge", "C9", codes["b1"], None, None, "medium", {"line_id": "C9"}),
        ("antimicrobial_intensity", "institution_month", f"{codes['a1']}|2025-02", codes["a1"], 52.0, 40.0, "medium",
         {"ddds": 520.0}),
        ("prescribing_outlier", "practitioner_drug_month", "110310101000001|J01CA04|2025-01", codes["a1"], 80.0, 10.0,
         "low", {"ddd": 80}),
        ("institution_licence", "visit", "V2", "91310101MA00000000", None, None, "high", {"visit_id": "V2"}),
    ]  # fmt: skip
    table = pa.Table.from_pylist(
        [
            {"rule_id": r, "subject_type": t, "subject_id": s, "institution_id": i, "period_start": START,
             "period_end": END, "value": v, "threshold": th, "severity": sev, "evidence": json.dumps(ev)}
            for r, t, s, i, v, th, sev, ev in alerts
        ],
        schema=ALERT_SCHEMA,
    )  # fmt: skip
    pq.write_table(table, folder / "alerts.parquet")
    indicators = [
        {"indicator_id": "antimicrobial_intensity", "institution_id": codes["a1"], "period": f"2025-{m:02d}", "value": 30.0 + m}
        for m in range(1, 13)
    ]
    pq.write_table(pa.Table.from_pylist(indicators, schema=INDICATOR_SCHEMA), folder / "indicators.parquet")
    risk = [{"institution_id": codes["a1"], "score": 72.5, "grade": "C",
             "reasons": json.dumps([{"rule_id": "institution_licence", "label": "无证执业", "points": 40.0}])}]  # fmt: skip
    pq.write_table(pa.Table.from_pylist(risk, schema=RISK_SCHEMA), folder / "risk.parquet")
    (folder / "report.json").write_text(json.dumps({"period": {"start": "2025-01-01", "end": "2025-12-31"}}))
    return folder


def test_load_routes_alerts_and_is_idempotent(registry: dict[str, str], tmp_path: Path) -> None:
    out = write_run(tmp_path / "out", registry)
    first = analytics_run_load(folder=out, actor="t")
    assert first.alerts_created == 5 and first.unknown_institutions == 1
    licence = Alert.objects.get(subject_id="V1")
    assert licence.department.code == "health" and licence.district.code == "310101"
    assert licence.rule_name == "无证/超期/停业期间执业" and licence.evidence["visit_id"] == "V1"
    assert licence.due_date is not None and licence.due_date > dt.date.today()
    assert Alert.objects.get(subject_id="C9").department.code == "insurance"
    assert Alert.objects.get(rule_id="prescribing_outlier").practitioner.cert_no == "110310101000001"
    assert Indicator.objects.count() == 12 and RiskGrade.objects.get().grade == "C"
    call_command("analytics", "load", str(out))
    assert Alert.objects.count() == 5 and Indicator.objects.count() == 12 and RiskGrade.objects.count() == 1


def test_queue_is_per_department_and_district(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    health_a = Client()
    health_a.force_login(make_user("ha", role=Role.INSPECTOR, region="310101", department="health"))
    page = health_a.get("/alerts/").content.decode()
    assert ">V1<" in page and f"{registry['a1']}|2025-02" in page and ">C9<" not in page  # cells, not tokens
    insurance_b = Client()
    insurance_b.force_login(make_user("ib", role=Role.PARTNER_OFFICER, region="310104", department="insurance"))
    page_b = insurance_b.get("/alerts/").content.decode()
    assert ">C9<" in page_b and ">V1<" not in page_b
    assert insurance_b.get(f"/alerts/{Alert.objects.get(subject_id='V1').pk}/").status_code == 404


def test_disposal_workflow_with_reason_and_audit(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    inspector = make_user("insp", role=Role.INSPECTOR, region="310101", department="health")
    alert = Alert.objects.get(subject_id="V1")
    with pytest.raises(AlertError, match="理由"):
        alert_dispose(alert=alert, actor=inspector, status=AlertStatus.DISMISSED, reason="")
    client = Client()
    client.force_login(inspector)
    detail = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "visit_id" in detail and "医疗机构管理条例" in detail
    client.post(f"/alerts/{alert.pk}/", {"status": "clue", "reason": "立案调查"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLUE and alert.disposed_by == "insp"
    with pytest.raises(AlertError, match="已处置"):
        alert_dispose(alert=alert, actor=inspector, status=AlertStatus.INSPECTION, reason="再次")
    other = Alert.objects.get(rule_id="antimicrobial_intensity")
    alert_dispose(alert=other, actor=inspector, status=AlertStatus.DISMISSED, reason="住院重症患者集中，已核实")
    assert AuditEvent.objects.filter(action__startswith="alerts.alert.").count() == 2
    assert audit_verify().ok


def test_institution_user_and_public_cannot_dispose(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    from weijian.registry.models import Institution

    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    own = Institution.objects.get(uscc=registry["a1"])
    user = make_user("inst", role=Role.INSTITUTION_USER, region=None, department=None, institution=own)
    alert = Alert.objects.get(subject_id="V1")
    with pytest.raises(AlertError, match="角色"):
        alert_dispose(alert=alert, actor=user, status=AlertStatus.CLUE, reason="x")


def test_profile_shows_alerts_indicators_and_grade(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    client = Client()
    client.force_login(make_user("ha", role=Role.INSPECTOR, region="310101", department="health"))
    page = client.get(f"/registry/institutions/{registry['a1']}/").content.decode()
    assert "C 级" in page and "72.5" in page and "无证/超期/停业期间执业：40.0 分" in page
    assert "echarts.min.js" in page and "2025-12" in page and "antimicrobial_intensity" in page
    assert "V1" in page
    person = client.get("/registry/practitioners/110310101000001/").content.decode()
    assert "110310101000001|J01CA04|2025-01" in person


def test_institution_sees_its_grade_but_not_the_alerts_about_it(
    registry: dict[str, str], tmp_path: Path, make_user: Any
) -> None:
    from weijian.registry.models import Institution

    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    own = Institution.objects.get(uscc=registry["a1"])
    client = Client()
    client.force_login(make_user("inst", role=Role.INSTITUTION_USER, region=None, department=None, institution=own))
    page = client.get(f"/registry/institutions/{registry['a1']}/").content.decode()
    assert "C 级" in page and ">V1<" not in page
    assert client.get(f"/alerts/{Alert.objects.get(subject_id='V1').pk}/").status_code == 404
    assert ">V1<" not in client.get("/alerts/").content.decode()


def test_queue_exports_to_excel_within_scope(registry: dict[str, str], tmp_path: Path, make_user: Any) -> None:
    import io

    from openpyxl import load_workbook

    analytics_run_load(folder=write_run(tmp_path / "out", registry), actor="t")
    client = Client()
    client.force_login(make_user("ha", role=Role.INSPECTOR, region="310101", department="health"))
    response = client.get("/alerts/", {"format": "xlsx", "status": "all"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "规则"
    assert sorted(r[1] for r in rows[1:]) == sorted(
        ["V1", f"{registry['a1']}|2025-02", "110310101000001|J01CA04|2025-01"]
    )
    assert AuditEvent.objects.filter(action="alerts.export").count() == 1
