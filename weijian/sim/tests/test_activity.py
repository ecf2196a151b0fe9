"""Tests of ``weijian sim activity`` on a tiny registry (no database, a few seconds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from weijian.sim.activity import generate, main, toy

# The contract's activity tables (contracts/analytics-v1.md), written independently of the code.
_T = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "money": pa.float64(), "bool": pa.bool_(),
      "date": pa.date32(), "ts": pa.timestamp("us")}
CONTRACT = {
    "visits": "visit_id str, institution_id str, dept_code str, practitioner_id str, patient_id str, kind str, "
              "start_date date, end_date date, diagnosis str, insured bool",
    "prescriptions": "line_id str, visit_id str, date date, institution_id str, practitioner_id str, patient_id str, "
                     "drug_code str, drug_name str, atc_code str, route str, unit_strength_g float, quantity float, "
                     "days_supply int, amount money, strength_unit str",
    "charges": "line_id str, visit_id str, date date, institution_id str, patient_id str, item_code str, "
               "item_kind str, quantity float, unit_price money, amount money, insured_amount money",
    "deaths": "patient_id str, death_date date",
    "waste_bags": "bag_id str, institution_id str, category str, weight_kg float, sealed_at ts, collected_at ts, "
                  "manifest_id str",
    "waste_manifests": "manifest_id str, institution_id str, carrier_id str, handed_over_at ts, "
                       "declared_weight_kg float, received_at ts, received_weight_kg float",
    "wastewater_readings": "institution_id str, sensor_id str, ts ts, residual_chlorine_mg_l float, ph float",
}
RULES = ("institution_licence", "out_of_scope_dept", "unregistered_practice", "invalid_licence", "practitioner_scope",
         "antimicrobial_intensity", "split_admission", "duplicate_charge", "post_death_charge", "idle_inpatient_days",
         "repeat_exam", "waste_overdue_storage", "waste_weight_gap", "wastewater_chlorine", "wastewater_flatline",
         "prescribing_outlier", "ghost_registration")
STATISTICAL = {"prescribing_outlier", "ghost_registration"}
START = dt.date(2025, 1, 1)


def _read(ds: Path, name: str) -> pa.Table:
    path = ds / name if (ds / name).is_dir() else ds / f"{name}.parquet"
    return pads.dataset(str(path), format="parquet").to_table()


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return toy.build(tmp_path_factory.mktemp("registry"), n_inst=14)


@pytest.fixture(scope="module")
def dirty(registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dirty")
    generate(registry, out, months=2, rate=0.05, seed=3, start=START)
    return out


@pytest.fixture(scope="module")
def clean(registry: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate(registry, out, months=2, rate=0.0, seed=3, start=START)
    return out


def test_same_seed_same_output(registry: Path, tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, 11), (b, 11), (c, 12)):
        generate(registry, out, months=1, rate=0.02, seed=seed, start=START, truth=False)
    for name in CONTRACT:
        assert _read(a, name).equals(_read(b, name)), name
    assert not _read(a, "visits").equals(_read(c, "visits"))
    assert pq.read_table(a / "sim_injected.parquet").equals(pq.read_table(b / "sim_injected.parquet"))


def test_tables_have_exactly_the_contract_columns_and_types(dirty: Path) -> None:
    for name, spec in CONTRACT.items():
        expected = [(c.split()[0], _T[c.split()[1]]) for c in spec.split(", ")]
        schema = _read(dirty, name).schema
        assert [(f.name, f.type) for f in schema] == expected, name
        assert _read(dirty, name).num_rows > 0, name
    for name in ("institutions", "institution_depts", "practitioners", "practitioner_scopes", "registrations"):
        assert (dirty / f"{name}.parquet").exists()
    truth = pq.read_table(dirty / "truth.parquet")
    assert truth.schema.names == ["rule_id", "subject_id"]


def test_clean_data_points_at_registry_ids(clean: Path) -> None:
    con = duckdb.connect()
    for name in ("visits", "prescriptions", "charges", "institutions", "practitioners", "waste_bags",
                 "waste_manifests", "wastewater_readings"):
        con.register(name, _read(clean, name))
    orphans = {
        "visit institution": "SELECT count(*) FROM visits WHERE institution_id NOT IN (SELECT institution_id FROM institutions)",
        "visit practitioner": "SELECT count(*) FROM visits WHERE practitioner_id NOT IN (SELECT practitioner_id FROM practitioners)",
        "rx visit": "SELECT count(*) FROM prescriptions WHERE visit_id NOT IN (SELECT visit_id FROM visits)",
        "charge visit": "SELECT count(*) FROM charges WHERE visit_id NOT IN (SELECT visit_id FROM visits)",
        "bag manifest": "SELECT count(*) FROM waste_bags WHERE manifest_id NOT IN (SELECT manifest_id FROM waste_manifests)",
        "sensor institution": "SELECT count(*) FROM wastewater_readings "
                              "WHERE institution_id NOT IN (SELECT institution_id FROM institutions)",
        "duplicate visit id": "SELECT count(*) - count(DISTINCT visit_id) FROM visits",
        "duplicate charge id": "SELECT count(*) - count(DISTINCT line_id) FROM charges",
        "outpatient end": "SELECT count(*) FROM visits WHERE kind <> 'inpatient' AND end_date <> start_date",
        "short stay": "SELECT count(*) FROM visits WHERE kind = 'inpatient' AND end_date - start_date NOT BETWEEN 2 AND 20",
    }
    for what, sql in orphans.items():
        assert con.execute(sql).fetchone()[0] == 0, what


def test_truth_covers_every_rule(dirty: Path) -> None:
    truth = pq.read_table(dirty / "truth.parquet")
    assert set(truth["rule_id"].to_pylist()) == set(RULES)
    injected = pq.read_table(dirty / "sim_injected.parquet")
    con = duckdb.connect()
    con.register("truth", truth)
    con.register("injected", injected)
    missed = con.execute("SELECT rule_id, subject_id FROM injected WHERE rule_id <> 'ghost_registration' "
                         "EXCEPT SELECT rule_id, subject_id FROM truth")
    assert missed.fetchall() == []  # everything injected on purpose meets its rule


def test_no_violations_means_no_deterministic_truth(clean: Path) -> None:
    truth = pq.read_table(clean / "truth.parquet")
    deterministic = [r for r in truth["rule_id"].to_pylist() if r not in STATISTICAL]
    assert deterministic == []
    assert pq.read_table(clean / "sim_injected.parquet").num_rows == 0


def test_background_is_realistic(clean: Path) -> None:
    con = duckdb.connect()
    for name in ("visits", "prescriptions", "charges", "wastewater_readings", "institutions"):
        con.register(name, _read(clean, name))
    weekday, weekend = con.execute("SELECT avg(n) FILTER (WHERE dow NOT IN (0, 6)), avg(n) FILTER (WHERE dow IN (0, 6)) "
                                   "FROM (SELECT start_date, dayofweek(start_date) AS dow, count(*) AS n FROM visits "
                                   "WHERE kind = 'outpatient' GROUP BY ALL)").fetchone()
    assert weekend < 0.8 * weekday
    share = con.execute("SELECT avg(CASE WHEN v.kind = 'inpatient' THEN 1 ELSE 0 END) FROM visits v").fetchone()[0]
    assert 0.005 < share < 0.1
    j01 = con.execute("SELECT count(DISTINCT visit_id) FILTER (WHERE atc_code LIKE 'J01%') / count(DISTINCT visit_id) "
                      "FROM prescriptions JOIN visits USING (visit_id) WHERE kind = 'outpatient'").fetchone()[0]
    assert 0.05 < j01 < 0.4
    beds = con.execute("SELECT count(*) FROM charges c JOIN visits v USING (visit_id) WHERE c.item_kind = 'bed' "
                       "AND (c.date < v.start_date OR c.date >= v.end_date)").fetchone()[0]
    assert beds == 0
    n_sensor_days = con.execute("SELECT count(*) FROM (SELECT DISTINCT sensor_id, CAST(ts AS DATE) FROM "
                                "wastewater_readings)").fetchone()[0]
    assert con.execute("SELECT count(*) FROM wastewater_readings").fetchone()[0] == 96 * n_sensor_days


def test_cli(registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["--registry", str(registry), "--months", "1", "--preset", "small", "--violations", "0.01",
               "--seed", "1", "--out", str(tmp_path / "ds"), "--start", "2025-03-01"])
    assert rc == 0
    assert (tmp_path / "ds" / "truth.parquet").exists()
    assert "rows/s" in capsys.readouterr().out


def test_antimicrobials_are_measured_by_the_bundled_reference(dirty: Path) -> None:
    """No dataset ddd table: every antimicrobial the simulator dispenses has a DDD in the bundled WHO table."""
    from weijian.analytics import ddd

    assert not (dirty / "ddd.parquet").exists() and not (dirty / "ddd").exists()
    con = duckdb.connect()
    con.register("rx", _read(dirty, "prescriptions"))
    rows = con.execute("SELECT drug_code, atc_code, route, strength_unit, min(date), max(date), count(*) FROM rx "
                       "WHERE regexp_matches(atc_code, '^(J01|J02|P01AB)') GROUP BY ALL").fetchall()
    groups = {atc[:5] if atc.startswith("P01AB") else atc[:3] for _, atc, *_ in rows}
    assert groups == {"J01", "J02", "P01AB"}
    assert {r[3] for r in rows} == {"g", "mg", "MU"}
    names = {r[1] for r in rows}
    assert {"J01DD07", "J01DC01", "J01DC09", "J01XD03", "J01CA10", "J01DH05", "J01XB01", "J02AX04"} <= names
    for code, atc, route, unit, first, last, _ in rows:
        for day in (first, last):
            found = ddd.in_force(atc, route, day, code)
            assert found is not None, (code, atc, route)
            assert unit == found.unit or {unit, found.unit} == {"g", "mg"}, (code, unit, found.unit)
