"""``weijian plan create``, ``weijian draw commit/run/verify/evaluate`` end to end, and the evaluation's figures."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from weijian.inspections.models import Draw, Plan
from weijian.inspections.planning import evaluate, verify
from weijian.inspections.planning.tests.conftest import City, grade_of
from weijian.sim import inspection_truth


def _call(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_plan_create_then_draw_run_writes_a_record_that_verifies(city: City, tmp_path: Path) -> None:
    plan_id = _call("plan", "create", "--name", "黄浦区2026年随机抽查", "--items", "CC00227", "--district", "310101",
                    "--ratios", "A=5,B=20,C=50,D=100", "--start", "2026-01-01", "--end", "2026-12-31").strip()
    plan = Plan.objects.get(pk=int(plan_id))
    assert plan.region.code == "310101" and plan.ratios == {"A": "5", "B": "20", "C": "50", "D": "100"}
    out = tmp_path / "record.json"
    text = _call("draw", "run", plan_id, "--witness", "37 12 05", "--out", str(out))
    assert "已先公布" in text  # no commitment yet: it made one first, and says so
    record = json.loads(out.read_text(encoding="utf-8"))
    assert verify.main([str(out)]) == 0 and Draw.objects.get(plan=plan).seed == record["seed"]


def test_plan_create_refuses_a_ratio_over_100(city: City) -> None:
    with pytest.raises(CommandError, match="0–100"):
        _call("plan", "create", "--name", "x", "--items", "CC00227", "--district", "310101", "--ratios", "A=150")
    assert not Plan.objects.exists()


def test_evaluate_reports_the_lift(city: City, tmp_path: Path) -> None:
    plan_id = _call("plan", "create", "--name", "评估", "--items", "CC00227", "--district", "310101,310104",
                    "--start", "2026-01-01", "--end", "2026-12-31").strip()
    # the riskier the grade, the likelier an injected violation: grade C and D institutions have one
    ids = [i.uscc for i in city.institutions]
    violations = [1 if grade_of(n) in "CD" else 0 for n in range(len(ids))]
    pq.write_table(pa.table({"institution_id": ids, "violations": violations,
                             "p_fail": [inspection_truth.p_fail(v) for v in violations]}),
                   tmp_path / inspection_truth.FILE)  # fmt: skip
    text = _call("draw", "evaluate", "--plan", plan_id, "--rounds", "20", "--truth", str(tmp_path))
    assert "提升（lift" in text
    lift = float(text.rsplit("：", 1)[1])
    assert lift > 1.2  # expected 0.517 ÷ 0.35 ≈ 1.48


def test_evaluate_ranks_high_risk_first() -> None:
    units = [evaluate.Unit(f"u{i:03d}", "D" if i < 20 else "A", 0.6 if i < 20 else 0.1) for i in range(200)]
    result = evaluate.evaluate(units, {"A": "5", "B": "20", "C": "50", "D": "100"}, 30, "s")
    assert result.per_year == 20 + 9
    assert result.lift is not None and result.lift > 2
    assert result.plan.first_half_share > result.uniform.first_half_share


def test_a_misspelt_key_in_an_office_rules_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from weijian.inspections.planning.checks import random_checks_file
    from weijian.rules import loader

    bundled = (loader.BUNDLED_DIR / "random_checks.yaml").read_text(encoding="utf-8")
    (tmp_path / "random_checks.yaml").write_text(bundled.replace("min_inspectors:", "min_inspector:"), encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))
    errors = random_checks_file()
    assert errors and "min_inspector" in errors[0].msg
