"""Prescription and charge lines of a chunk's visits.

Outpatient and emergency visits get a 诊查费 line, drugs (at most one J01 line, drugs of a visit
all distinct), tests on first visits only (a follow-up never repeats them, unless injected),
and a procedure. Inpatient stays get a 床位费 and a 护理费 line every bed-day, daily drug
orders, a 5–8 day J01 course for some, admission tests and re-tests every third day, and
surgery. Doctors have prescribing habits (处方习惯): each uses the same entries of their
department's drug lists, so peers using a drug use it alike and only injected outliers stand out.
Every prescription line is also billed as a ``drug`` charge line.
Background antimicrobial use (J01, J02, P01AB: every group an office may count) is capped at 90 % of
the intensity target (rules data, 40 DDDs per 100 bed-days) per institution and month within a chunk,
so no background institution-month can exceed it whichever groups are counted; DDDs are the engine's
(the WHO value in force on each line's date, in the strength's unit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from weijian.analytics.targets import indicator_target

from .catalog import CATALOG, Profile
from .common import hash_u, present, repeat_index
from .visits import ACUTE, CHRONIC, EMERGENCY, FOLLOW_UP, INJECTED, INPATIENT, POST_DEATH, REPEAT_EXAM

BACKGROUND_SHARE = 0.9  # background use at most this share of the intensity target
_ROUTE_P = np.array([r == "P" for r in CATALOG.drug_route])
_TOPICAL = np.array([r is None for r in CATALOG.drug_route])


@dataclass
class Lines:
    """Lines as parallel arrays; ``v`` is the row of the visit in the chunk's frame."""

    v: np.ndarray
    date: np.ndarray
    code: np.ndarray  # drug index (rx) or charge item index (charges)
    qty: np.ndarray
    days_supply: np.ndarray | None = None

    @classmethod
    def empty(cls, rx: bool = False) -> Lines:
        z = np.zeros(0, np.int64)
        return cls(z, z, z, np.zeros(0), z if rx else None)

    @classmethod
    def cat(cls, parts: list[Lines]) -> Lines:
        parts = [p for p in parts if len(p.v)] or [parts[0]]
        ds = None if parts[0].days_supply is None else np.concatenate([p.days_supply for p in parts])
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("v", "date", "code", "qty")), ds)

    def take(self, idx: np.ndarray) -> Lines:
        ds = None if self.days_supply is None else self.days_supply[idx]
        return Lines(self.v[idx], self.date[idx], self.code[idx], self.qty[idx], ds)


def _codes(prof: Profile, attr: str) -> np.ndarray:
    vals = getattr(prof, attr)
    if attr in ("drugs", "j01_oral", "j01_par", "chronic_drugs", "inp_drugs"):
        return CATALOG.drugs(vals)
    return CATALOG.items(vals)


def pick_distinct(profile: np.ndarray, rows: np.ndarray, k: np.ndarray, attr: str, start_u: np.ndarray,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """For each row, ``k`` distinct consecutive entries of its profile's list ``attr`` from a random start."""
    out_r, out_c = [], []
    for pi in present(profile[rows], len(CATALOG.profiles)):
        sel = rows[profile[rows] == pi]
        codes = _codes(CATALOG.profiles[pi], attr)
        if not len(codes) or not len(sel):
            continue
        kk = np.minimum(k[sel], len(codes))
        parent, pos = repeat_index(kk)
        start = (start_u[sel] * len(codes)).astype(np.int64)
        out_r.append(sel[parent])
        out_c.append(codes[(start[parent] + pos) % len(codes)])
    if not out_r:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_r), np.concatenate(out_c)


def _count(rng: np.random.Generator, n: int, probs: tuple[float, ...]) -> np.ndarray:
    return rng.choice(np.arange(1, len(probs) + 1), size=n, p=np.array(probs) / sum(probs))


def _has_list(profile: np.ndarray, attr: str) -> np.ndarray:
    return np.array([len(getattr(p, attr)) > 0 for p in CATALOG.profiles])[profile]


def _attr(profile: np.ndarray, attr: str) -> np.ndarray:
    return np.array([getattr(p, attr) for p in CATALOG.profiles])[profile]


