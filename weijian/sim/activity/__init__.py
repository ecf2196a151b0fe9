"""``weijian sim activity``: a year of synthetic activity for a synthetic registry, with ground truth.

Reads a registry (``weijian sim city``'s output, or any folder with the contract's registry
tables) and writes a self-contained dataset in the shape of ``contracts/analytics-v1.md``:
visits, prescriptions, charges, deaths, waste bags and manifests, wastewater readings (no ``ddd``
table: the engine's bundled WHO reference is what it is measured by), the registry tables (hard-linked
or copied), ``truth.parquet`` — every
(rule_id, subject_id) that meets a rule's definition over the generated period — and
``sim_injected.parquet``, what was injected on purpose.

Generation is vectorised with NumPy and Arrow, one chunk (a month × a block of institutions) at
a time, each chunk from its own seeded random stream: the same seed gives the same dataset.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .catalog import SEASON_VOLUME
from .chunk import Context, chunk_tables
from .common import add_months, date_of, day_of, fixed_ids, hash_u
from .environment import waste, wastewater
from .episodes import Cohort, n_inject
from .registry import Registry
from .truth import compute_truth
from .visits import Month
from .writer import DatasetWriter, copy_registry

PRESETS = {"small": 60_000, "district": 1_500_000, "city": 25_000_000}  # visits per month
BLOCK_VISITS = 1_000_000  # visits per chunk, to bound memory

__all__ = ["PRESETS", "generate", "main"]


def _blocks(base: np.ndarray) -> list[tuple[int, int]]:
    """Contiguous institution ranges of at most ``BLOCK_VISITS`` base visits each."""
    edges, acc, lo = [], 0.0, 0
    for i, b in enumerate(base):
        if acc + b > BLOCK_VISITS and i > lo:
            edges.append((lo, i))
            lo, acc = i, 0.0
        acc += b
    edges.append((lo, len(base)))
    return edges


def _fake_practitioners(reg: Registry, seed: int, n: int = 200) -> list[str]:
    """15-digit practitioner numbers that the registry does not know (for 无证执业)."""
    u = hash_u(seed, 61, np.arange(4 * n))
    cand = [f"{int(x * 10**13):013d}" for x in u]
    return [f"99{c}" for c in cand if f"99{c}" not in reg.prac_index][:n]


def _ghosts(ctx_reg: Registry, weight: np.ndarray, ps: int, pe: int, rate: float,
            rng: np.random.Generator) -> list[str]:
    """挂证: zero the activity of some secondary registrations valid through the whole period."""
    reg, p = ctx_reg, ctx_reg.pairs
    active = (p.lo <= ps) & (p.hi >= pe) & p.scope_ok & (weight > 0)
    key = p.prac * reg.n_inst + p.inst
    primary_active = np.unique(p.prac[active & p.primary])
    cand = np.unique(key[active & ~p.primary & np.isin(p.prac, primary_active)])
    n = n_inject(rate, 2.0, len(cand), len(cand))
    if not n:
        return []
    # busy doctors (most work at their primary institution), so "active elsewhere" is plain
    busy = np.bincount(p.prac[active & p.primary], weights=weight[active & p.primary], minlength=len(reg.prac_id))
    top = cand[np.argsort(-busy[cand // reg.n_inst], kind="stable")][: 3 * n]
    pick = rng.choice(top, n, replace=False)
    weight[np.isin(key, pick)] = 0.0
    return [f"{reg.prac_id[k // reg.n_inst]}|{reg.inst_id[k % reg.n_inst]}" for k in pick]


def generate(registry: Path, out: Path, *, months: int = 12, preset: str = "small", rate: float = 0.01,
             seed: int = 0, start: dt.date = dt.date(2025, 1, 1), truth: bool = True,
             progress: bool = False) -> dict[str, int]:
    """Write the dataset; return rows written per table."""
    if start.day != 1:
        raise ValueError("--start must be the first day of a month")
    t0 = time.perf_counter()
    reg = Registry(registry, seed)
    ps, pe = day_of(start), day_of(add_months(start, months)) - 1
    rng = np.random.default_rng([seed, 0])
    weight = reg.pairs.weight.copy()
    ghosts = _ghosts(reg, weight, ps, pe, rate, rng)
    base = PRESETS[preset] * reg.inst_weight / reg.inst_weight.sum()
    fakes = _fake_practitioners(reg, seed)
    ctx = Context(reg, seed, rate, ps, pe, weight, Cohort.build(seed, base * reg.chronic_share(), ps, pe),
                  pa.array(reg.prac_id + fakes, pa.string()), len(reg.prac_id) + np.arange(len(fakes)))
    ctx.record("ghost_registration", ghosts)
    w = DatasetWriter(out)
    blocks = _blocks(base)
    for m in range(months):
        ms, me = day_of(add_months(start, m)), day_of(add_months(start, m + 1)) - 1
        mo = Month(reg, weight, ms, me, m)
        eligible = mo.acute.has(np.arange(reg.n_inst))
        total = PRESETS[preset] * SEASON_VOLUME[mo.month_of_year - 1] * len(mo.days) / 30.44
        p = reg.inst_weight * eligible
        counts = np.random.default_rng([seed, 1, m]).multinomial(int(total), p / p.sum()) if p.sum() else p * 0
        for b, (i0, i1) in enumerate(blocks):
            tables = chunk_tables(ctx, mo, np.arange(i0, i1), counts[i0:i1].astype(np.int64),
                                  np.random.default_rng([seed, 2, m, b]))
            for name, t in tables.items():
                w.write_part(name, t)
        if progress:
            print(f"  {date_of(ms):%Y-%m}: {w.rows['visits']:,} visits so far ({time.perf_counter() - t0:.1f}s)",
                  file=sys.stderr)
    _environment(ctx, w, base, blocks)
    _deaths(ctx, w)
    w.close()
    copy_registry(registry, out)
    injected = _injected_table(ctx)
    pq.write_table(injected, out / "sim_injected.parquet")
    if truth:
        outliers = injected.filter(pa.compute.equal(injected["rule_id"], "prescribing_outlier"))["subject_id"]
        t = compute_truth(out, date_of(ps), date_of(pe), outliers.combine_chunks(), months)
        pq.write_table(t, out / "truth.parquet")
        w.rows["truth"] = t.num_rows
    meta = {"preset": preset, "seed": seed, "violations": rate, "start": str(date_of(ps)), "end": str(date_of(pe)),
            "months": months, "rows": w.rows, "seconds": round(time.perf_counter() - t0, 2)}
    (out / "sim_activity.json").write_text(json.dumps(meta, indent=2))
    return w.rows


def _environment(ctx: Context, w: DatasetWriter, base: np.ndarray, blocks: list[tuple[int, int]]) -> None:
    reg = ctx.reg
    n_bags = n_man = 0
    for b, (i0, i1) in enumerate(blocks):
        insts = np.arange(i0, i1)
        rng = np.random.default_rng([ctx.seed, 3, b])
        bags, man, _ = waste(reg, insts, base[insts] / 30.44, ctx.ps, ctx.pe, ctx.seed, ctx.rate, rng, n_bags, n_man)
        n_bags, n_man = n_bags + bags.num_rows, n_man + man.num_rows
        w.write_part("waste_bags", bags)
        w.write_part("waste_manifests", man)
    sensors = np.flatnonzero(np.array([c is not None for c in reg.inst_ww]))
    for j in range(0, len(sensors), 64):
        rng = np.random.default_rng([ctx.seed, 4, j])
        w.write_part("wastewater_readings", wastewater(reg, sensors[j:j + 64], ctx.ps, ctx.pe, ctx.seed, ctx.rate, rng))


def _deaths(ctx: Context, w: DatasetWriter) -> None:
    coh = ctx.cohort
    dead = np.flatnonzero(coh.death <= ctx.pe)
    ids = [fixed_ids("P", coh.member[dead] + 10**12, 13)] + [d[0] for d in ctx.deaths]
    days = [coh.death[dead]] + [d[1] for d in ctx.deaths]
    w.write_single("deaths", pa.table({
        "patient_id": pa.concat_arrays(ids),
        "death_date": pa.array(np.concatenate(days).astype(np.int32), pa.date32()),
    }))


def _injected_table(ctx: Context) -> pa.Table:
    if not ctx.injected:
        return pa.table({"rule_id": pa.array([], pa.string()), "subject_id": pa.array([], pa.string())})
    return pa.table({
        "rule_id": pa.concat_arrays([pa.array([r] * len(a), pa.string()) for r, a in ctx.injected]),
        "subject_id": pa.concat_arrays([a.cast(pa.string()) for _, a in ctx.injected]),
    })


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="weijian sim activity", description=__doc__.splitlines()[0])
    ap.add_argument("--registry", required=True, type=Path, help="folder with the registry tables")
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--preset", choices=sorted(PRESETS), default="small")
    ap.add_argument("--violations", type=float, default=0.01, metavar="RATE",
                    help="injection rate (0 = clean data; default 0.01)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, type=Path, help="dataset folder to write")
    ap.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2025, 1, 1))
    ap.add_argument("--no-truth", action="store_true", help="skip computing truth.parquet")
    args = ap.parse_args(argv)
    if args.start.day != 1:
        ap.error("--start must be the first day of a month")
    if not 0 <= args.violations <= 1:
        ap.error("--violations must be between 0 and 1")
    t0 = time.perf_counter()
    rows = generate(args.registry, args.out, months=args.months, preset=args.preset, rate=args.violations,
                    seed=args.seed, start=args.start, truth=not args.no_truth, progress=True)
    secs = time.perf_counter() - t0
    total = sum(v for k, v in rows.items() if k != "truth")
    for name, n in rows.items():
        print(f"{name:22s} {n:>13,}")
    print(f"wrote {total:,} rows to {args.out} in {secs:.1f}s ({total / secs:,.0f} rows/s)")
    return 0
