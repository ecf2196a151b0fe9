"""抗菌药物使用强度: bed-day rule, DDD lookup and override, month clipping, indicators."""

from __future__ import annotations

import datetime as dt

from weijian.analytics.tests.builder import C1, H1, H2, Dataset
from weijian.analytics.tests.conftest import fired

D = dt.date


def ind(res, iid: str, inst: str, period: str) -> float | None:
    for r in res.indicators.to_pylist():
        if (r["indicator_id"], r["institution_id"], r["period"]) == (iid, inst, period):
            return r["value"]
    return None


def test_intensity_boundary_and_bed_days(ds: Dataset, run_ds) -> None:
    # H1: one stay 3/1–3/11 = 10 bed-days; ceftriaxone P DDD 2 g: 8 g = 4 DDD → 40.0: not > 40
    v = ds.visit(D(2025, 3, 1), D(2025, 3, 11), kind="inpatient")
    ds.rx(v, D(2025, 3, 2), atc="J01DD04", route="P", strength=1.0, quantity=8)
    # H2: same-day stay counts 1 bed-day; 0.82 DDD → 82 > 40
    w = ds.visit(D(2025, 3, 5), D(2025, 3, 5), kind="inpatient", inst=H2)
    ds.rx(w, D(2025, 3, 5), atc="J01DD04", route="P", strength=0.41, quantity=4, inst=H2)
    # lines left out: no strength, unknown DDD; outpatient J01 lines never count
    ds.rx(v, D(2025, 3, 3), strength=None, quantity=100)
    ds.rx(v, D(2025, 3, 3), atc="J01ZZ99", quantity=100)
    o = ds.visit(D(2025, 3, 3))
    ds.rx(o, D(2025, 3, 3), quantity=100)
    # C1 has no beds: indicator computed, never an alert
    c = ds.visit(D(2025, 3, 1), D(2025, 3, 2), kind="inpatient", inst=C1)
    ds.rx(c, D(2025, 3, 1), quantity=100, inst=C1)
    res = run_ds(ds, ["antimicrobial_intensity"])
    assert fired(res, "antimicrobial_intensity") == {f"{H2}|2025-03"}
    assert ind(res, "antimicrobial_intensity", H1, "2025-03") == 40.0
    assert ind(res, "inpatient_days", H1, "2025-03") == 10
    assert ind(res, "inpatient_days", H2, "2025-03") == 1
    assert ind(res, "antimicrobial_intensity", C1, "2025-03") == 5000.0
    assert res.report["ddd"]["lines_left_out"] == 2
    assert ind(res, "outpatient_antibiotic_rate", H1, "2025-03") == 1.0


def test_intensity_months_clipped_to_period(ds: Dataset, run_ds) -> None:
    # stay 2/25–3/10 over a period 3/1–4/15: March counts 3/1..3/9 = 9 bed-days
    v = ds.visit(D(2025, 2, 25), D(2025, 3, 10), kind="inpatient")
    ds.rx(v, D(2025, 2, 26), quantity=100)  # before the period: not counted
    ds.rx(v, D(2025, 3, 9), quantity=9)  # 4.5 DDD / 9 bed-days → 50
    # April: a stay 4/10–4/30 counts 4/10..4/15 = 6 bed-days only
    w = ds.visit(D(2025, 4, 10), D(2025, 4, 30), kind="inpatient")
    ds.rx(w, D(2025, 4, 20), quantity=1000)  # after the period end
    res = run_ds(ds, ["antimicrobial_intensity"], start=D(2025, 3, 1), end=D(2025, 4, 15))
    assert ind(res, "inpatient_days", H1, "2025-03") == 9
    assert ind(res, "antimicrobial_intensity", H1, "2025-03") == 50.0
    assert ind(res, "inpatient_days", H1, "2025-04") == 6
    assert ind(res, "antimicrobial_intensity", H1, "2025-04") == 0.0
    assert ind(res, "inpatient_days", H1, "2025-02") is None  # no month outside the period
    assert fired(res, "antimicrobial_intensity") == {f"{H1}|2025-03"}