# ----------------------------------------------------------------------------- outpatient
def outpatient(V: dict[str, np.ndarray], profile: np.ndarray, level: np.ndarray, rng: np.random.Generator,
               ) -> tuple[Lines, Lines]:
    rows = np.flatnonzero(V["kind"] != INPATIENT)
    role, n = V["role"], len(V["kind"])
    first = np.isin(role, (ACUTE, INJECTED, POST_DEATH))
    rx = _outpatient_rx(V, rows, profile, first, rng)
    parenteral = np.zeros(n, dtype=bool)
    parenteral[rx.v[_ROUTE_P[rx.code]]] = True
    er = V["kind"] == EMERGENCY
    consult = np.where(er, CATALOG.item_index["S003"],
                       np.where((level <= 1) & (rng.random(n) < 0.3), CATALOG.item_index["S002"],
                                CATALOG.item_index["S001"]))
    parts = [Lines(rows, V["start"][rows], consult[rows], np.ones(len(rows)))]
    parts += _outpatient_tests(V, rows, profile, first, rng)
    parts += _outpatient_procedures(V, rows, profile, parenteral, rng)
    return rx, Lines.cat(parts)


def _outpatient_rx(V: dict[str, np.ndarray], rows: np.ndarray, profile: np.ndarray, first: np.ndarray,
                   rng: np.random.Generator) -> Lines:
    n, role = len(V["kind"]), V["role"]
    u = rng.random(n)
    p_rx = np.where(role == CHRONIC, 0.95, np.where(role == FOLLOW_UP, 0.5, _attr(profile, "p_rx")))
    has_rx = (u < p_rx) & (V["prac"] >= 0) & (V["kind"] != INPATIENT)
    # J01: one line at most, for first visits, by diagnosis; ER sometimes parenteral
    p_j01 = np.where(CATALOG.dx_infection[V["dx"]], _attr(profile, "p_infection_j01"), _attr(profile, "p_other_j01"))
    want_j01 = has_rx & first & (rng.random(n) < p_j01)
    # emergency doctors either habitually give a 3-day infusion course or prescribe oral drugs
    par = (V["kind"] == EMERGENCY) & (hash_u(19, 0, V["prac"]) < 0.4) & _has_list(profile, "j01_par")
    ones = np.ones(n, np.int64)
    r_o, d_o = pick_distinct(profile, np.flatnonzero(want_j01 & ~par), ones, "j01_oral",
                             _preferred(V["prac"], profile, "j01_oral", rng))
    r_p, d_p = pick_distinct(profile, np.flatnonzero(want_j01 & par), ones, "j01_par",
                             _preferred(V["prac"], profile, "j01_par", rng))
    j_rows, j_drug = np.concatenate([r_o, r_p]), np.concatenate([d_o, d_p])
    # prescribing-outlier targets: the target drug on most of their visits, at double quantity
    out_rows = np.flatnonzero((V["outlier"] >= 0) & np.isin(V["kind"], (0, 1)) & (V["prac"] >= 0))
    keep = ~np.isin(j_rows, out_rows)
    j_rows = np.concatenate([j_rows[keep], out_rows])
    j_drug = np.concatenate([j_drug[keep], V["outlier"][out_rows]])
    mult = np.ones(len(j_rows))
    mult[len(j_rows) - len(out_rows):] = 4.0
    # other drugs: distinct entries of the department's (or chronic) list
    k = _count(rng, n, (0.15, 0.35, 0.3, 0.2))
    chronic = role == CHRONIC
    r1, d1 = pick_distinct(profile, np.flatnonzero(has_rx & ~chronic), k, "drugs",
                           _preferred(V["prac"], profile, "drugs", rng))
    r2, d2 = pick_distinct(profile, np.flatnonzero(has_rx & chronic), k, "chronic_drugs",
                           _preferred(V["prac"], profile, "chronic_drugs", rng))
    v = np.concatenate([j_rows, r1, r2])
    drug = np.concatenate([j_drug, d1, d2])
    days = np.where(role[v] == CHRONIC, 30, rng.integers(3, 8, len(v)))
    days = np.where(_ROUTE_P[drug], np.where(V["kind"][v] == EMERGENCY, 3, 1), days)  # ER: 3-day infusion
    qty = CATALOG.drug_per_day[drug] * days * np.concatenate([mult, np.ones(len(r1) + len(r2))])
    qty = np.where(_TOPICAL[drug], 1.0, qty)
    days = np.where(_TOPICAL[drug], -1, days)
    return Lines(v, V["start"][v], drug, qty, days)


def favourite(prac: np.ndarray, profile: np.ndarray, attr: str) -> np.ndarray:
    """Each doctor's habitual entry of a department list (处方习惯): its index in the list."""
    size = np.array([max(1, len(getattr(p, attr))) for p in CATALOG.profiles])[profile]
    return (hash_u(17, len(attr), prac, profile) * size).astype(np.int64)


