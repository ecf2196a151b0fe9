"""Visits of one chunk (a month × a block of institutions): chronic, acute, inpatient, injected.

Background visits come only from pairs clean on the visit's day (see :mod:`.registry`), with a
weekday effect, a winter peak of respiratory infections, chronic patients returning monthly
(≥ 26 days apart), acute episodes with at most one follow-up 2–7 days later, and inpatient stays
of 2–20 days with readmissions 20–60 days after discharge. Violating visits of the five registry
rules are added from pairs that fail one test, and recorded with the rule code in ``inj``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalog import CATALOG, SEASON_INFECTION, WEEKDAY
from .common import group_bounds, grouped_choice, present, weekday
from .registry import Registry

# roles
ACUTE, FOLLOW_UP, CHRONIC, STAY, INJECTED, POST_DEATH = range(6)
# kinds
OUTPATIENT, EMERGENCY, INPATIENT = range(3)
KINDS = ("outpatient", "emergency", "inpatient")
VISIT_RULES = ("", "institution_licence", "out_of_scope_dept", "unregistered_practice", "invalid_licence",
               "practitioner_scope")
FIELDS = ("inst", "dept", "prac", "pair", "pat_kind", "pat", "kind", "start", "end", "dx", "insured", "role",
          "inj", "first_ref", "idle_lo", "idle_len", "dead", "outlier")


@dataclass
class SlotTable:
    """Pairs usable for one purpose, sorted by institution, for weighted draws per institution."""

    pair: np.ndarray
    inst: np.ndarray
    cum: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def build(cls, reg: Registry, pair_idx: np.ndarray, weight: np.ndarray) -> SlotTable:
        keep = weight > 0
        pair_idx, weight = pair_idx[keep], weight[keep]
        inst = reg.pairs.inst[pair_idx]
        order = np.argsort(inst, kind="stable")
        lo, hi = group_bounds(inst[order], reg.n_inst)
        return cls(pair_idx[order], inst[order], np.cumsum(weight[order]), lo, hi)

    def has(self, inst: np.ndarray) -> np.ndarray:
        return self.hi[inst] > self.lo[inst]

    def draw(self, inst: np.ndarray, u: np.ndarray) -> np.ndarray:
        return self.pair[grouped_choice(inst, self.lo, self.hi, self.cum, u)]


def valid_on(reg: Registry, pair: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether each pair is clean on the visit's day."""
    return (reg.pairs.lo[pair] <= day) & (day <= reg.pairs.hi[pair])


def subset(f: dict[str, np.ndarray], keep: np.ndarray) -> dict[str, np.ndarray]:
    """Some rows of a frame (``first_ref`` values, which point into another frame, are kept)."""
    return {k: v[keep] for k, v in f.items()}


def empty_frame() -> dict[str, np.ndarray]:
    return {f: np.zeros(0, dtype=np.int64) for f in FIELDS}


REPEAT_EXAM = 10  # ``inj`` marker of a follow-up that repeats its first visit's test
SPLIT = 11  # ``inj`` marker of a stay that splits an earlier one


