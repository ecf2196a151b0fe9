"""The kinds of visit a chunk is made of, each drawn in one vectorised pass.

Every function returns a visit frame (see :mod:`.visits`); ``first_ref`` points at the row whose
patient a visit shares (a follow-up's first visit, a readmission's earlier stay, the stay of a
patient whose card is used after death).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalog import CATALOG, STANDARD_DEPTS
from .common import hash_u
from .registry import Registry
from .visits import (
    ACUTE,
    CHRONIC,
    EMERGENCY,
    FOLLOW_UP,
    INJECTED,
    INPATIENT,
    OUTPATIENT,
    POST_DEATH,
    REPEAT_EXAM,
    SPLIT,
    STAY,
    VISIT_RULES,
    Month,
    SlotTable,
    chronic_dx,
    draw_dx,
    empty_frame,
    frame,
    insured_flags,
    profile_of_pair,
    subset,
    valid_on,
)

Drawn = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # pair, practitioner, dept, day
_RULE_WEIGHT = {"institution_licence": 0.15, "out_of_scope_dept": 0.25, "unregistered_practice": 0.25,
                "invalid_licence": 0.15, "practitioner_scope": 0.25}


@dataclass
class Cohort:
    """Chronic patients (慢病) of every institution: they return once a month around a fixed day."""

    inst: np.ndarray
    member: np.ndarray  # global member number
    anchor: np.ndarray  # day of month 1 … 28
    death: np.ndarray  # day number of death, or a far-future day
    insured: np.ndarray

    @classmethod
    def build(cls, seed: int, base_visits: np.ndarray, ps: int, pe: int) -> Cohort:
        size = np.round(0.25 * base_visits).astype(np.int64)
        inst = np.repeat(np.arange(len(size)), size)
        member = np.arange(len(inst))
        u = hash_u(seed, 31, member)
        anchor = 1 + (hash_u(seed, 32, member) * 28).astype(np.int64)
        years = (pe - ps + 1) / 365.0
        dies = u < 0.04 * years
        death = np.where(dies, ps + (hash_u(seed, 33, member) * (pe - ps + 1)).astype(np.int64), 10**6)
        insured = (hash_u(seed, 34, member) < 0.97).astype(np.int64)
        return cls(inst, member, anchor, death, insured)


def n_inject(rate: float, weight: float, base: int, available: int) -> int:
    if rate <= 0 or available <= 0:
        return 0
    return int(min(available, max(1, round(rate * weight * base))))


def chronic_visits(reg: Registry, mo: Month, cohort: Cohort, rows: np.ndarray, seed: int, rate: float,
                   rng: np.random.Generator) -> dict[str, np.ndarray]:
    """This month's visit of each living chronic patient of the block (dead ones: only if injected)."""
    rows = rows[mo.chronic.has(cohort.inst[rows])]
    if not len(rows):
        return empty_frame()
    mem = cohort.member[rows]
    jitter = (hash_u(seed, 35, mem, mo.month_no) * 3).astype(np.int64) - 1
    day = mo.ms + np.clip(cohort.anchor[rows] - 1 + jitter, 0, len(mo.days) - 1)
    dead = day > cohort.death[rows]
    n_pd = n_inject(rate, 2.0, int(dead.sum()), int(dead.sum()))
    keep = ~dead
    if n_pd:
        keep[rng.choice(np.flatnonzero(dead), n_pd, replace=False)] = True
    rows, day, mem, dead = rows[keep], day[keep], mem[keep], dead[keep]
    pair = mo.chronic.draw(cohort.inst[rows], hash_u(seed, 36, mem))  # stable while the slots are
    dx = chronic_dx(profile_of_pair(reg, pair), hash_u(seed, 37, mem))
    f = frame(reg, pair, pat_kind=1, pat=mem, start=day, end=day, dx=dx, insured=cohort.insured[rows],
              role=np.where(dead, POST_DEATH, CHRONIC))
    return subset(f, valid_on(reg, pair, day))