def _preferred(prac: np.ndarray, profile: np.ndarray, attr: str, rng: np.random.Generator) -> np.ndarray:
    """Start positions in a profile's list at each doctor's habitual entry, so that a doctor's
    monthly use of a drug is steady and peers who use a drug use it alike (no background
    prescriber looks like an outlier to a robust peer comparison)."""
    size = np.array([max(1, len(getattr(p, attr))) for p in CATALOG.profiles])[profile]
    return (favourite(prac, profile, attr) + 0.5) / size


def _outpatient_tests(V: dict[str, np.ndarray], rows: np.ndarray, profile: np.ndarray, first: np.ndarray,
                      rng: np.random.Generator) -> list[Lines]:
    n, role = len(V["kind"]), V["role"]
    is_row = np.zeros(n, dtype=bool)
    is_row[rows] = True
    start_u = rng.random(n)
    lab = is_row & first & (rng.random(n) < _attr(profile, "p_lab"))
    repeat = np.flatnonzero(is_row & (V["inj"] == REPEAT_EXAM))
    ref = V["first_ref"][repeat]
    lab[ref] = True
    start_u[ref] = 0.0  # the first visit's tests start with the list's first entry …
    k = _count(rng, n, (0.55, 0.3, 0.15))
    r_l, c_l = pick_distinct(profile, np.flatnonzero(lab), k, "labs", start_u)
    r_c, c_c = pick_distinct(profile, np.flatnonzero(is_row & (role == CHRONIC) & (rng.random(n) < 0.5)),
                             np.ones(n, np.int64), "chronic_labs", rng.random(n))
    ones = np.ones(n, np.int64)
    r_r, c_r = pick_distinct(profile, repeat, ones, "labs", np.zeros(n))  # … which the follow-up repeats
    exam = is_row & first & (rng.random(n) < _attr(profile, "p_exam"))
    r_e, c_e = pick_distinct(profile, np.flatnonzero(exam), ones, "exams", rng.random(n))
    v = np.concatenate([r_l, r_c, r_r, r_e])
    return [Lines(v, V["start"][v], np.concatenate([c_l, c_c, c_r, c_e]), np.ones(len(v)))]


def _outpatient_procedures(V: dict[str, np.ndarray], rows: np.ndarray, profile: np.ndarray,
                           parenteral: np.ndarray, rng: np.random.Generator) -> list[Lines]:
    n = len(V["kind"])
    is_row = np.zeros(n, dtype=bool)
    is_row[rows] = True
    infusion = np.flatnonzero(is_row & parenteral)
    other = is_row & ~parenteral & (rng.random(n) < _attr(profile, "p_procedure"))
    ones = np.ones(n, np.int64)
    r_p, c_p = pick_distinct(profile, np.flatnonzero(other), ones, "procedures", rng.random(n))
    with_cons = r_p[rng.random(len(r_p)) < 0.8]
    r_m, c_m = pick_distinct(profile, np.unique(with_cons), ones, "consumables", rng.random(n))
    inf_items = np.full(len(infusion), CATALOG.item_index["R001"])
    inf_cons = np.full(len(infusion), CATALOG.item_index["M001"])
    v = np.concatenate([infusion, infusion, r_p, r_m])
    code = np.concatenate([inf_items, inf_cons, c_p, c_m])
    return [Lines(v, V["start"][v], code, np.ones(len(v)))]


# ----------------------------------------------------------------------------- inpatient
@dataclass
class StayDays:
    """One row per bed-day (start ≤ day < end) of each stay."""

    v: np.ndarray
    k: np.ndarray  # day offset from admission
    date: np.ndarray
    idle: np.ndarray


def stay_days(V: dict[str, np.ndarray]) -> StayDays:
    rows = np.flatnonzero(V["kind"] == INPATIENT)
    los = V["end"][rows] - V["start"][rows]
    parent, k = repeat_index(los)
    v = rows[parent]
    lo, ln = V["idle_lo"][v], V["idle_len"][v]
    return StayDays(v, k, V["start"][v] + k, (ln > 0) & (k >= lo) & (k < lo + ln))


