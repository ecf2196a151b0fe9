"""One chunk of activity — a month × a block of institutions — from visits to Arrow tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .catalog import CATALOG, ITEM_KINDS
from .common import date_of, fixed_ids, take_str
from .episodes import Cohort, Violator, acute_visits, chronic_visits, n_inject, post_death_visits, stays
from .lines import (
    Lines,
    cap_and_inject_intensity,
    drug_charges,
    duplicate,
    favourite,
    inpatient,
    outpatient,
    stay_days,
)
from .registry import Registry
from .visits import (
    ACUTE,
    CHRONIC,
    FIELDS,
    FOLLOW_UP,
    INPATIENT,
    KINDS,
    POST_DEATH,
    REPEAT_EXAM,
    SPLIT,
    VISIT_RULES,
    Month,
)

_LEVEL = {"III": 0, "II": 1, "I": 2, "none": 3}
_LEVEL_FACTOR = np.array([1.0, 0.9, 0.8, 0.8])
_INSURED_SHARE = np.array([0.7, 0.6, 0.7, 0.5, 0.6, 0.8, 0.8])  # by ITEM_KINDS
_NOT_COVERED = np.isin(np.array(CATALOG.item_code), ["R012", "R013", "M005", "XM03AX01P"])


@dataclass
class Context:
    """Everything fixed for a run, plus the running id counters and the record of injections."""

    reg: Registry
    seed: int
    rate: float
    ps: int
    pe: int
    pair_weight: np.ndarray
    cohort: Cohort
    prac_str: pa.Array
    fake_prac: np.ndarray
    inst_str: pa.Array = field(init=False)
    n_visit: int = 0
    n_rx: int = 0
    n_ch: int = 0
    injected: list[tuple[str, pa.Array]] = field(default_factory=list)
    deaths: list[tuple[pa.Array, np.ndarray]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.inst_str = pa.array(self.reg.inst_id, pa.string())
        self.inst_level = np.array([_LEVEL.get(v, 3) for v in self.reg.inst_level])

    def record(self, rule: str, subjects: pa.Array | list[str]) -> None:
        arr = subjects if isinstance(subjects, pa.Array) else pa.array(subjects, pa.string())
        if len(arr):
            self.injected.append((rule, arr))


def _concat(parts: list[dict[str, np.ndarray]], ref_base: list[int]) -> dict[str, np.ndarray]:
    """Concatenate frames; ``first_ref`` of part i is relative to the part starting at ``ref_base[i]``."""
    offsets = np.cumsum([0] + [len(p["inst"]) for p in parts])
    out = {}
    for k in FIELDS:
        cols = []
        for i, p in enumerate(parts):
            c = p[k].astype(np.int64)
            if k == "first_ref":
                c = np.where(c >= 0, c + offsets[ref_base[i]], -1)
            cols.append(c)
        out[k] = np.concatenate(cols)
    return out


def build_visits(ctx: Context, mo: Month, insts: np.ndarray, n_visits: np.ndarray,
                 rng: np.random.Generator) -> dict[str, np.ndarray]:
    reg, coh = ctx.reg, ctx.cohort
    lo, hi = np.searchsorted(coh.inst, [insts[0], insts[-1] + 1])
    chron = chronic_visits(reg, mo, coh, np.arange(lo, hi), ctx.seed, ctx.rate, rng)
    c_count = np.bincount(chron["inst"], minlength=reg.n_inst)[insts]
    has_inp = mo.inpatient.has(insts)
    cap = reg.inst_beds[insts] * len(mo.days) * 0.85 / 8
    n_adm = np.minimum(rng.binomial(n_visits, 0.035) * has_inp, cap.astype(np.int64))
    rest = np.maximum(0, n_visits - c_count - n_adm)
    n_ep = np.round(rest / 1.15).astype(np.int64) * mo.acute.has(insts)
    acute = acute_visits(reg, mo, n_ep, insts, ctx.pe, ctx.rate, rng)
    st = stays(reg, mo, n_adm, insts, ctx.pe, ctx.rate, rng)
    pdv = post_death_visits(reg, mo, st, ctx.rate, rng)
    inj = Violator(reg, mo, insts, ctx.fake_prac).visits(ctx.rate, int(n_visits.sum()), rng)
    V = _concat([acute, chron, st, pdv, inj], [0, 1, 2, 2, 4])
    _mark_outliers(ctx, mo, V, rng)
    return V


def _mark_outliers(ctx: Context, mo: Month, V: dict[str, np.ndarray], rng: np.random.Generator) -> None:
    """临床用药超常: a few practitioners put one J01 drug on most of their visits this month."""
    reg = ctx.reg
    ok = (np.isin(V["role"], (ACUTE, FOLLOW_UP, CHRONIC)) & (V["start"] <= mo.me) & (V["prac"] >= 0)
          & (V["prac"] < len(reg.prac_id)))
    # targets: busy doctors of a department where many colleagues prescribe oral J01 drugs
    prof = reg.dept_profile[V["dept"]]
    has_j01 = np.array([len(p.j01_oral) > 0 for p in CATALOG.profiles])[prof]
    ok &= has_j01
    counts = np.bincount(V["prac"][ok], minlength=len(reg.prac_id))
    d1 = reg.dept_l1[V["dept"]]
    peers = np.bincount(np.unique(d1[ok] * len(reg.prac_id) + V["prac"][ok]) // len(reg.prac_id),
                        minlength=len(reg.dept_code))
    main_dept = np.zeros(len(reg.prac_id), np.int64)
    main_dept[V["prac"][ok]] = d1[ok]
    main_exact = np.zeros(len(reg.prac_id), np.int64)
    main_exact[V["prac"][ok]] = V["dept"][ok]
    busy = np.flatnonzero((counts >= 20) & (peers[main_dept] >= 12))
    n = n_inject(ctx.rate, 0.5, len(busy), len(busy))
    if not n:
        return
    target = rng.choice(busy, n, replace=False)
    # push a J01 drug of their department that is not their habitual one (as with a 回扣 deal)
    t_prof = reg.dept_profile[main_exact[target]]
    fav = favourite(target, t_prof, "j01_oral")
    drug = np.array([CATALOG.drugs(CATALOG.profiles[pf].j01_oral)[(f + 1) % len(CATALOG.profiles[pf].j01_oral)]
                     for pf, f in zip(t_prof, fav, strict=True)], dtype=np.int64)
    drug_of = np.full(len(reg.prac_id), -1)
    drug_of[target] = drug
    rows = np.flatnonzero(ok & (drug_of[np.where(ok, V["prac"], 0)] >= 0) & (rng.random(len(ok)) < 0.9))
    V["outlier"][rows] = drug_of[V["prac"][rows]]
    ym = str(date_of(mo.ms))[:7]
    ctx.record("prescribing_outlier",
               [f"{reg.prac_id[p]}|{CATALOG.drug_atc[d]}|{ym}" for p, d in zip(target, drug, strict=True)])


def _patients(V: dict[str, np.ndarray], base: int) -> np.ndarray:
    num = base + np.arange(len(V["inst"]))
    pat = np.where(V["pat_kind"] == 1, V["pat"], num)
    ref = V["first_ref"] >= 0
    pat[ref] = pat[V["first_ref"][ref]]
    return pat + V["pat_kind"] * 10**12


def _date(days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.date32())


def _money(x: np.ndarray) -> pa.Array:
    return pa.array(np.round(x, 2), pa.float64())


def chunk_tables(ctx: Context, mo: Month, insts: np.ndarray, n_visits: np.ndarray,
                 rng: np.random.Generator) -> dict[str, pa.Table]:
    """Generate one chunk and return its visits, prescriptions and charges."""
    reg = ctx.reg
    V = build_visits(ctx, mo, insts, n_visits, rng)
    n = len(V["inst"])
    num = ctx.n_visit + np.arange(n)
    ctx.n_visit += n
    pat = _patients(V, int(num[0]) if n else 0)
    visit_id = fixed_ids("V", num, 11)
    patient_id = fixed_ids("P", pat, 13)
    inst_id = take_str(ctx.inst_str, V["inst"])
    prac_id = take_str(ctx.prac_str, V["prac"])
    visits = pa.table({
        "visit_id": visit_id, "institution_id": inst_id,
        "dept_code": take_str(reg.dept_code, V["dept"]), "practitioner_id": prac_id, "patient_id": patient_id,
        "kind": take_str(list(KINDS), V["kind"]), "start_date": _date(V["start"]), "end_date": _date(V["end"]),
        "diagnosis": take_str(CATALOG.dx_code, V["dx"]), "insured": pa.array(V["insured"] > 0),
    })
    profile = reg.dept_profile[V["dept"]]
    level = ctx.inst_level[V["inst"]]
    rx_o, ch_o = outpatient(V, profile, level, rng)
    sd = stay_days(V)
    rx_i, ch_i, course = inpatient(V, profile, sd, rng)
    month = int(np.datetime64(mo.ms, "D").astype("datetime64[M]").astype(np.int64))
    rx_i, hot = cap_and_inject_intensity(V, rx_i, sd, course, month, ctx.rate, rng)
    rx = Lines.cat([rx_o, rx_i])
    ch, dup_pick = duplicate(Lines.cat([ch_o, ch_i, drug_charges(rx)]), ctx.pe, ctx.rate, rng)
    rx_t = _rx_table(ctx, rx, V, visit_id, patient_id)
    ch_t = _charge_table(ctx, ch, V, visit_id, patient_id, level)
    _record(ctx, V, visit_id, ch, ch_t, dup_pick, hot, patient_id)
    return {"visits": visits, "prescriptions": rx_t, "charges": ch_t}


def _rx_table(ctx: Context, rx: Lines, V: dict[str, np.ndarray], visit_id: pa.Array,
              patient_id: pa.Array) -> pa.Table:
    m = len(rx.v)
    ids = fixed_ids("RX", ctx.n_rx + np.arange(m), 12)
    ctx.n_rx += m
    v = rx.v
    strength = CATALOG.drug_strength[rx.code]
    ds = rx.days_supply
    return pa.table({
        "line_id": ids, "visit_id": visit_id.take(v), "date": _date(rx.date),
        "institution_id": take_str(ctx.inst_str, V["inst"][v]), "practitioner_id": take_str(ctx.prac_str, V["prac"][v]),
        "patient_id": patient_id.take(v),
        "drug_code": take_str(CATALOG.drug_code, rx.code), "drug_name": take_str(CATALOG.drug_name, rx.code),
        "atc_code": take_str(CATALOG.drug_atc, rx.code), "route": take_str(CATALOG.drug_route, rx.code),
        "unit_strength_g": pa.array(np.nan_to_num(strength), pa.float64(), mask=np.isnan(strength)),
        "quantity": pa.array(rx.qty, pa.float64()),
        "days_supply": pa.array(np.maximum(ds, 0), pa.int64(), mask=ds < 0),
        "amount": _money(rx.qty * CATALOG.drug_price[rx.code]),
        "strength_unit": take_str(CATALOG.drug_unit, rx.code),
    })


def _charge_table(ctx: Context, ch: Lines, V: dict[str, np.ndarray], visit_id: pa.Array,
                  patient_id: pa.Array, level: np.ndarray) -> pa.Table:
    m = len(ch.v)
    ids = fixed_ids("CH", ctx.n_ch + np.arange(m), 12)
    ctx.n_ch += m
    v = ch.v
    kind = CATALOG.item_kind[ch.code]
    factor = np.where(kind == 0, 1.0, _LEVEL_FACTOR[level[ch.v]])
    price = np.round(CATALOG.item_price[ch.code] * factor, 2)
    amount = np.round(ch.qty * price, 2)
    share = _INSURED_SHARE[kind] * (V["insured"][ch.v] > 0) * ~_NOT_COVERED[ch.code]
    return pa.table({
        "line_id": ids, "visit_id": visit_id.take(v), "date": _date(ch.date),
        "institution_id": take_str(ctx.inst_str, V["inst"][v]), "patient_id": patient_id.take(v),
        "item_code": take_str(CATALOG.item_code, ch.code),
        "item_kind": take_str(list(ITEM_KINDS), kind), "quantity": pa.array(ch.qty, pa.float64()),
        "unit_price": _money(price), "amount": _money(amount), "insured_amount": _money(amount * share),
    })


def _record(ctx: Context, V: dict[str, np.ndarray], visit_id: pa.Array, ch: Lines, ch_t: pa.Table,
            dup_pick: np.ndarray, hot: list[int], patient_id: pa.Array) -> None:
    for code, rule in enumerate(VISIT_RULES):
        if rule:
            ctx.record(rule, visit_id.filter(pa.array(V["inj"] == code)))
    ctx.record("split_admission", visit_id.filter(pa.array(V["inj"] == SPLIT)))
    ctx.record("idle_inpatient_days", visit_id.filter(pa.array(V["idle_len"] > 0)))
    n_orig = len(ch.v) - len(dup_pick)
    # take, not a slice: a slice is a view that would keep every line id of the chunk alive until the end
    # (a city month's 137 M ids, ≈ 2 GB a month)
    ctx.record("duplicate_charge", ch_t["line_id"].combine_chunks().take(pa.array(np.arange(n_orig, len(ch.v)))))
    post = np.flatnonzero(V["role"][ch.v] == POST_DEATH)
    ctx.record("post_death_charge", ch_t["line_id"].combine_chunks().take(pa.array(post)))
    rep = np.flatnonzero((V["inj"][ch.v] == REPEAT_EXAM) & np.isin(CATALOG.item_kind[ch.code], (1, 2)))
    ctx.record("repeat_exam", ch_t["line_id"].combine_chunks().take(pa.array(rep)))
    ctx.record("antimicrobial_intensity",
               [f"{ctx.reg.inst_id[h // 10_000]}|{np.datetime64(h % 10_000, 'M')}" for h in hot])
    dead = np.flatnonzero((V["dead"] == 1) & (V["kind"] == INPATIENT))
    if len(dead):
        ctx.deaths.append((patient_id.take(pa.array(dead)).cast(pa.string()), V["end"][dead]))