def test_ddd_override_and_no_bed_days(ds: Dataset, run_ds) -> None:
    v = ds.visit(D(2025, 3, 1), D(2025, 3, 11), kind="inpatient")
    ds.rx(v, D(2025, 3, 2), quantity=8)  # 8 g; bundled DDD 2 → 40; dataset DDD 1 → 80
    ds.add("ddd", atc_code="J01DD04", route="P", ddd_g=1.0)
    # a month with J01 lines but no bed-days is not computed
    res = run_ds(ds, ["antimicrobial_intensity"])
    assert ind(res, "antimicrobial_intensity", H1, "2025-03") == 80.0
    assert ind(res, "antimicrobial_intensity", H2, "2025-03") is None


def _stay(ds: Dataset, start: dt.date, patient: str = "P1") -> str:
    """A 10-bed-day stay: every DDD on it adds 10 to the month's intensity."""
    return ds.visit(start, start + dt.timedelta(days=10), kind="inpatient", patient=patient)


def test_colistin_in_million_units_and_the_2019_revision(ds: Dataset, run_ds) -> None:
    # colistin P: 9 MU from 2019 (3 MU before); 36 vials of 0.5 MU = 18 MU = 2 DDD → 20 per 100 bed-days
    v = _stay(ds, D(2025, 3, 1))
    ds.rx(v, D(2025, 3, 2), atc="J01XB01", route="P", strength=0.5, unit="MU", quantity=36)
    # the same line read as grams was the old bug (18 "g" / 9 = 2 by luck); in grams it cannot be converted
    ds.rx(v, D(2025, 3, 3), atc="J01XB01", route="P", strength=0.5, unit=None, quantity=36, drug_code="COLI-G",
          drug_name="注射用硫酸黏菌素（单位误填为g）")
    res = run_ds(ds, ["antimicrobial_intensity"])
    assert ind(res, "antimicrobial_intensity", H1, "2025-03") == 20.0
    left = res.report["ddd"]
    assert left["left_out_by_reason"] == {"unit_not_convertible": 1}
    bad = left["unit_not_convertible"]
    assert bad["lines"] == 1
    assert bad["drugs"][0]["drug_code"] == "COLI-G" and bad["drugs"][0]["strength_unit"] == "g"
    assert bad["drugs"][0]["ddd_unit"] == "MU" and bad["examples"][0]["drug_name"].startswith("注射用硫酸黏菌素")


def test_each_line_takes_the_ddd_in_force_on_its_date(ds: Dataset, run_ds) -> None:
    # amoxicillin oral: 1 g until 2018-12-31, 1.5 g from 2019-01-01; 3 g is 3 DDD, then 2 DDD
    v = _stay(ds, D(2018, 12, 21))  # 10 bed-days: 12-21 … 12-30
    ds.rx(v, D(2018, 12, 30), atc="J01CA04", route="O", strength=0.5, quantity=6)
    w = _stay(ds, D(2019, 1, 1), patient="P2")
    ds.rx(w, D(2019, 1, 2), atc="J01CA04", route="O", strength=0.5, quantity=6)
    res = run_ds(ds, ["antimicrobial_intensity"], start=D(2018, 12, 1), end=D(2019, 1, 31))
    assert ind(res, "antimicrobial_intensity", H1, "2018-12") == 30.0
    assert ind(res, "antimicrobial_intensity", H1, "2019-01") == 20.0