def inpatient(V: dict[str, np.ndarray], profile: np.ndarray, sd: StayDays, rng: np.random.Generator,
              ) -> tuple[Lines, Lines, np.ndarray]:
    """(non-J01 and J01 drug lines, charge lines, course drug per visit row)."""
    n = len(V["kind"])
    icu = profile[sd.v] == CATALOG.profile_index["icu"]
    bed = np.where(icu, CATALOG.item_index["B002"], CATALOG.item_index["B001"])
    act = ~sd.idle
    parts = [Lines(sd.v, sd.date, bed, np.ones(len(sd.v))),
             Lines(sd.v[act], sd.date[act], np.full(int(act.sum()), CATALOG.item_index["S010"]), np.ones(int(act.sum())))]
    # daily drug orders
    r = _count(rng, n, (0.2, 0.4, 0.3, 0.1))
    su = rng.random(n)
    days_act = np.flatnonzero(act)
    pr, pd_ = pick_distinct(profile[sd.v[days_act]], np.arange(len(days_act)), r[sd.v[days_act]], "inp_drugs",
                            su[sd.v[days_act]])
    day_rows = days_act[pr]
    rx = [Lines(sd.v[day_rows], sd.date[day_rows], pd_, CATALOG.drug_per_day[pd_], np.ones(len(pd_), np.int64))]
    # J01 course
    los = V["end"] - V["start"]
    abx = (V["kind"] == INPATIENT) & (rng.random(n) < _attr(profile, "p_abx_stay")) & _has_list(profile, "j01_par")
    course = np.full(n, -1)
    rr, dd = pick_distinct(profile, np.flatnonzero(abx), np.ones(n, np.int64), "j01_par",
                           _preferred(V["prac"], profile, "j01_par", rng))
    course[rr] = dd
    off = np.minimum(rng.integers(0, 2, n), los - 1)
    length = np.minimum(rng.integers(5, 9, n), los - off)
    on = act & (course[sd.v] >= 0) & (sd.k >= off[sd.v]) & (sd.k < off[sd.v] + length[sd.v])
    cd = course[sd.v[on]]
    rx.append(Lines(sd.v[on], sd.date[on], cd, CATALOG.drug_per_day[cd], np.ones(len(cd), np.int64)))
    parts += _inpatient_tests(V, profile, sd, rng)
    return Lines.cat(rx), Lines.cat(parts), course


def _inpatient_tests(V: dict[str, np.ndarray], profile: np.ndarray, sd: StayDays, rng: np.random.Generator,
                     ) -> list[Lines]:
    n = len(V["kind"])
    adm = np.flatnonzero(sd.k == 0)
    k = rng.integers(3, 6, n)
    r_l, c_l = pick_distinct(profile[sd.v[adm]], np.arange(len(adm)), k[sd.v[adm]], "inp_labs", rng.random(len(adm)))
    labs = Lines(sd.v[adm][r_l], sd.date[adm][r_l], c_l, np.ones(len(c_l)))
    re = np.flatnonzero((sd.k > 0) & (sd.k % 3 == 0) & ~sd.idle)
    relab = Lines(np.repeat(sd.v[re], 2), np.repeat(sd.date[re], 2),
                  np.tile(CATALOG.items(("L001", "L008")), len(re)), np.ones(2 * len(re)))
    d1 = np.flatnonzero((sd.k == 1) & ~sd.idle)
    want = rng.random(len(d1)) < 0.8
    r_e, c_e = pick_distinct(profile[sd.v[d1]], np.flatnonzero(want), np.ones(len(d1), np.int64), "exams",
                             rng.random(len(d1)))
    exams = Lines(sd.v[d1][r_e], sd.date[d1][r_e], c_e, np.ones(len(c_e)))
    surg = rng.random(len(d1)) < 0.7
    r_s, c_s = pick_distinct(profile[sd.v[d1]], np.flatnonzero(surg), np.ones(len(d1), np.int64), "inp_surgery",
                             rng.random(len(d1)))
    cons = CATALOG.items(("M003", "M004"))
    sv, sdt = sd.v[d1][r_s], sd.date[d1][r_s]
    surgery = Lines(np.concatenate([sv, sv, sv]), np.concatenate([sdt, sdt, sdt]),
                    np.concatenate([c_s, np.full(len(sv), cons[0]), np.full(len(sv), cons[1])]), np.ones(3 * len(sv)))
    return [labs, relab, exams, surgery]


# ----------------------------------------------------------------------------- J01 intensity
def month_key(inst: np.ndarray, days: np.ndarray) -> np.ndarray:
    return inst * 10_000 + days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def abx_ddd(rx: Lines) -> np.ndarray:
    """DDDs of the antimicrobial lines as the engine measures them (0 for other lines)."""
    ddd = rx.qty * CATALOG.drug_strength[rx.code] / CATALOG.drug_ddd(rx.code, rx.date)
    return np.where(CATALOG.drug_is_abx[rx.code], np.nan_to_num(ddd), 0.0)


