"""The registry as arrays, and who may lawfully see patients where and when.

A *pair* is (registration, licensed department of the same institution) for a physician or
assistant physician. Its *clean interval* is the span of days on which a visit in that
department by that practitioner at that institution meets every registry rule of the
contract: institution licence valid and not suspended/revoked/closed, department licensed,
practitioner registered there, practitioner's licence valid, department within the
practitioner's 执业范围. Background visits are drawn only from pairs clean on the visit's day,
so they cannot fire a visit rule; violations start from pairs clean for the whole month and
break one test (a visit at a closed institution, a department not licensed there, a doctor not
registered there, a suspended or unknown doctor, a department outside the doctor's scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as pads

from .catalog import CATALOG, STANDARD_DEPTS
from .common import hash_u

REGISTRY_TABLES = ("institutions", "institution_depts", "practitioners", "practitioner_scopes", "registrations")
FAR = 10**6  # a day number far in the future (year 4707)
DOCTORS = ("physician", "assistant_physician")
_KIND_WEIGHT = {
    ("hospital", "III"): 40.0, ("hospital", "II"): 12.0, ("hospital", "I"): 4.0, ("hospital", "none"): 3.0,
    ("specialist_hospital", "III"): 15.0, ("specialist_hospital", "II"): 6.0, ("specialist_hospital", "I"): 2.0,
    ("specialist_hospital", "none"): 2.0,
}
_OTHER_WEIGHT = {"community_health_center": 5.0, "clinic": 0.8, "aesthetic_clinic": 0.6, "other": 0.5}


def table_path(registry: Path, name: str) -> Path | None:
    """``name.parquet``, a folder ``name/`` of Parquet files, or ``name.csv``; None if absent."""
    for p in (registry / f"{name}.parquet", registry / name, registry / f"{name}.csv"):
        if p.exists():
            return p
    return None


def read_table(registry: Path, name: str) -> pd.DataFrame:
    path = table_path(registry, name)
    if path is None:
        raise FileNotFoundError(f"registry table {name!r} not found in {registry}")
    fmt = "csv" if path.suffix == ".csv" else "parquet"
    return pads.dataset(str(path), format=fmt).to_table().to_pandas()


def _days(col: pd.Series, null: int) -> np.ndarray:
    """A date column as day numbers, nulls replaced by ``null``."""
    s = pd.to_datetime(col, errors="coerce")
    out = np.full(len(s), null, dtype=np.int64)
    ok = s.notna().to_numpy()
    out[ok] = (s[ok].to_numpy().astype("datetime64[D]").astype(np.int64))
    return out


@dataclass
class Pairs:
    """All (registration × licensed department) pairs of doctors, as parallel arrays."""

    prac: np.ndarray
    inst: np.ndarray
    dept: np.ndarray
    primary: np.ndarray
    scope_ok: np.ndarray
    lo: np.ndarray  # first day registration, department and institution are all valid
    hi_wo_prac: np.ndarray  # last such day
    prac_hi: np.ndarray  # last day the practitioner's licence is valid
    weight: np.ndarray

    @property
    def hi(self) -> np.ndarray:
        return np.minimum(self.hi_wo_prac, self.prac_hi)


class Registry:
    """Registry tables loaded once, with the derived validity intervals and weights."""

    def __init__(self, path: Path, seed: int) -> None:
        self.path = path
        self.seed = seed
        inst = read_table(path, "institutions")
        self.inst_id: list[str] = inst["institution_id"].astype(str).tolist()
        self.inst_index = {v: i for i, v in enumerate(self.inst_id)}
        self.inst_kind = inst["kind"].astype(str).to_numpy()
        self.inst_level = inst["level"].astype(str).to_numpy()
        self.inst_beds = pd.to_numeric(inst["beds"]).fillna(0).to_numpy(np.int64)
        self.inst_district = inst["district_code"].astype(str).to_numpy()
        ww = inst["wastewater_class"] if "wastewater_class" in inst else pd.Series([None] * len(inst))
        self.inst_ww = np.array([v if isinstance(v, str) and v else None for v in ww], dtype=object)
        lic_from = _days(inst["licence_valid_from"], -FAR)
        lic_to = _days(inst["licence_valid_to"], FAR)
        stopped = inst["status"].astype(str).isin(["suspended", "revoked", "closed"]).to_numpy()
        since = _days(inst["status_since"], -FAR)
        self.inst_lo = lic_from
        self.inst_hi = np.where(stopped, np.minimum(lic_to, since - 1), lic_to)
        self.n_inst = len(self.inst_id)
        self.inst_weight = self._institution_weights()

        prac = read_table(path, "practitioners")
        self.prac_id: list[str] = prac["practitioner_id"].astype(str).tolist()
        self.prac_index = {v: i for i, v in enumerate(self.prac_id)}
        self.prac_kind = prac["kind"].astype(str).to_numpy()
        p_stop = prac["status"].astype(str).isin(["suspended", "revoked"]).to_numpy()
        p_since = _days(prac["status_since"], -FAR)
        p_lic = _days(prac["licence_valid_to"], FAR) if "licence_valid_to" in prac else np.full(len(prac), FAR)
        self.prac_hi = np.where(p_stop, np.minimum(p_lic, p_since - 1), p_lic)

        depts = read_table(path, "institution_depts")
        scopes = read_table(path, "practitioner_scopes")
        codes = set(depts["dept_code"].astype(str)) | set(scopes["dept_code"].astype(str)) | set(STANDARD_DEPTS)
        codes |= {c[:2] for c in codes}
        self.dept_code = sorted(codes)
        self.dept_index = {c: i for i, c in enumerate(self.dept_code)}
        self.dept_l1 = np.array([self.dept_index[c[:2]] for c in self.dept_code])
        self.dept_profile = np.array([CATALOG.profile_of(c) for c in self.dept_code], dtype=np.int32)
        self.dept_is_er = np.array([c[:2] == "20" for c in self.dept_code])

        d_inst = depts["institution_id"].astype(str).map(self.inst_index)
        keep = d_inst.notna().to_numpy()
        self.d_inst = d_inst[keep].to_numpy(np.int64)
        self.d_dept = depts["dept_code"].astype(str).map(self.dept_index)[keep].to_numpy(np.int64)
        self.d_lo = _days(depts["valid_from"], -FAR)[keep]
        self.d_hi = _days(depts["valid_to"], FAR)[keep]

        s_prac = scopes["practitioner_id"].astype(str).map(self.prac_index)
        s_ok = s_prac.notna().to_numpy()
        self.scope_prac = s_prac[s_ok].to_numpy(np.int64)
        self.scope_dept = scopes["dept_code"].astype(str).map(self.dept_index)[s_ok].to_numpy(np.int64)
        self.scope_keys = np.unique(self.scope_prac * len(self.dept_code) + self.scope_dept)

        regs = read_table(path, "registrations")
        r_prac = regs["practitioner_id"].astype(str).map(self.prac_index)
        r_inst = regs["institution_id"].astype(str).map(self.inst_index)
        ok = (r_prac.notna() & r_inst.notna()).to_numpy()
        self.r_prac = r_prac[ok].to_numpy(np.int64)
        self.r_inst = r_inst[ok].to_numpy(np.int64)
        self.r_primary = regs["is_primary"].astype(bool).to_numpy()[ok]
        self.r_lo = _days(regs["valid_from"], -FAR)[ok]
        self.r_hi = _days(regs["valid_to"], FAR)[ok]
        self.pairs = self._pairs()
        self.inst_weight = self._staffed_weights()

    # ------------------------------------------------------------------ derived tables
    def _institution_weights(self) -> np.ndarray:
        w = np.array([
            _KIND_WEIGHT.get((k, lv), _OTHER_WEIGHT.get(k, 0.5)) for k, lv in zip(self.inst_kind, self.inst_level,
                                                                                 strict=True)
        ])
        w = w + self.inst_beds / 60.0
        jitter = np.exp(0.35 * (hash_u(self.seed, 11, np.arange(self.n_inst)) - 0.5) * 2)
        return w * jitter

    def _staffed_weights(self) -> np.ndarray:
        """Volume follows the doctors who work there (so a doctor's workload is similar everywhere),
        a little higher at higher levels; institutions without doctors keep their kind's weight."""
        p = self.pairs
        staff = np.bincount(p.inst[p.scope_ok], weights=p.weight[p.scope_ok], minlength=self.n_inst)
        level = np.array([{"III": 1.25, "II": 1.1}.get(v, 1.0) for v in self.inst_level])
        return np.where(staff > 0, staff * level, 0.01 * self.inst_weight)

    def chronic_share(self) -> np.ndarray:
        """Per institution, the share of doctors' work in departments that follow chronic patients."""
        p = self.pairs
        chron = np.array([len(pr.chronic) > 0 for pr in CATALOG.profiles])[self.dept_profile[p.dept]]
        w = np.where(p.scope_ok, p.weight, 0.0)
        tot = np.bincount(p.inst, weights=w, minlength=self.n_inst)
        return np.bincount(p.inst, weights=w * chron, minlength=self.n_inst) / np.maximum(tot, 1e-12)

    def has_scope(self, prac: np.ndarray, dept: np.ndarray) -> np.ndarray:
        """Whether the visit's department or its 一级 code is in the practitioner's 执业范围."""
        nd = len(self.dept_code)
        exact = np.isin(prac * nd + dept, self.scope_keys)
        return exact | np.isin(prac * nd + self.dept_l1[dept], self.scope_keys)

    def _pairs(self) -> Pairs:
        doctor = np.isin(self.prac_kind[self.r_prac], DOCTORS)
        reg = np.flatnonzero(doctor)
        order = np.argsort(self.d_inst, kind="stable")
        lo_pos, hi_pos = (np.searchsorted(self.d_inst[order], self.r_inst[reg], s) for s in ("left", "right"))
        counts = hi_pos - lo_pos
        r = np.repeat(reg, counts)
        within = np.arange(len(r)) - np.repeat(np.cumsum(counts) - counts, counts)
        d = order[np.repeat(lo_pos, counts) + within]
        prac, inst, dept = self.r_prac[r], self.r_inst[r], self.d_dept[d]
        scope_ok = self.has_scope(prac, dept)
        lo = np.maximum.reduce([self.r_lo[r], self.d_lo[d], self.inst_lo[inst]])
        hi = np.minimum.reduce([self.r_hi[r], self.d_hi[d], self.inst_hi[inst]])
        prof = self.dept_profile[dept]
        visit_w = np.array([p.visit_weight for p in CATALOG.profiles])[prof]
        prac_w = np.exp(0.2 * (hash_u(self.seed, 12, prac) - 0.5) * 2)
        # spread a registration's work over the departments its scope allows there
        n_ok = np.bincount(r[scope_ok], minlength=len(self.r_prac))[r]
        share = np.where(self.r_primary[r], 1.0, 0.35) / np.maximum(n_ok, 1)
        return Pairs(prac, inst, dept, self.r_primary[r], scope_ok, lo, hi, self.prac_hi[prac],
                     visit_w * prac_w * share)

    def registered_keys(self, ms: int, me: int) -> np.ndarray:
        """prac·n_inst + inst of registrations valid on any day of [ms, me]."""
        ok = (self.r_lo <= me) & (self.r_hi >= ms)
        return np.unique(self.r_prac[ok] * self.n_inst + self.r_inst[ok])

    def licensed_keys(self, ms: int, me: int) -> np.ndarray:
        """inst·n_dept + dept of department rows valid on any day of [ms, me]."""
        ok = (self.d_lo <= me) & (self.d_hi >= ms)
        return np.unique(self.d_inst[ok] * len(self.dept_code) + self.d_dept[ok])

    def inst_open(self, days: np.ndarray, inst: np.ndarray) -> np.ndarray:
        return (self.inst_lo[inst] <= days) & (days <= self.inst_hi[inst])

