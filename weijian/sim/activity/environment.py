"""Medical waste (bags and transfer manifests) and wastewater disinfection readings.

Bags are sealed every afternoon or evening per category and collected by the licensed carrier
at the institution's fixed morning round — daily for large institutions, every other day for
small ones — so background storage never exceeds 44 hours; a manifest is one round's handover
and declares the sum of its bags. Wastewater sensors report residual chlorine and pH every
15 minutes, chlorine strictly inside the GB 18466-2005 range of the institution's class, with
no two consecutive readings equal.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .common import S_PER_DAY, US_PER_S, fixed_ids, hash_u, repeat_index, take_str
from .registry import Registry

CATEGORIES = ("infectious", "pathological", "sharps", "pharmaceutical", "chemical")
_BAGS_PER_100_VISITS = np.array([2.2, 0.25, 0.5, 0.1, 0.05])
_WEIGHT_MEDIAN = np.array([3.0, 1.5, 1.0, 0.8, 1.2])
CHLORINE_RANGE = {"infectious": (6.5, 10.0), "general_direct": (3.0, 10.0), "general_sewer": (2.0, 8.0)}
_CHLORINE_CENTRE = {"infectious": 8.0, "general_direct": 5.0, "general_sewer": 4.0}
READINGS_PER_DAY = 96


def _ts(seconds: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(seconds, dtype=np.int64) * US_PER_S, type=pa.timestamp("us"))


def _ts_nullable(seconds: np.ndarray, null: np.ndarray) -> pa.Array:
    return pa.array(np.where(null, 0, seconds).astype(np.int64) * US_PER_S, type=pa.timestamp("us"),
                    mask=null if null.any() else None)


def _next_round(reg_round: np.ndarray, every_other: np.ndarray, parity: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The first collection round at or after second ``t``."""
    day = t // S_PER_DAY
    cand = day * S_PER_DAY + reg_round
    day = np.where(cand < t, day + 1, day)
    skip = every_other & ((day + parity) % 2 == 1)
    day = day + skip
    return day * S_PER_DAY + reg_round