def test_mg_ddd_units_and_unknown_units(ds: Dataset, run_ds) -> None:
    # caspofungin P: DDD 50 mg; 0.05 g and 50 mg are both one DDD; "万U" cannot be converted
    v = _stay(ds, D(2025, 3, 1))
    ds.rx(v, D(2025, 3, 2), atc="J02AX04", route="P", strength=0.05, quantity=1)
    ds.rx(v, D(2025, 3, 3), atc="J02AX04", route="P", strength=50, unit="mg", quantity=1)
    ds.rx(v, D(2025, 3, 4), atc="J01DD04", route="P", strength=1000, unit="MG", quantity=2)  # 2 g ceftriaxone
    ds.rx(v, D(2025, 3, 5), atc="J01XB01", route="P", strength=50, unit="万U", quantity=10, drug_code="COLI-WU")
    ds.add("ddd", atc_code="J01CA04", route="O", ddd_g=1.0, unit=None, drug_code=None)  # (so the ddd table exists)
    res = run_ds(ds, ["antimicrobial_intensity"])
    assert ind(res, "antimicrobial_intensity", H1, "2025-03") == 10.0  # J01 only: ceftriaxone 1 DDD
    bad = res.report["ddd"]["unit_not_convertible"]
    assert bad["lines"] == 1 and bad["drugs"][0]["strength_unit"] == "万U"
    assert res.report["ddd"]["inpatient_lines"] == 2  # J01 lines of inpatient visits (J02 not counted by default)


def test_inhalation_solution_is_the_contracts_inhal(ds: Dataset, run_ds) -> None:
    # amikacin: WHO's only inhaled DDD is Inhal.solution 0.59 g; both spellings find it
    v = _stay(ds, D(2025, 3, 1))
    ds.rx(v, D(2025, 3, 2), atc="J01GB06", route="Inhal", strength=0.59, quantity=2)
    ds.rx(v, D(2025, 3, 3), atc="J01GB06", route="Inhal.solution", strength=0.59, quantity=1)
    res = run_ds(ds, ["antimicrobial_intensity"])
    assert ind(res, "antimicrobial_intensity", H1, "2025-03") == 30.0
    assert res.report["ddd"]["lines_left_out"] == 0


def test_drug_code_ddds_override_the_primary_value(ds: Dataset, run_ds, tmp_path, monkeypatch) -> None:
    # erythromycin oral: WHO's primary DDD 1 g; ethylsuccinate tablets 2 g by drug code
    v = _stay(ds, D(2025, 3, 1))
    ds.rx(v, D(2025, 3, 2), atc="J01FA01", route="O", strength=0.5, quantity=8)  # base: 4 g = 4 DDD
    ds.rx(v, D(2025, 3, 2), atc="J01FA01", route="O", strength=0.5, quantity=8, drug_code="ERY-ES")  # 2 DDD
    ds.rx(v, D(2025, 3, 3), atc="J01FA01", route="O", strength=0.5, quantity=8, drug_code="ERY-RULES")
    assert ind(run_ds(ds.copy(), ["antimicrobial_intensity"]), "antimicrobial_intensity", H1, "2025-03") == 120.0
    ds.add("ddd", atc_code="J01FA01", route="O", ddd_g=2.0, unit="g", drug_code="ERY-ES")
    assert ind(run_ds(ds.copy(), ["antimicrobial_intensity"]), "antimicrobial_intensity", H1, "2025-03") == 100.0
    rules = tmp_path / "rules"
    rules.mkdir()
    from weijian.rules import loader

    text = (loader.BUNDLED_DIR / "antimicrobials.yaml").read_text(encoding="utf-8").replace(
        "ddd_by_drug_code: {}",
        "ddd_by_drug_code:\n  ERY-RULES:\n    2019-01-01: {ddd: 2, unit: g, basis: 'WHO J01FA01 O 2 g 琥乙红霉素片'}\n"
        "  ERY-ES:\n    2019-01-01: {ddd: 4000, unit: mg, basis: 测试：数据集的行优先}")
    (rules / "antimicrobials.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(rules))
    res = run_ds(ds.copy(), ["antimicrobial_intensity"])
    assert ind(res, "antimicrobial_intensity", H1, "2025-03") == 80.0  # 4 + 2 (dataset wins) + 2 (rules data)
    assert res.report["ddd"]["reference"]["rules_drug_codes"] == 2
    assert res.report["ddd"]["reference"]["dataset_drug_rows"] == 1
