"""Tests of ``weijian sim city``: determinism, valid identifiers, referential integrity, plausibility.

Most tests run on a tiny custom preset so the module stays fast; one generates the ``small`` preset.
No database is needed.
"""

from __future__ import annotations

import stat
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from stdnum.cn import ric, uscc

from weijian.core.reference import streets_of
from weijian.sim import city, supervised
from weijian.sim.names import DEPTS, DISTRICTS, INSPECTION_FIELDS

TINY = city.Preset(districts=("310101", "310112"), institutions=80, practitioners=600, inspectors=12,
                   streets_per_district=(5, 5))


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    return city.generate(TINY, seed=7)


def rows(table: pa.Table) -> list[dict]:
    return table.to_pylist()


def test_same_seed_same_bytes_and_different_seed_differs(tmp_path: Path) -> None:
    for folder, seed in (("a", 3), ("b", 3), ("c", 4)):
        city.write_tables(city.generate(TINY, seed), tmp_path / folder)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(f"{name}.parquet" for name in city.SCHEMAS)
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert any((tmp_path / "a" / n).read_bytes() != (tmp_path / "c" / n).read_bytes() for n in files)


def test_schemas_are_exact(tables: dict[str, pa.Table]) -> None:
    for name, table in tables.items():
        assert table.schema == city.SCHEMAS[name], name
        for field in table.schema:
            if not field.nullable:
                assert table.column(field.name).null_count == 0, (name, field.name)


def test_institution_ids_are_valid_unique_uscc(tables: dict[str, pa.Table]) -> None:
    inst = rows(tables["institutions"])
    ids = [r["institution_id"] for r in inst]
    assert len(set(ids)) == len(ids)
    assert len({r["name"] for r in inst}) == len(inst)
    assert len({r["licence_no"] for r in inst}) == len(inst)
    for r in inst:
        iid = r["institution_id"]
        assert uscc.is_valid(iid), iid
        assert iid[:2] in {"12", "52", "91", "92"}
        assert iid[2:8] == r["district_code"]
        assert not set(iid) & set("IOSVZ")
        assert (iid[:2] == "12") == (r["ownership"] == "public")
        assert r["profit"] == ("nonprofit" if iid[:2] in {"12", "52"} else "forprofit")
        assert r["street_code"].startswith(r["district_code"])


def test_institution_values_follow_the_contract(tables: dict[str, pa.Table]) -> None:
    for r in rows(tables["institutions"]):
        assert r["kind"] in {"hospital", "specialist_hospital", "community_health_center", "clinic",
                             "aesthetic_clinic", "other"}
        assert r["level"] in {"III", "II", "I", "none"}
        assert r["status"] in {"active", "suspended", "revoked", "closed"}
        assert r["wastewater_class"] in {None, "infectious", "general_direct", "general_sewer"}
        assert 1824 <= (r["licence_valid_to"] - r["licence_valid_from"]).days <= 1826  # 5 years less a day
        if r["kind"] == "hospital":
            assert r["level"] in {"III", "II"} and 100 <= r["beds"] <= 2000 and r["wastewater_class"]
        if r["kind"] == "community_health_center":
            assert r["level"] == "I" and 0 <= r["beds"] <= 100 and r["name"].endswith("社区卫生服务中心")
        if r["kind"] in {"clinic", "aesthetic_clinic"}:
            assert r["level"] == "none" and r["beds"] == 0 and r["wastewater_class"] is None


def test_kind_mix_is_plausible(tables: dict[str, pa.Table]) -> None:
    inst = rows(tables["institutions"])
    kinds = Counter(r["kind"] for r in inst)
    streets = [r for r in rows(tables["regions"]) if r["level"] == "street"]
    assert kinds["clinic"] > len(inst) / 2
    assert kinds["community_health_center"] == len(streets)
    assert {r["street_code"] for r in inst if r["kind"] == "community_health_center"} == {
        r["code"] for r in streets}
    assert 1 <= kinds["hospital"] + kinds["specialist_hospital"] <= 0.1 * len(inst)
    assert 1 <= kinds["aesthetic_clinic"] <= 0.1 * len(inst)
    expired = [r for r in inst if r["licence_valid_to"] < city.AS_OF]
    assert 1 <= len(expired) <= 0.06 * len(inst)
    current = [r for r in inst if r["licence_valid_to"] >= city.AS_OF]
    assert all(r["licence_valid_from"] <= city.AS_OF and r["licence_valid_to"] >= date(2025, 12, 31) for r in current)