def intensity_target(month: int) -> float:
    """The intensity target in force on the first day of ``month`` (months since 1970-01)."""
    first = dt.date(1970 + month // 12, month % 12 + 1, 1)
    target = indicator_target("antimicrobial_intensity", first)
    assert target is not None
    return target


def cap_and_inject_intensity(V: dict[str, np.ndarray], rx: Lines, sd: StayDays, course: np.ndarray,
                             month: int, rate: float, rng: np.random.Generator,
                             ) -> tuple[Lines, list[int]]:
    """Cap background inpatient antimicrobial use, and push chosen institution-months far over the target.

    Returns the kept and added lines and the month keys pushed over (``inst·10000 + month``).
    """
    bd_key = month_key(V["inst"][sd.v], sd.date)
    keys, bed_days = np.unique(bd_key, return_counts=True)
    in_month = keys % 10_000 == month
    from .episodes import n_inject

    n = n_inject(rate, 3.0, int(in_month.sum()), int(in_month.sum()))
    hot = rng.choice(keys[in_month], n, replace=False) if n else np.zeros(0, np.int64)
    target = intensity_target(month)
    ddd = abx_ddd(rx)
    is_j = ddd > 0
    key = month_key(V["inst"][rx.v], rx.date)
    allowed = BACKGROUND_SHARE * target / 100 * bed_days[np.searchsorted(keys, key).clip(0, len(keys) - 1)]
    order = np.lexsort((rng.random(len(key)), key))
    cs = np.cumsum(np.where(is_j, ddd, 0.0)[order])
    first = np.r_[True, key[order][1:] != key[order][:-1]]
    grp_start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    before = np.where(grp_start > 0, cs[grp_start - 1], 0.0)
    ok_sorted = (cs - before <= allowed[order] + 1e-9) | ~is_j[order] | np.isin(key[order], hot)
    keep = np.zeros(len(key), dtype=bool)
    keep[order[ok_sorted]] = True
    kept = rx.take(np.flatnonzero(keep))
    extra = _extra_j01(V, sd, course, bd_key, keys, bed_days, hot, kept, target, rng)
    return Lines.cat([kept, extra]), [int(h) for h in hot]


def _extra_j01(V: dict[str, np.ndarray], sd: StayDays, course: np.ndarray, bd_key: np.ndarray, keys: np.ndarray,
               bed_days: np.ndarray, hot: np.ndarray, kept: Lines, intensity: float,
               rng: np.random.Generator) -> Lines:
    parts = [Lines.empty(rx=True)]
    a, b = CATALOG.drug_index["XJ01MA12P05"], CATALOG.drug_index["XJ01DD04P1"]
    kept_key = month_key(V["inst"][kept.v], kept.date)
    kept_ddd = abx_ddd(kept) * CATALOG.drug_is_j01[kept.code]  # J01 alone must exceed the target (contract v1)
    for h in hot:
        bd = bed_days[np.searchsorted(keys, h)]
        target = rng.uniform(1.5, 2.5) * intensity / 100 * bd
        need = target - kept_ddd[kept_key == h].sum()
        slots = np.flatnonzero((bd_key == h) & ~sd.idle)
        if need <= 0 or not len(slots):
            continue
        drug = np.where(course[sd.v[slots]] == a, b, a)
        unit = CATALOG.drug_per_day[drug] * CATALOG.drug_strength[drug] / CATALOG.drug_ddd(drug, sd.date[slots])
        m = int(min(len(slots), np.ceil(need / unit.mean())))
        pick = rng.choice(len(slots), m, replace=False)
        mult = np.ceil(need / unit[pick].sum())
        s = slots[pick]
        parts.append(Lines(sd.v[s], sd.date[s], drug[pick], CATALOG.drug_per_day[drug[pick]] * mult,
                           np.ones(m, np.int64)))
    return Lines.cat(parts)


def drug_charges(rx: Lines) -> Lines:
    return Lines(rx.v, rx.date, CATALOG.n_items + rx.code, rx.qty.copy())


def duplicate(ch: Lines, pe: int, rate: float, rng: np.random.Generator) -> tuple[Lines, np.ndarray]:
    """重复收费: copies of some lines (they get larger line ids, so the copies fire)."""
    from .episodes import n_inject

    ok = np.flatnonzero(ch.date <= pe)
    n = n_inject(rate, 0.2, len(ok), len(ok))
    pick = np.sort(rng.choice(ok, n, replace=False)) if n else np.zeros(0, np.int64)
    return Lines.cat([ch, ch.take(pick)]), pick