def waste(reg: Registry, insts: np.ndarray, daily_visits: np.ndarray, ps: int, pe: int, seed: int, rate: float,
          rng: np.random.Generator, bag_base: int, manifest_base: int) -> tuple[pa.Table, pa.Table, list]:
    """Bags and manifests of some institutions over the whole period, with injected violations."""
    from .episodes import n_inject

    days = np.arange(ps, pe + 1)
    open_ = reg.inst_open(days[None, :], insts[:, None])
    lam = daily_visits[:, None, None] / 100 * _BAGS_PER_100_VISITS[None, None, :] * open_[:, :, None]
    hosp = reg.inst_beds[insts] > 0
    lam[~hosp, :, 1] = 0  # pathological waste only where there are operations
    counts = rng.poisson(lam).ravel()
    cell, _ = repeat_index(counts)
    i_idx, rest = np.divmod(cell, len(days) * len(CATEGORIES))
    d_idx, cat = np.divmod(rest, len(CATEGORIES))
    inst, day = insts[i_idx], days[d_idx]
    n = len(inst)
    weight = np.round(np.maximum(0.2, rng.lognormal(np.log(_WEIGHT_MEDIAN[cat]), 0.5)), 2)
    sealed = day * S_PER_DAY + rng.integers(15 * 3600, 22 * 3600, n)
    u = hash_u(seed, 51, inst)
    every_other = reg.inst_beds[inst] < 20
    rnd = (8 * 3600 + (u * 3 * 3600).astype(np.int64))
    parity = (hash_u(seed, 52, inst) * 2).astype(np.int64)
    collected = _next_round(rnd, every_other, parity, sealed + 3600)
    null_coll = np.zeros(n, dtype=bool)
    injected: list = []
    k = n_inject(rate, 0.3, n, n)
    if k:
        pick = rng.choice(n, k, replace=False)
        lost = rng.random(k) < 0.3
        late = sealed[pick] + rng.integers(50 * 3600, 110 * 3600, k)
        collected[pick] = _next_round(rnd[pick], every_other[pick], parity[pick], late)
        null_coll[pick[lost]] = True
    # manifests: one per (institution, round) with bags
    mkey = np.where(null_coll, -1, inst.astype(np.int64) * 10**7 + collected // 3600)
    keys, m_of_bag = np.unique(mkey, return_inverse=True)
    real = keys >= 0
    m_index = np.cumsum(real) - 1
    bag_manifest = np.where(null_coll, -1, m_index[m_of_bag])
    nm = int(real.sum())
    S = np.bincount(bag_manifest[~null_coll], weights=weight[~null_coll], minlength=nm)
    first_bag = np.full(nm, -1)
    first_bag[bag_manifest[~null_coll][::-1]] = np.flatnonzero(~null_coll)[::-1]
    m_inst, handed = inst[first_bag], collected[first_bag]
    declared = np.round(S, 2)
    received_at = handed + rng.integers(3600, 5 * 3600, nm)
    received = np.round(declared * rng.uniform(0.98, 1.02, nm), 2)
    no_recv = np.zeros(nm, dtype=bool)
    km = n_inject(rate, 0.3, int((handed // S_PER_DAY <= pe).sum()), int((handed // S_PER_DAY <= pe).sum()))
    if km:
        pick = rng.choice(np.flatnonzero(handed // S_PER_DAY <= pe), km, replace=False)
        mode = rng.integers(0, 3, km)
        received[pick[mode == 0]] = np.round(declared[pick[mode == 0]] * rng.uniform(0.55, 0.9, int((mode == 0).sum())), 2)
        dec = np.round(S[pick[mode == 1]] * rng.uniform(0.6, 0.88, int((mode == 1).sum())), 2)
        declared[pick[mode == 1]] = dec
        received[pick[mode == 1]] = dec
        no_recv[pick[mode == 2]] = True
    bag_ids = fixed_ids("WB", bag_base + np.arange(n), 12)
    man_ids = fixed_ids("WM", manifest_base + np.arange(nm), 10)
    bags = pa.table({
        "bag_id": bag_ids,
        "institution_id": take_str(reg.inst_id, inst),
        "category": take_str(list(CATEGORIES), cat),
        "weight_kg": pa.array(weight, pa.float64()),
        "sealed_at": _ts(sealed),
        "collected_at": _ts_nullable(collected, null_coll),
        "manifest_id": take_str(man_ids, bag_manifest),
    })
    carriers = [f"CR{d}01" for d in reg.inst_district]
    manifests = pa.table({
        "manifest_id": man_ids,
        "institution_id": take_str(reg.inst_id, m_inst),
        "carrier_id": take_str(carriers, m_inst),
        "handed_over_at": _ts(handed),
        "declared_weight_kg": pa.array(declared, pa.float64()),
        "received_at": _ts_nullable(received_at, no_recv),
        "received_weight_kg": pa.array(np.where(no_recv, 0, received), pa.float64(),
                                       mask=no_recv if no_recv.any() else None),
    })
    return bags, manifests, injected


def _no_equal_neighbours(x: np.ndarray, valid: np.ndarray, protect: np.ndarray, lo: np.ndarray,
                         hi: np.ndarray) -> np.ndarray:
    """Nudge readings by ±0.01 until no two consecutive non-null readings are equal."""
    idx = np.flatnonzero(valid)
    for _ in range(10_000):
        v = x[idx]
        eq = np.flatnonzero(v[1:] == v[:-1]) + 1
        eq = eq[~protect[idx[eq]]]
        if not len(eq):
            break
        j = idx[eq]
        step = np.where(x[j] + 0.01 <= hi[j], 0.01, -0.01)
        x[j] = np.round(x[j] + step, 2)
        _ = lo
    return x


def wastewater(reg: Registry, insts: np.ndarray, ps: int, pe: int, seed: int, rate: float,
               rng: np.random.Generator) -> pa.Table:
    """Readings of one sensor per institution with a wastewater class, for every day of the period."""
    from .episodes import n_inject

    nd = pe - ps + 1
    per = nd * READINGS_PER_DAY
    s_inst = np.repeat(insts, per)
    n = len(s_inst)
    t = np.tile(ps * S_PER_DAY + np.arange(per) * 900, len(insts))
    cls = reg.inst_ww[insts]
    lo_c = np.array([CHLORINE_RANGE[c][0] for c in cls])
    hi_c = np.array([CHLORINE_RANGE[c][1] for c in cls])
    centre = np.array([_CHLORINE_CENTRE[c] for c in cls])
    # AR(1) drift + daily cycle + noise, squashed strictly inside [lo + 0.3, hi - 0.3]
    z = rng.standard_normal((len(insts), per))
    ar = np.empty_like(z)
    ar[:, 0] = z[:, 0]
    phi = 0.97
    for j in range(1, per):  # per-sensor time series: a loop over time steps, vectorised across sensors
        ar[:, j] = phi * ar[:, j - 1] + np.sqrt(1 - phi**2) * z[:, j]
    cyc = 0.3 * np.sin(2 * np.pi * (np.arange(per) % READINGS_PER_DAY) / READINGS_PER_DAY)
    lo_r, hi_r = np.repeat(lo_c + 0.3, per), np.repeat(hi_c - 0.3, per)
    c_r = np.repeat(centre, per)
    x = (0.6 * ar + cyc).ravel() + 0.15 * rng.standard_normal(n)
    half = np.minimum(c_r - lo_r, hi_r - c_r)
    chlorine = np.round(c_r + half * np.tanh(x / 2.0), 2)
    ph = np.round(7.2 + 0.25 * np.tanh(ar.ravel() / 2) + 0.05 * rng.standard_normal(n), 2)
    null = (rng.random(n) < 0.003) & (np.arange(n) % READINGS_PER_DAY != 0)
    protect = np.zeros(n, dtype=bool)
    sd = np.arange(len(insts) * nd)  # sensor-days
    k = n_inject(rate, 0.3, len(sd), len(sd))
    pick = rng.choice(sd[sd % nd != 0], min(k, int((sd % nd != 0).sum())), replace=False) if k else sd[:0]
    kind = rng.integers(0, 4, len(pick))
    for sday, kd in zip(pick, kind, strict=True):
        a = sday * READINGS_PER_DAY
        b = a + READINGS_PER_DAY
        if kd == 0:  # under-dosing
            level = (lo_r[a] - 0.3) * rng.uniform(0.25, 0.65)
            chlorine[a:b] = np.round(0.05 + np.abs(level + 0.15 * rng.standard_normal(READINGS_PER_DAY)), 2)
        elif kd == 1:  # over-dosing
            chlorine[a:b] = np.round(hi_r[a] + 0.3 + rng.uniform(1.0, 3.0)
                                     + 0.2 * rng.standard_normal(READINGS_PER_DAY), 2)
        elif kd == 2:  # flatline run of ≥ 26 readings (≥ 6.25 h) inside the day
            ln = int(rng.integers(26, 49))
            s0 = a + int(rng.integers(0, READINGS_PER_DAY - ln + 1))
            null[s0:s0 + ln] = False
            protect[s0:s0 + ln] = True
        else:  # outage: no reading all day
            null[a:b] = True
    chlorine = _no_equal_neighbours(chlorine, ~null, protect, lo_r, np.where(chlorine > hi_r, 99.0, hi_r))
    runs = np.flatnonzero(protect)
    if len(runs):
        starts = runs[np.r_[True, np.diff(runs) > 1]]
        ends = runs[np.r_[np.diff(runs) > 1, True]]
        for s0, e0 in zip(starts, ends, strict=True):
            chlorine[s0:e0 + 1] = chlorine[s0]
    ph_null = null | (rng.random(n) < 0.002)
    sensor = [f"{reg.inst_id[i]}-WW1" for i in insts]
    return pa.table({
        "institution_id": take_str(reg.inst_id, s_inst),
        "sensor_id": take_str(sensor, np.repeat(np.arange(len(insts)), per)),
        "ts": _ts(t),
        "residual_chlorine_mg_l": pa.array(np.where(null, 0, chlorine), pa.float64(), mask=null),
        "ph": pa.array(np.where(ph_null, 0, ph), pa.float64(), mask=ph_null),
    })