def test_regions_hang_under_preset_districts(tables: dict[str, pa.Table]) -> None:
    regions = rows(tables["regions"])
    streets = {r["code"]: r for r in regions if r["level"] == "street"}
    grids = [r for r in regions if r["level"] == "grid"]
    assert {r["level"] for r in regions} == {"street", "grid"}
    shipped = {(s.code, s.name) for d in TINY.districts for s in streets_of(d)}
    for code, r in streets.items():
        assert len(code) == 9 and r["parent_code"] in TINY.districts and code.startswith(r["parent_code"])
        assert (code, r["name"]) in shipped  # the real code and name, from the shipped 统计用区划代码
        assert r["name"].endswith(("街道", "镇", "乡")) and int(code[6:]) < 400
    per_district = Counter(r["parent_code"] for r in streets.values())
    assert set(per_district.values()) == {5}
    for g in grids:
        assert len(g["code"]) == 12 and g["parent_code"] in streets and g["code"].startswith(g["parent_code"])
        assert g["name"].startswith(streets[g["parent_code"]]["name"]) and g["name"].endswith("网格")
    assert set(Counter(g["parent_code"] for g in grids).values()) <= {2, 3, 4}
    assert len({r["code"] for r in regions}) == len(regions)


def test_depts_are_valid_codes_with_unique_natural_keys(tables: dict[str, pa.Table]) -> None:
    depts = rows(tables["institution_depts"])
    ids = set(tables["institutions"].column("institution_id").to_pylist())
    keys = [(r["institution_id"], r["dept_code"], r["valid_from"]) for r in depts]
    assert len(set(keys)) == len(keys)
    for r in depts:
        assert r["institution_id"] in ids and r["dept_code"] in DEPTS
        assert r["valid_to"] is None or r["valid_from"] < r["valid_to"] < city.AS_OF
    kinds = {r["institution_id"]: r["kind"] for r in rows(tables["institutions"])}
    counts = Counter(iid for iid, _ in {(r["institution_id"], r["dept_code"]) for r in depts})
    assert all(counts[iid] >= 1 for iid in kinds)
    for iid, kind in kinds.items():
        if kind == "hospital":
            assert 10 <= counts[iid] <= 25
        elif kind in {"clinic", "aesthetic_clinic"}:
            assert 1 <= counts[iid] <= 2
        elif kind == "community_health_center":
            assert 4 <= counts[iid] <= 8


def test_practitioners_have_valid_ids(tables: dict[str, pa.Table]) -> None:
    people = rows(tables["practitioners"])
    pids = [r["practitioner_id"] for r in people]
    assert len(set(pids)) == len(pids)
    assert all(len(p) == 15 and p.isdigit() for p in pids)
    id_numbers = [r["id_number"] for r in people]
    assert len(set(id_numbers)) == len(id_numbers)
    for r in people:
        assert ric.is_valid(r["id_number"]), r["id_number"]
        born = ric.get_birth_date(r["id_number"])
        age = city.AS_OF.year - born.year - ((city.AS_OF.month, city.AS_OF.day) < (born.month, born.day))
        assert 23 <= age <= 65
        assert r["id_number"][:4] == "3101" or r["id_number"][:4] == "3102"
        assert 2 <= len(r["name"]) <= 4
        assert r["kind"] in city.PRACTITIONER_KINDS and r["status"] in {"active", "suspended", "revoked"}


def test_kind_shares_of_practitioners(tables: dict[str, pa.Table]) -> None:
    kinds = Counter(tables["practitioners"].column("kind").to_pylist())
    n = sum(kinds.values())
    assert 0.35 < kinds["physician"] / n < 0.55 and 0.3 < kinds["nurse"] / n < 0.5


def test_registrations_point_at_known_ids_and_have_one_primary(tables: dict[str, pa.Table]) -> None:
    regs = rows(tables["registrations"])
    pids = set(tables["practitioners"].column("practitioner_id").to_pylist())
    iids = set(tables["institutions"].column("institution_id").to_pylist())
    keys = [(r["practitioner_id"], r["institution_id"], r["valid_from"]) for r in regs]
    assert len(set(keys)) == len(keys)
    assert all(r["practitioner_id"] in pids and r["institution_id"] in iids for r in regs)
    assert all(r["valid_to"] is None or r["valid_from"] < r["valid_to"] for r in regs)
    primaries = Counter(r["practitioner_id"] for r in regs if r["is_primary"])
    assert set(primaries) == pids and set(primaries.values()) == {1}
    assert any(not r["is_primary"] for r in regs)  # some 多点执业


def test_doctors_scopes_match_their_primary_institution(tables: dict[str, pa.Table]) -> None:
    open_depts: dict[str, set[str]] = {}
    for r in rows(tables["institution_depts"]):
        if r["valid_to"] is None:
            open_depts.setdefault(r["institution_id"], set()).add(r["dept_code"][:2])
    primary = {r["practitioner_id"]: r["institution_id"] for r in rows(tables["registrations"]) if r["is_primary"]}
    scopes: dict[str, set[str]] = {}
    for r in rows(tables["practitioner_scopes"]):
        scopes.setdefault(r["practitioner_id"], set()).add(r["dept_code"])
    for r in rows(tables["practitioners"]):
        mine = scopes.get(r["practitioner_id"], set())
        if r["kind"] in {"physician", "assistant_physician"}:
            assert 1 <= len(mine) <= 2 and mine <= open_depts[primary[r["practitioner_id"]]]
    keys = [(r["practitioner_id"], r["dept_code"]) for r in rows(tables["practitioner_scopes"])]
    assert len(set(keys)) == len(keys)