def concat(frames: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    frames = [f for f in frames if len(f["inst"])] or [empty_frame()]
    return {k: np.concatenate([f[k] for f in frames]) for k in FIELDS}


def frame(reg: Registry, pair: np.ndarray, **cols: np.ndarray | int) -> dict[str, np.ndarray]:
    """A visit frame from pairs; unspecified columns get defaults."""
    n = len(pair)
    p = reg.pairs
    out = {
        "inst": p.inst[pair], "dept": p.dept[pair], "prac": p.prac[pair], "pair": pair,
        "pat_kind": np.zeros(n, np.int64), "pat": np.full(n, -1, np.int64), "kind": np.zeros(n, np.int64),
        "start": np.zeros(n, np.int64), "end": np.zeros(n, np.int64), "dx": np.zeros(n, np.int64),
        "insured": np.ones(n, np.int64), "role": np.zeros(n, np.int64), "inj": np.zeros(n, np.int64),
        "first_ref": np.full(n, -1, np.int64), "idle_lo": np.zeros(n, np.int64), "idle_len": np.zeros(n, np.int64),
        "dead": np.zeros(n, np.int64), "outlier": np.full(n, -1, np.int64),
    }
    for k, v in cols.items():
        out[k] = np.broadcast_to(np.asarray(v, dtype=np.int64), (n,)).copy()
    return out


class Month:
    """One month's context: its days, slot tables, and draws shared by the chunk generators."""

    def __init__(self, reg: Registry, pair_weight: np.ndarray, ms: int, me: int, month_no: int) -> None:
        self.reg, self.ms, self.me, self.month_no = reg, ms, me, month_no
        self.days = np.arange(ms, me + 1)
        self.month_of_year = int(np.datetime64(ms, "D").astype("datetime64[M]").astype(np.int64) % 12) + 1
        p = reg.pairs
        covers = (p.lo <= ms) & (p.hi >= me) & (pair_weight > 0)
        # background: pairs clean on some day of the month; each visit's day is checked against its pair
        clean = np.flatnonzero((p.lo <= me) & (p.hi >= ms) & p.scope_ok & (pair_weight > 0))
        prof = reg.dept_profile[p.dept[clean]]
        inp_ok = np.array([pr.inpatient for pr in CATALOG.profiles])[prof] & (reg.inst_beds[p.inst[clean]] > 0)
        chron_ok = np.array([len(pr.chronic) > 0 for pr in CATALOG.profiles])[prof]
        w = pair_weight[clean]
        self.acute = SlotTable.build(reg, clean, w)
        self.inpatient = SlotTable.build(reg, clean, w * inp_ok * (~reg.dept_is_er[p.dept[clean]]))
        self.chronic = SlotTable.build(reg, clean, w * chron_ok)
        # candidates for violations
        wo = (p.lo <= ms) & (p.hi_wo_prac >= me) & (pair_weight > 0)
        self.cand_scope = np.flatnonzero(covers & ~p.scope_ok & ~reg.dept_is_er[p.dept])
        self.cand_invalid = np.flatnonzero(wo & p.scope_ok & (p.prac_hi < ms))
        self.clean = clean
        self.clean_full = np.flatnonzero(covers & p.scope_ok)  # clean on every day: the base of violations
        self.weight_ok = pair_weight > 0

    def day_weights(self, er: bool) -> np.ndarray:
        w = np.ones(len(self.days)) if er else np.array(WEEKDAY)[weekday(self.days)]
        return w / w.sum()

    def draw_days(self, rng: np.random.Generator, n: int, er: np.ndarray | None = None) -> np.ndarray:
        d = self.days[rng.choice(len(self.days), size=n, p=self.day_weights(False))]
        if er is not None and er.any():
            d[er] = self.days[rng.integers(0, len(self.days), int(er.sum()))]
        return d


def draw_dx(rng: np.random.Generator, profile: np.ndarray, month_of_year: int) -> np.ndarray:
    """ICD-10 diagnoses by department profile, infections weighted by season."""
    out = np.zeros(len(profile), dtype=np.int64)
    season = SEASON_INFECTION[month_of_year - 1]
    for pi in present(profile, len(CATALOG.profiles)):
        rows = np.flatnonzero(profile == pi)
        pr = CATALOG.profiles[pi]
        w = np.array([wt * (season if inf else 1.0) for _, wt, inf in pr.dx])
        codes = np.array([CATALOG.dx_index[c] for c, _, _ in pr.dx])
        out[rows] = codes[rng.choice(len(codes), size=len(rows), p=w / w.sum())]
    return out


def chronic_dx(profile: np.ndarray, u: np.ndarray) -> np.ndarray:
    out = np.zeros(len(profile), dtype=np.int64)
    for pi in present(profile, len(CATALOG.profiles)):
        rows = np.flatnonzero(profile == pi)
        ch = CATALOG.profiles[pi].chronic
        cw = np.cumsum([w for _, w in ch])
        k = np.searchsorted(cw / cw[-1], u[rows], side="right").clip(0, len(ch) - 1)
        out[rows] = np.array([CATALOG.dx_index[c] for c, _ in ch])[k]
    return out


def profile_of_pair(reg: Registry, pair: np.ndarray) -> np.ndarray:
    return reg.dept_profile[reg.pairs.dept[pair]]


def insured_flags(rng: np.random.Generator, profile: np.ndarray, p: float) -> np.ndarray:
    aesthetic = profile == CATALOG.profile_index["aesthetic"]
    return ((rng.random(len(profile)) < p) & ~aesthetic).astype(np.int64)
