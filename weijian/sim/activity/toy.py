"""A small registry in the contract's shape, for tests and benchmarks without ``weijian sim city``.

It has the awkward cases the rules care about: a suspended hospital, a clinic whose licence
expires mid-year, a department licence that ends, suspended and expired practitioners,
registrations that end, and doctors registered at two institutions (多点执业).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from stdnum.cn import uscc

_HOSPITAL_DEPTS = ("03", "03.01", "03.04", "04", "05", "07", "10", "11", "12", "16", "19", "20", "21", "28", "30",
                   "32", "50")
_KINDS = (("hospital", "III", 800, _HOSPITAL_DEPTS), ("hospital", "II", 250, _HOSPITAL_DEPTS[:12]),
          ("specialist_hospital", "II", 120, ("03", "07", "20")), ("community_health_center", "I", 30,
                                                                    ("02", "03", "12", "50")),
          ("clinic", "none", 0, ("03", "50")), ("clinic", "none", 0, ("12",)),
          ("aesthetic_clinic", "none", 0, ("14", "13")))


def _uscc(n: int) -> str:
    body = f"12310115{n:09d}"
    return body + uscc.calc_check_digit(body)


def build(out: Path, n_inst: int = 14, doctors_per_bed: float = 0.25, seed: int = 7) -> Path:
    """Write the five registry tables into ``out`` and return it."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    d = dt.date
    inst, depts, pracs, scopes, regs = [], [], [], [], []
    for i in range(n_inst):
        kind, level, beds, codes = _KINDS[i % len(_KINDS)]
        iid = _uscc(1000 + i)
        status, since = "active", d(2019, 1, 1)
        lic_to = d(2029, 12, 31)
        if i == 8:
            status, since = "suspended", d(2025, 1, 20)
        if i == 11:
            lic_to = d(2025, 1, 25)
        ww = ("infectious" if level == "III" else "general_direct") if beds else (
            "general_sewer" if kind == "community_health_center" else None)
        inst.append((iid, f"第{i + 1}医疗机构", kind, level, "310115", beds, d(2018, 1, 1), lic_to, status, since, ww))  # i18n: data (synthetic name)
        for j, c in enumerate(codes):
            depts.append((iid, c, d(2018, 1, 1), d(2025, 1, 15) if (i == 0 and j == 3) else None))
        n_doc = max(2, int(beds * doctors_per_bed) + 3 * len(codes))
        for k in range(n_doc):
            pid = f"1103101{i:02d}{k:06d}"
            kindp = "physician" if k % 9 else ("nurse" if k % 2 else "assistant_physician")
            pst, psince, plic = "active", d(2015, 1, 1), None
            if k == 5:
                pst, psince = "suspended", d(2024, 6, 1)
            if k == 6:
                plic = d(2024, 12, 31)
            pracs.append((pid, f"医师{i}-{k}", kindp, pst, psince, plic))  # i18n: data (synthetic name)
            main = codes[k % len(codes)]
            scopes.append((pid, main[:2]))
            if rng.random() < 0.3:
                scopes.append((pid, codes[(k + 1) % len(codes)][:2]))
            regs.append((pid, iid, True, d(2016, 1, 1), d(2025, 1, 10) if k == 7 else None))
            peers = [j for j in range(n_inst) if j != i and main[:2] in {c[:2] for c in _KINDS[j % len(_KINDS)][3]}]
            if rng.random() < 0.2 and peers:
                other = _uscc(1000 + peers[int(rng.integers(0, len(peers)))])
                regs.append((pid, other, False, d(2020, 1, 1), None))
    _write(out / "institutions.parquet", inst, [
        ("institution_id", pa.string()), ("name", pa.string()), ("kind", pa.string()), ("level", pa.string()),
        ("district_code", pa.string()), ("beds", pa.int64()), ("licence_valid_from", pa.date32()),
        ("licence_valid_to", pa.date32()), ("status", pa.string()), ("status_since", pa.date32()),
        ("wastewater_class", pa.string())])
    _write(out / "institution_depts.parquet", depts, [
        ("institution_id", pa.string()), ("dept_code", pa.string()), ("valid_from", pa.date32()),
        ("valid_to", pa.date32())])
    _write(out / "practitioners.parquet", pracs, [
        ("practitioner_id", pa.string()), ("name", pa.string()), ("kind", pa.string()), ("status", pa.string()),
        ("status_since", pa.date32()), ("licence_valid_to", pa.date32())])
    _write(out / "practitioner_scopes.parquet", list(dict.fromkeys(scopes)), [
        ("practitioner_id", pa.string()), ("dept_code", pa.string())])
    _write(out / "registrations.parquet", regs, [
        ("practitioner_id", pa.string()), ("institution_id", pa.string()), ("is_primary", pa.bool_()),
        ("valid_from", pa.date32()), ("valid_to", pa.date32())])
    return out


def _write(path: Path, rows: list[tuple], cols: list[tuple[str, pa.DataType]]) -> None:
    arrays = [pa.array([r[j] for r in rows], type=t) for j, (_, t) in enumerate(cols)]
    pq.write_table(pa.table(arrays, names=[c for c, _ in cols]), path)