def stays(reg: Registry, mo: Month, n_adm: np.ndarray, insts: np.ndarray, pe: int, rate: float,
          rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Inpatient stays admitted this month, with idle-bed injections and later readmissions."""
    inst = np.repeat(insts, n_adm)
    if not len(inst):
        return empty_frame()
    pair = mo.inpatient.draw(inst, rng.random(len(inst)))
    prof = profile_of_pair(reg, pair)
    start = mo.draw_days(rng, len(inst))
    los_mean = np.array([p.los_mean for p in CATALOG.profiles])[prof]
    los = np.clip(np.round(rng.lognormal(np.log(los_mean), 0.45)), 2, 20).astype(np.int64)
    icu = prof == CATALOG.profile_index["icu"]
    dead = (rng.random(len(inst)) < np.where(icu, 0.08, 0.012)).astype(np.int64)
    f = frame(reg, pair, kind=INPATIENT, start=start, end=start + los, dx=draw_dx(rng, prof, mo.month_of_year),
              insured=insured_flags(rng, prof, 0.9), role=STAY, dead=dead)
    f = subset(f, valid_on(reg, pair, start))
    _inject_idle(f, rate, rng)
    return _with_readmissions(reg, f, pe, rate, rng, mo.month_of_year)


def _inject_idle(f: dict[str, np.ndarray], rate: float, rng: np.random.Generator) -> None:
    """挂床: ≥ 3 consecutive interior days with bed charges only."""
    los = f["end"] - f["start"]
    ok = np.flatnonzero(los >= 5)
    n = n_inject(rate, 0.5, len(los), len(ok))
    if not n:
        return
    pick = rng.choice(ok, n, replace=False)
    length = rng.integers(3, np.minimum(6, los[pick] - 1) + 1)
    f["idle_len"][pick] = length
    f["idle_lo"][pick] = 1 + (rng.random(n) * (los[pick] - length)).astype(np.int64)


def _with_readmissions(reg: Registry, f: dict[str, np.ndarray], pe: int, rate: float, rng: np.random.Generator,
                       month_of_year: int) -> dict[str, np.ndarray]:
    n = len(f["inst"])
    gap = rng.integers(20, 61, n)
    new_start = f["end"] + gap
    sel = np.flatnonzero((rng.random(n) < 0.06) & (f["dead"] == 0) & (new_start <= pe)
                         & (new_start <= reg.pairs.hi[f["pair"]]))
    split = _split_admissions(reg, f, pe, rate, rng)
    if not len(sel):
        return {k: np.concatenate([f[k], split[k]]) for k in f}
    prof = profile_of_pair(reg, f["pair"][sel])
    los_mean = np.array([p.los_mean for p in CATALOG.profiles])[prof]
    los = np.clip(np.round(rng.lognormal(np.log(los_mean), 0.45)), 2, 20).astype(np.int64)
    dx = np.where(rng.random(len(sel)) < 0.6, f["dx"][sel], draw_dx(rng, prof, month_of_year))
    r = frame(reg, f["pair"][sel], kind=INPATIENT, start=new_start[sel], end=new_start[sel] + los, dx=dx,
              insured=f["insured"][sel], role=STAY, first_ref=sel)
    return {k: np.concatenate([f[k], r[k], split[k]]) for k in f}


def _split_admissions(reg: Registry, f: dict[str, np.ndarray], pe: int, rate: float,
                      rng: np.random.Generator) -> dict[str, np.ndarray]:
    """分解住院: the same patient readmitted 0–15 days after discharge with the same diagnosis."""
    new_start = f["end"] + rng.integers(0, 16, len(f["end"]))
    ok = np.flatnonzero((f["dead"] == 0) & (new_start <= pe) & (new_start <= reg.pairs.hi[f["pair"]]))
    n = n_inject(rate, 0.5, len(f["end"]), len(ok))
    sel = rng.choice(ok, n, replace=False) if n else ok[:0]
    los = rng.integers(2, 8, len(sel))
    return frame(reg, f["pair"][sel], kind=INPATIENT, start=new_start[sel], end=new_start[sel] + los,
                 dx=f["dx"][sel], insured=f["insured"][sel], role=STAY, first_ref=sel, inj=SPLIT)


def acute_visits(reg: Registry, mo: Month, n_ep: np.ndarray, insts: np.ndarray, pe: int, rate: float,
                 rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Acute episodes: a first visit and, for some, a follow-up 2–7 days later (no tests repeated)."""
    inst = np.repeat(insts, n_ep)
    if not len(inst):
        return empty_frame()
    pair = mo.acute.draw(inst, rng.random(len(inst)))
    er = reg.dept_is_er[reg.pairs.dept[pair]]
    prof = profile_of_pair(reg, pair)
    start = mo.draw_days(rng, len(inst), er)
    f = frame(reg, pair, kind=np.where(er, EMERGENCY, OUTPATIENT), start=start, end=start,
              dx=draw_dx(rng, prof, mo.month_of_year), insured=insured_flags(rng, prof, 0.85), role=ACUTE)
    f = subset(f, valid_on(reg, pair, start))
    pair, start = f["pair"], f["start"]
    day2 = start + rng.integers(2, 8, len(pair))
    sel = np.flatnonzero((rng.random(len(pair)) < 0.15) & (day2 <= pe) & (day2 <= reg.pairs.hi[pair]))
    fu = frame(reg, pair[sel], kind=f["kind"][sel], start=day2[sel], end=day2[sel], dx=f["dx"][sel],
               insured=f["insured"][sel], role=FOLLOW_UP, first_ref=sel)
    n = n_inject(rate, 0.3, len(sel), len(sel))
    if n:
        fu["inj"][rng.choice(len(sel), n, replace=False)] = REPEAT_EXAM
    return {k: np.concatenate([f[k], fu[k]]) for k in f}


def post_death_visits(reg: Registry, mo: Month, st: dict[str, np.ndarray], rate: float,
                      rng: np.random.Generator) -> dict[str, np.ndarray]:
    """冒用已故人员: visits billed to patients who died in hospital earlier this month."""
    dead = np.flatnonzero((st["dead"] == 1) & (st["end"] < mo.me) & mo.acute.has(st["inst"]))
    n = n_inject(rate, 20.0, len(dead), len(dead))
    if not n:
        return empty_frame()
    sel = rng.choice(dead, n, replace=False)
    day = st["end"][sel] + 1 + (rng.random(n) * (mo.me - st["end"][sel])).astype(np.int64)
    pair = mo.acute.draw(st["inst"][sel], rng.random(n))
    er = reg.dept_is_er[reg.pairs.dept[pair]]
    f = frame(reg, pair, kind=np.where(er, EMERGENCY, OUTPATIENT), start=day, end=day,
              dx=draw_dx(rng, profile_of_pair(reg, pair), mo.month_of_year), insured=1, role=POST_DEATH,
              first_ref=sel)
    return subset(f, valid_on(reg, pair, day))


# ----------------------------------------------------------------------------- registry violations
class Violator:
    """Draws visits that break one registry rule each, for the institutions of one block."""

    def __init__(self, reg: Registry, mo: Month, block: np.ndarray, fake_prac: np.ndarray) -> None:
        self.reg, self.mo, self.block, self.fake_prac = reg, mo, block, fake_prac
        in_block = np.zeros(reg.n_inst, dtype=bool)
        in_block[block] = True
        self.in_block = in_block
        p = reg.pairs
        self.clean_block = mo.clean_full[in_block[p.inst[mo.clean_full]]]
        self.licensed = reg.licensed_keys(mo.ms, mo.me)
        self.registered = reg.registered_keys(mo.ms, mo.me)

    def visits(self, rate: float, base: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        parts = []
        for code, rule in enumerate(VISIT_RULES):
            if not rule:
                continue
            pair, prac, dept, day = getattr(self, "_" + rule)(n_inject(rate, _RULE_WEIGHT[rule], base, 1 << 62),
                                                             rng)
            if not len(pair):
                continue
            er = self.reg.dept_is_er[dept]
            prof = self.reg.dept_profile[dept]
            f = frame(self.reg, pair, dept=dept, prac=prac, kind=np.where(er, EMERGENCY, OUTPATIENT), start=day,
                      end=day, dx=draw_dx(rng, prof, self.mo.month_of_year), insured=insured_flags(rng, prof, 0.85),
                      role=INJECTED, inj=code)
            parts.append(f)
        if not parts:
            return empty_frame()
        return {k: np.concatenate([f[k] for f in parts]) for k in parts[0]}

    def _days(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.mo.days[rng.integers(0, len(self.mo.days), n)]

    def _from(self, cand: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
        cand = cand[self.in_block[self.reg.pairs.inst[cand]]]
        if not len(cand) or not n:
            return np.zeros(0, np.int64)
        return cand[rng.integers(0, len(cand), n)]

    def _institution_licence(self, n: int, rng: np.random.Generator) -> Drawn:
        reg, p = self.reg, self.reg.pairs
        mine = np.flatnonzero(self.in_block[p.inst] & self.mo.weight_ok)
        pairs_of = SlotTable.build(reg, mine, np.ones(len(mine)))
        insts = self.block[pairs_of.has(self.block)]
        if not len(insts) or not n:
            return (np.zeros(0, np.int64),) * 4
        days = self.mo.days
        closed = ~reg.inst_open(days[None, :], insts[:, None])
        cells = np.flatnonzero(closed.ravel())
        if not len(cells):
            return (np.zeros(0, np.int64),) * 4
        pick = cells[rng.integers(0, len(cells), n)]
        inst, day = insts[pick // len(days)], days[pick % len(days)]
        pair = pairs_of.draw(inst, rng.random(n))
        return pair, p.prac[pair], p.dept[pair], day

    def _out_of_scope_dept(self, n: int, rng: np.random.Generator) -> Drawn:
        reg, p = self.reg, self.reg.pairs
        pair = self._from(self.clean_block, n, rng)
        dept = np.full(len(pair), -1)
        nd = len(reg.dept_code)
        order = np.argsort(reg.scope_prac, kind="stable")
        s_prac, s_dept = reg.scope_prac[order], reg.scope_dept[order]
        lo = np.searchsorted(s_prac, p.prac[pair], "left")
        cnt = np.searchsorted(s_prac, p.prac[pair], "right") - lo
        std = np.array([reg.dept_index[c] for c in STANDARD_DEPTS])
        for attempt in range(12):
            todo = np.flatnonzero(dept < 0)
            if not len(todo):
                break
            use_scope = (cnt[todo] > 0) & (attempt < 6)
            k = lo[todo] + (rng.random(len(todo)) * np.maximum(cnt[todo], 1)).astype(np.int64)
            cand = np.where(use_scope, s_dept[np.minimum(k, len(s_dept) - 1)] if len(s_dept) else 0,
                            std[rng.integers(0, len(std), len(todo))])
            inst = p.inst[pair[todo]]
            bad = np.isin(inst * nd + cand, self.licensed) | np.isin(inst * nd + reg.dept_l1[cand], self.licensed)
            dept[todo[~bad]] = cand[~bad]
        ok = dept >= 0
        return pair[ok], p.prac[pair[ok]], dept[ok], self._days(int(ok.sum()), rng)

    def _unregistered_practice(self, n: int, rng: np.random.Generator) -> Drawn:
        reg, p, mo = self.reg, self.reg.pairs, self.mo
        target = self._from(self.clean_block, n, rng)
        if not len(target):
            return (np.zeros(0, np.int64),) * 4
        order = mo.clean_full[np.argsort(p.dept[mo.clean_full], kind="stable")]
        by_dept = p.dept[order]
        lo = np.searchsorted(by_dept, p.dept[target], "left")
        cnt = np.searchsorted(by_dept, p.dept[target], "right") - lo
        prac = np.full(len(target), -1)
        for _ in range(8):
            todo = np.flatnonzero(prac < 0)
            if not len(todo):
                break
            cand = p.prac[order[lo[todo] + (rng.random(len(todo)) * cnt[todo]).astype(np.int64)]]
            reg_ok = np.isin(cand * reg.n_inst + p.inst[target[todo]], self.registered)
            prac[todo[~reg_ok]] = cand[~reg_ok]
        ok = prac >= 0
        return target[ok], prac[ok], p.dept[target[ok]], self._days(int(ok.sum()), rng)

    def _invalid_licence(self, n: int, rng: np.random.Generator) -> Drawn:
        p = self.reg.pairs
        n_real = n - n // 3
        real = self._from(self.mo.cand_invalid, n_real, rng)
        fake = self._from(self.clean_block, n - len(real), rng)
        fake_prac = self.fake_prac[rng.integers(0, len(self.fake_prac), len(fake))]
        pair = np.concatenate([real, fake])
        prac = np.concatenate([p.prac[real], fake_prac])
        return pair, prac, p.dept[pair], self._days(len(pair), rng)

    def _practitioner_scope(self, n: int, rng: np.random.Generator) -> Drawn:
        pair = self._from(self.mo.cand_scope, n, rng)
        p = self.reg.pairs
        return pair, p.prac[pair], p.dept[pair], self._days(len(pair), rng)