def test_every_institution_has_a_doctor(tables: dict[str, pa.Table]) -> None:
    kinds = {r["practitioner_id"]: r["kind"] for r in rows(tables["practitioners"])}
    staffed = {r["institution_id"] for r in rows(tables["registrations"])
               if r["is_primary"] and kinds[r["practitioner_id"]] in {"physician", "assistant_physician"}}
    assert staffed == set(tables["institutions"].column("institution_id").to_pylist())


def test_inspectors(tables: dict[str, pa.Table]) -> None:
    inspectors = rows(tables["inspectors"])
    badges = [r["badge_no"] for r in inspectors]
    assert len(set(badges)) == len(badges) == TINY.inspectors
    for r in inspectors:
        assert len(r["badge_no"]) == 12 and r["badge_no"].isdigit()
        assert r["badge_no"][:6] == "31" + r["region_code"][2:]
        assert r["region_code"] in TINY.districts
        assert r["department"] in city.DEPARTMENTS
        assert r["fields"] and set(r["fields"].split(";")) <= set(INSPECTION_FIELDS)


def test_street_pools_are_the_real_streets_without_zones_and_farms() -> None:
    pudong = dict(city.street_pool("310115"))
    assert pudong["310115004"] == "潍坊新村街道" and pudong["310115103"] == "川沙新镇"
    assert not any(name.endswith(("园区", "开发区", "农场")) for name in pudong.values())
    assert "310151202" in dict(city.street_pool("310151"))  # 横沙乡


def test_small_preset_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert city.main(["--preset", "small", "--seed", "20261123", "--out", str(tmp_path / "small")]) == 0
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "small").iterdir()}
    assert modes["practitioners.parquet"] == 0o600  # holds 身份证 numbers
    assert "institutions" in capsys.readouterr().out
    inst = pq.read_table(tmp_path / "small" / "institutions.parquet")
    assert inst.num_rows == city.PRESETS["small"].institutions
    assert set(inst.column("district_code").to_pylist()) == set(city.PRESETS["small"].districts)
    assert all(uscc.is_valid(i) for i in inst.column("institution_id").to_pylist())
    people = pq.read_table(tmp_path / "small" / "practitioners.parquet")
    assert people.num_rows == city.PRESETS["small"].practitioners
    assert all(ric.is_valid(i) for i in people.column("id_number").to_pylist())


def test_presets_cover_shanghai() -> None:
    assert set(city.PRESETS["city"].districts) == set(DISTRICTS) and len(DISTRICTS) == 16
    assert all(code.startswith("31") for code in DISTRICTS) and DISTRICTS["310115"] == "浦东新区"
    assert set(city.PRESETS["small"].districts) == {"310101", "310104", "310106", "310115"}


def test_supervised_units_have_their_kinds_licences_and_never_reuse_an_institution_id(
    tables: dict[str, pa.Table],
) -> None:
    from weijian.registry import kinds

    units = rows(tables["supervised_units"])
    per_district = supervised.counts(1, TINY.supervised_scale)
    assert len(units) == sum(per_district.values()) * len(TINY.districts)
    medical = {r["institution_id"] for r in rows(tables["institutions"])}
    ids = [r["institution_id"] for r in units]
    assert len(set(ids)) == len(ids) and not set(ids) & medical and all(uscc.is_valid(i) for i in ids)
    for r in units:
        licence = kinds.licence_of(r["kind"])
        assert kinds.sector_of(r["kind"]) != "medical"
        assert bool(r["licence_no"]) == (licence != "none"), r
        assert (r["licence_valid_to"] is not None) == (licence == "hygiene"), r
    ends = [r["licence_valid_to"] for r in units if r["licence_valid_to"]]
    assert any(e < city.AS_OF for e in ends) or len(ends) < 20


def test_city_preset_has_hundreds_of_public_places_per_district() -> None:
    big = supervised.counts(1, city.PRESETS["city"].supervised_scale)
    public_places = sum(big[k] for k in ("hotel", "bath", "swimming_pool", "beauty_salon"))
    assert public_places >= 200 and 10 <= big["water_supplier"] < 100 and 10 <= big["school"] < 100
    assert all(big[k] < 10 for k in ("disinfection_maker", "radiological_employer", "occupational_employer"))


def test_inspectors_badge_validity_and_conflicts(tables: dict[str, pa.Table]) -> None:
    inspectors = rows(tables["inspectors"])
    assert all(r["badge_valid_to"] > r["badge_valid_from"] for r in inspectors)
    known = {r["badge_no"]: r["region_code"] for r in inspectors}
    districts = {r["institution_id"]: r["district_code"] for r in rows(tables["institutions"])}
    for conflict in rows(tables["inspector_conflicts"]):
        assert districts[conflict["institution_id"]] == known[conflict["badge_no"]]
        assert conflict["ended_on"] is None or conflict["ended_on"] >= conflict["declared_on"]
