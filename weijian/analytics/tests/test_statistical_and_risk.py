"""Statistical rules (ghost registration, prescribing outlier), risk grade and evaluate."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from weijian.analytics import risk
from weijian.analytics.cli import evaluate_main
from weijian.analytics.evaluate import evaluate
from weijian.analytics.registry import RULES
from weijian.analytics.tests.builder import C1, DOC, DOC2, H1, H2, Dataset
from weijian.analytics.tests.conftest import fired

D = dt.date


def test_ghost_registration(ds: Dataset, run_ds) -> None:
    for i in range(20):
        ds.visit(D(2025, 3, 1 + i), inst=H1, doc=DOC)  # DOC: 20 visits at H1, none at H2/C1
    for i in range(19):
        ds.visit(D(2025, 3, 1 + i), inst=H1, doc=DOC2)  # DOC2: 19 elsewhere: below min
    got = fired(run_ds(ds, ["ghost_registration"]), "ghost_registration")
    assert got == {f"{DOC}|{H2}", f"{DOC}|{C1}"}


def test_ghost_registration_leaves_out_institutions_without_a_valid_licence(ds: Dataset, run_ds) -> None:
    for i in range(20):
        ds.visit(D(2025, 3, 1 + i), inst=H1, doc=DOC)
    lapsed = {H2: {"licence_valid_to": D(2025, 3, 15)}, C1: {"status": "closed", "status_since": D(2025, 3, 20)}}
    for row in ds.rows["institutions"]:
        row.update(lapsed.get(row["institution_id"], {}))
    assert fired(run_ds(ds, ["ghost_registration"]), "ghost_registration") == set()
    ds.rows["institutions"][1]["licence_valid_to"] = D(2025, 3, 31)  # H2 licensed to the period's last day
    assert fired(run_ds(ds, ["ghost_registration"]), "ghost_registration") == {f"{DOC}|{H2}"}


def test_prescribing_outlier(ds: Dataset, run_ds) -> None:
    docs = ds.physicians(8)
    for i, d in enumerate(docs):
        v = ds.visit(D(2025, 3, 3), doc=d)
        q = 400 if i == 0 else 10 + i  # 200 DDD vs peers ≈ 6 DDD
        ds.rx(v, D(2025, 3, 3), atc="J01CA04", route="O", strength=0.75, quantity=q, doc=d)
    res = run_ds(ds, ["prescribing_outlier"])
    assert fired(res, "prescribing_outlier") == {f"{docs[0]}|J01CA04|2025-03"}


def test_prescribing_outlier_is_a_rise_above_ones_own_usual_use(ds: Dataset, run_ds) -> None:
    docs = ds.physicians(8)
    for month in (1, 2, 3):
        for i, d in enumerate(docs):
            v = ds.visit(D(2025, month, 3), doc=d)
            # docs[0]: 200 DDD every month (a habit); docs[1]: 200 DDD in March only (a rise); peers ≈ 6 DDD
            q = 400 if i == 0 or (i == 1 and month == 3) else 10 + i
            ds.rx(v, D(2025, month, 3), atc="J01CA04", route="O", strength=0.75, quantity=q, doc=d)
    three = run_ds(ds, ["prescribing_outlier"], start=D(2025, 1, 1), end=D(2025, 3, 31))
    assert fired(three, "prescribing_outlier") == {f"{docs[1]}|J01CA04|2025-03"}
    own = {r["subject_id"]: json.loads(r["evidence"])["own_median"] for r in three.alerts.to_pylist()}
    assert own == {f"{docs[1]}|J01CA04|2025-03": 5.5}  # median of 5.5, 5.5 and 200 DDD (11 × 0.75 g / 1.5 g)
    # a run of one month has no history to compare with: both are judged against peers only
    march = run_ds(ds, ["prescribing_outlier"], start=D(2025, 3, 1), end=D(2025, 3, 31))
    assert fired(march, "prescribing_outlier") == {f"{d}|J01CA04|2025-03" for d in docs[:2]}


def test_risk_grades_from_rules_data() -> None:
    alerts = pa.table({"rule_id": ["institution_licence"] * 50, "institution_id": [H1] * 50,
                       "severity": ["high"] * 50})
    inds = pa.table({"indicator_id": ["visits", "antimicrobial_intensity", "outpatient_antibiotic_rate"],
                     "institution_id": [H1, C1, H2], "period": ["2025-03"] * 3, "value": [200.0, 80.0, 0.3]})
    cfg = risk.config(D(2025, 3, 31), RULES)
    assert cfg.targets == {"antimicrobial_intensity": 40.0, "outpatient_antibiotic_rate": 0.2}
    assert cfg.used["targets"]["antimicrobial_intensity"]["file"] == "antimicrobials.yaml"
    assert cfg.used["grades"]["effective_from"] == "2000-01-01" and cfg.used["grades"]["basis"]
    t = risk.score([H1, H2, C1, "X"], [risk.tally(alerts)], inds, cfg).to_pylist()
    by = {r["institution_id"]: r for r in t}
    assert by[H1]["grade"] == "D" and 0 <= by[H1]["score"] <= 100
    assert by[C1]["score"] == 15 and by[C1]["grade"] == "A"  # 80 is twice the target 40: full 15 points
    assert by[H2]["score"] == 7.5  # 0.3 against 0.2: half of the 15 points
    assert by["X"]["score"] == 0 and by["X"]["reasons"] == "[]"
    assert not hasattr(risk, "register_provider")  # the analytics run never reaches Django apps


def test_evaluate(tmp_path: Path) -> None:
    pq.write_table(pa.table({"rule_id": ["r", "r", "s"], "subject_id": ["a", "b", "c"]}), tmp_path / "alerts.parquet")
    pq.write_table(pa.table({"rule_id": ["r", "r"], "subject_id": ["a", "z"]}), tmp_path / "truth.parquet")
    rows = {r["rule_id"]: r for r in evaluate(tmp_path, tmp_path / "truth.parquet")}
    assert (rows["r"]["tp"], rows["r"]["fp"], rows["r"]["fn"]) == (1, 1, 1)
    assert rows["s"]["precision"] == 0.0 and rows["s"]["recall"] is None
    assert evaluate_main([str(tmp_path), str(tmp_path / "truth.parquet")]) == 0
