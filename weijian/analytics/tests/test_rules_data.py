"""Thresholds and weights come from the rules data only, strictly, and apply as of each fact's date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from weijian.analytics import ruledata
from weijian.analytics.registry import RULES
from weijian.analytics.runner import RunOptions, run
from weijian.analytics.tests.builder import C1, DOC, H1, H2, Dataset
from weijian.analytics.tests.conftest import fired
from weijian.rules import loader
from weijian.rules.loader import RulesError

D = dt.date


def office(monkeypatch: pytest.MonkeyPatch, folder: Path, name: str, text: str) -> None:
    """An office's replacement of one rules file (WEIJIAN_RULES_DIR)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(folder))


def bundled(name: str) -> str:
    return (loader.BUNDLED_DIR / f"{name}.yaml").read_text(encoding="utf-8")


def test_bundled_rules_data_is_exactly_what_the_engine_declares() -> None:
    ruledata.validate()
    files = ruledata.declared()
    assert set(files) == {"antimicrobials", "insurance_fund", "medical_waste", "wastewater", "statistical_rules",
                          "risk_score"}
    for rule in RULES.values():  # every rule's parameters name a file and a key, never a value
        for p in rule.params.values():
            assert loader.versions(p.file, p.key), (rule.id, str(p))


def test_misspelt_and_missing_keys_are_refused_naming_file_and_key(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    office(monkeypatch, tmp_path / "rules", "insurance_fund",
           bundled("insurance_fund").replace("  max_gap_days:", "  max_gap_dayz:"))
    with pytest.raises(RulesError) as info:
        ruledata.validate()
    msg = str(info.value)
    assert "insurance_fund.yaml" in msg
    assert "unknown key 'split_admission.max_gap_dayz'" in msg
    assert "missing key 'split_admission.max_gap_days'" in msg
    ds = Dataset()
    with pytest.raises(RulesError, match="max_gap_dayz"):  # refused before any data is read, any rule chosen
        run(RunOptions(ds.write(tmp_path / "ds"), D(2025, 3, 1), D(2025, 3, 31), tmp_path / "out",
                       rules=["institution_licence"]))


def test_a_later_version_is_checked_too_and_values_must_be_numbers(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    text = bundled("medical_waste").replace(
        "      published: 2011-01-08\n\nwaste_weight_gap:",
        "      published: 2011-01-08\n    2030-01-01:\n      valu: 24\n      basis: 将来的规定\n\nwaste_weight_gap:")
    office(monkeypatch, tmp_path / "a", "medical_waste", text)
    with pytest.raises(RulesError, match=r"medical_waste.yaml: .*max_hours\[2030-01-01\].*value"):
        ruledata.validate()
    office(monkeypatch, tmp_path / "b", "medical_waste", bundled("medical_waste").replace("value: 0.95", "value: '95%'"))
    with pytest.raises(RulesError, match=r"waste_weight_gap.min_received_ratio.*'95%' is not a number"):
        ruledata.validate()


def _params(res: Any, rule: str) -> dict[str, Any]:
    return next(r["params"] for r in res.report["rules_run"] if r["id"] == rule)


def test_a_threshold_changing_inside_the_period_judges_each_fact_by_its_date(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ds: Dataset, run_ds: Any) -> None:
    # split_admission: 15 days until 2025-03-14, 5 days from 2025-03-15 (an office's new rule)
    office(monkeypatch, tmp_path / "rules", "insurance_fund", bundled("insurance_fund").replace(
        "      published: 2021-01-15\n\nidle_inpatient_days:",
        "      published: 2021-01-15\n    2025-03-15:\n      value: 5\n      basis: 本市新规（测试）\n\n"
        "idle_inpatient_days:"))
    a = ds.visit(D(2025, 2, 1), D(2025, 2, 28), kind="inpatient", patient="A")
    before = ds.visit(D(2025, 3, 10), D(2025, 3, 12), kind="inpatient", patient="A")  # gap 10 ≤ 15
    b = ds.visit(D(2025, 3, 1), D(2025, 3, 10), kind="inpatient", patient="B")
    after = ds.visit(D(2025, 3, 20), D(2025, 3, 22), kind="inpatient", patient="B")  # gap 10 > 5
    c = ds.visit(D(2025, 3, 1), D(2025, 3, 12), kind="inpatient", patient="C")
    after_ok = ds.visit(D(2025, 3, 17), D(2025, 3, 18), kind="inpatient", patient="C")  # gap 5 ≤ 5
    del a, b, c
    res = run_ds(ds, ["split_admission"])
    assert fired(res, "split_admission") == {before, after_ok} and after not in fired(res, "split_admission")
    thr = {r["subject_id"]: r["threshold"] for r in res.alerts.to_pylist()}
    assert thr == {before: 15.0, after_ok: 5.0}  # the value applied to that subject
    versions = _params(res, "split_admission")["max_gap_days"]["versions"]
    assert [(v["value"], v["effective_from"]) for v in versions] == [(15, "2021-05-01"), (5, "2025-03-15")]
    assert versions[0]["basis"].startswith("医疗保障基金使用监督管理条例") and versions[0]["file"] == "insurance_fund.yaml"
    assert versions[0]["published"] == "2021-01-15"


def _intensity_month(ds: Dataset, month: int, inst: str = H1) -> None:
    v = ds.visit(D(2025, month, 15), D(2025, month, 25), kind="inpatient", inst=inst, patient=f"M{month}")
    ds.rx(v, D(2025, month, 16), quantity=10, inst=inst)  # ceftriaxone 10 g / 2 g = 5 DDD over 10 bed-days → 50


def test_a_monthly_target_changing_applies_from_the_month_of_its_date(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ds: Dataset, run_ds: Any) -> None:
    office(monkeypatch, tmp_path / "rules", "antimicrobials", bundled("antimicrobials").replace(
        "    published: 2012-04-24\n\noutpatient_rate_max:",
        "    published: 2012-04-24\n  2025-04-01:\n    value: 60\n    basis: 本市新目标（测试）\n\noutpatient_rate_max:"))
    for month in (3, 4):
        _intensity_month(ds, month)
    res = run_ds(ds, ["antimicrobial_intensity"], start=D(2025, 3, 15), end=D(2025, 4, 30))
    assert fired(res, "antimicrobial_intensity") == {f"{H1}|2025-03"}  # 50 > 40 in March, 50 ≤ 60 in April
    assert res.alerts.column("threshold").to_pylist() == [40.0]
    risk = res.report["risk"]["params"]["targets"]["antimicrobial_intensity"]
    assert (risk["value"], risk["effective_from"]) == (60, "2025-04-01")  # the grade's date: the period end


def test_a_statistical_post_step_uses_each_months_values(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ds: Dataset, run_ds: Any) -> None:
    office(monkeypatch, tmp_path / "rules", "statistical_rules", bundled("statistical_rules").replace(
        "      published: 2007-02-14\n  min_peers:",
        "      published: 2007-02-14\n    2025-04-01:\n      value: 1000\n      basis: 测试\n  min_peers:"))
    docs = ds.physicians(8)
    for month in (3, 4):
        for i, d in enumerate(docs):
            v = ds.visit(D(2025, month, 3), doc=d)
            ds.rx(v, D(2025, month, 3), atc="J01CA04", route="O", strength=0.75, quantity=400 if i == 0 else 10 + i,
                  doc=d)
    res = run_ds(ds, ["prescribing_outlier"], start=D(2025, 3, 1), end=D(2025, 4, 30))
    assert fired(res, "prescribing_outlier") == {f"{docs[0]}|J01CA04|2025-03"}
    assert res.alerts.column("threshold").to_pylist() == [1.5]


def test_prescribing_outlier_monitors_the_counted_groups(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ds: Dataset, run_ds: Any) -> None:
    docs = ds.physicians(8)
    for i, d in enumerate(docs):  # fluconazole (J02): 0.2 g a DDD; 400 capsules of 0.15 g = 300 DDD
        v = ds.visit(D(2025, 3, 3), doc=d)
        ds.rx(v, D(2025, 3, 3), atc="J02AC01", route="O", strength=0.15, quantity=400 if i == 0 else 10 + i, doc=d)
    assert fired(run_ds(ds, ["prescribing_outlier"]), "prescribing_outlier") == set()  # J01 only by default
    office(monkeypatch, tmp_path / "rules", "antimicrobials",
           bundled("antimicrobials").replace("value: [J01]", "value: [J01, J02]"))
    assert fired(run_ds(ds, ["prescribing_outlier"]), "prescribing_outlier") == {f"{docs[0]}|J02AC01|2025-03"}


def test_prescribing_outlier_by_amount_only_where_the_rules_monitor_amounts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ds: Dataset, run_ds: Any) -> None:
    docs = ds.physicians(8)
    for i, d in enumerate(docs):
        v = ds.visit(D(2025, 3, 3), doc=d)
        ds.rx(v, D(2025, 3, 3), atc="J01CA04", route="O", strength=0.75, quantity=400 if i == 0 else 10 + i, doc=d)
        # a drug measured by amount (no DDD counted: not an antimicrobial), far above peers for the second doctor
        ds.rx(v, D(2025, 3, 3), atc="C09AA05", route="O", strength=0.005, quantity=1,
              amount=50_000.0 if i == 1 else 100.0 + i, doc=d)
    ddd_alert = f"{docs[0]}|J01CA04|2025-03"
    assert fired(run_ds(ds, ["prescribing_outlier"]), "prescribing_outlier") == {ddd_alert}
    office(monkeypatch, tmp_path / "rules", "statistical_rules", bundled("statistical_rules").replace(
        "  include_amounts:  # 0: only the counted antimicrobials (antimicrobials.yaml), in DDDs; 1: also every "
        "other drug, by amount\n    2012-08-01:\n      value: 0",
        "  include_amounts:\n    2012-08-01:\n      value: 1"))
    # the DDD-measured alert is the same whether or not the lines measured by amount are computed
    assert fired(run_ds(ds, ["prescribing_outlier"]), "prescribing_outlier") == {ddd_alert,
                                                                                 f"{docs[1]}|C09AA05|2025-03"}


def test_report_records_the_rules_data(ds: Dataset, run_ds: Any) -> None:
    ds.visit(D(2025, 3, 2))
    res = run_ds(ds, ["institution_licence", "waste_overdue_storage"])
    block = res.report["rules_data"]
    assert block["hash"] == loader.rules_hash() and len(block["hash"]) == 64
    assert block["files"]["antimicrobials"] == loader.file_hash("antimicrobials")
    assert set(block["files"]) == set(loader.rules_files())
    json.dumps(res.report)  # everything in it is plain JSON


def test_counted_atc_groups_default_j01_and_an_office_can_add_j02_p01ab(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ds: Dataset, run_ds: Any) -> None:
    v = ds.visit(D(2025, 3, 1), D(2025, 3, 11), kind="inpatient")
    ds.rx(v, D(2025, 3, 2), quantity=6)  # ceftriaxone 6 g = 3 DDD
    ds.rx(v, D(2025, 3, 2), atc="J02AC01", route="O", strength=0.2, quantity=10)  # fluconazole 2 g = 10 DDD
    ds.rx(v, D(2025, 3, 3), atc="P01AB01", route="O", strength=0.2, quantity=10)  # metronidazole 2 g = 1 DDD
    o = ds.visit(D(2025, 3, 4), inst=H2, patient="O1")  # outpatient: an antifungal only
    ds.rx(o, D(2025, 3, 4), atc="J02AC01", route="O", strength=0.2, quantity=5, inst=H2)
    ds.visit(D(2025, 3, 4), inst=H2, patient="O2")

    def values(res: Any) -> tuple[float, float]:
        got = {(r["indicator_id"], r["institution_id"]): r["value"] for r in res.indicators.to_pylist()}
        return got[("antimicrobial_intensity", H1)], got[("outpatient_antibiotic_rate", H2)]

    default = run_ds(ds, ["antimicrobial_intensity"])
    assert values(default) == (30.0, 0.0)  # contract v1: J01 only
    assert fired(default, "antimicrobial_intensity") == set()
    office(monkeypatch, tmp_path / "rules", "antimicrobials",
           bundled("antimicrobials").replace("value: [J01]", "value: [J01, J02, P01AB]"))
    wide = run_ds(ds, ["antimicrobial_intensity"])
    assert values(wide) == (140.0, 0.5)  # 14 DDD / 10 bed-days; one outpatient visit of two
    assert fired(wide, "antimicrobial_intensity") == {f"{H1}|2025-03"}
    assert wide.report["ddd"]["counted_atc_groups"]["versions"][0]["value"] == ["J01", "J02", "P01AB"]


def test_no_parameter_in_force_skips_the_rule(ds: Dataset, run_ds: Any) -> None:
    ds.visit(D(2021, 3, 2), D(2021, 3, 5), kind="inpatient")
    res = run_ds(ds, ["split_admission", "institution_licence"], start=D(2021, 3, 1), end=D(2021, 3, 31))
    assert res.report["rules_skipped"]["split_admission"]["reason"] == "no parameter in force"
    assert "insurance_fund.yaml: split_admission.max_gap_days" in res.report["rules_skipped"]["split_admission"]["detail"]


def test_a_parameter_starting_inside_the_period_judges_only_later_facts(ds: Dataset, run_ds: Any) -> None:
    a = ds.visit(D(2021, 4, 1), D(2021, 4, 20), kind="inpatient", patient="A")
    early = ds.visit(D(2021, 4, 25), D(2021, 4, 27), kind="inpatient", patient="A")  # before 2021-05-01
    b = ds.visit(D(2021, 5, 1), D(2021, 5, 3), kind="inpatient", patient="B")
    late = ds.visit(D(2021, 5, 10), D(2021, 5, 12), kind="inpatient", patient="B")
    del a, b
    res = run_ds(ds, ["split_admission"], start=D(2021, 4, 1), end=D(2021, 5, 31))
    assert fired(res, "split_admission") == {late} and early not in fired(res, "split_admission")
    assert _params(res, "split_admission")["max_gap_days"]["not_judged_before"] == "2021-05-01"


@pytest.mark.spark
def test_spark_applies_dated_values_like_duckdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               spark_session: Any) -> None:
    office(monkeypatch, tmp_path / "rules", "antimicrobials", bundled("antimicrobials").replace(
        "    published: 2012-04-24\n\noutpatient_rate_max:",
        "    published: 2012-04-24\n  2025-04-01:\n    value: 60\n    basis: 本市新目标（测试）\n\noutpatient_rate_max:"))
    ds = Dataset()
    for month in (3, 4):
        _intensity_month(ds, month)
        _intensity_month(ds, month, inst=H2)
    v = ds.visit(D(2025, 3, 5), D(2025, 3, 9), kind="inpatient", doc=DOC, patient="X", inst=C1)
    ds.rx(v, D(2025, 3, 6), atc="J01XB01", route="P", strength=0.5, unit="MU", quantity=9, inst=C1)
    ds.rx(v, D(2018, 12, 31), atc="J01CA04", route="O", strength=0.5, quantity=3, inst=C1)  # outside the period
    folder = ds.write(tmp_path / "ds")
    opts = {"dataset": folder, "start": D(2025, 3, 1), "end": D(2025, 4, 30)}
    duck = run(RunOptions(out=tmp_path / "duck", **opts))
    spark = run(RunOptions(out=tmp_path / "spark", engine="spark", spark_session=spark_session, **opts))
    assert duck.alerts.to_pylist() == spark.alerts.to_pylist()
    assert duck.indicators.to_pylist() == spark.indicators.to_pylist()
    assert fired(duck, "antimicrobial_intensity") == {f"{H1}|2025-03", f"{H2}|2025-03"}
