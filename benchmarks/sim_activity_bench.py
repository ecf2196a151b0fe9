"""Benchmark of ``weijian sim activity`` (prints figures; not a test).

Generates activity for the small registry (``weijian sim city --preset small``; a built-in toy
registry if that generator is missing) and prints rows per table, generation rows/s (the
Parquet writing included, the SQL ground truth timed separately) and peak memory.

Environment: ``WEIJIAN_BENCH_SIM_PRESET`` (small, district or city; default small),
``WEIJIAN_BENCH_SIM_MONTHS`` (default 12 for small, 1 otherwise), ``WEIJIAN_BENCH_CACHE``
(default ``.bench-cache``).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import time
from pathlib import Path

CACHE = Path(os.environ.get("WEIJIAN_BENCH_CACHE", ".bench-cache"))


def registry(folder: Path) -> Path:
    """The small synthetic city's registry, built once into the cache."""
    if (folder / "institutions.parquet").exists():
        return folder
    try:
        from weijian.sim.city import main as city_main

        city_main(["--preset", "small", "--seed", "1", "--out", str(folder)])
    except ImportError:
        from weijian.sim.activity import toy

        toy.build(folder, n_inst=60)
    return folder


def main() -> None:
    from weijian.sim.activity import generate
    from weijian.sim.activity.truth import compute_truth

    preset = os.environ.get("WEIJIAN_BENCH_SIM_PRESET", "small")
    months = int(os.environ.get("WEIJIAN_BENCH_SIM_MONTHS", "12" if preset == "small" else "1"))
    reg = registry(CACHE / "sim-registry-small")
    out = CACHE / f"sim-activity-{preset}-{months}"
    shutil.rmtree(out, ignore_errors=True)
    start = dt.date(2025, 1, 1)
    t0 = time.perf_counter()
    rows = generate(reg, out, months=months, preset=preset, rate=0.01, seed=1, start=start, truth=False)
    gen = time.perf_counter() - t0
    total = sum(rows.values())
    t1 = time.perf_counter()
    end = dt.date(2025 + (months - 1) // 12, (months - 1) % 12 + 1, 1)
    end = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    truth = compute_truth(out, start, end)
    tt = time.perf_counter() - t1
    print(f"sim activity: preset {preset}, {months} month(s), registry {reg}")
    for name, n in rows.items():
        print(f"  {name:22s} {n:>13,}")
    print(f"  generated {total:,} rows in {gen:.1f} s = {total / gen:,.0f} rows/s (Parquet written, "
          f"{os.cpu_count()} cores)")
    print(f"  ground truth (DuckDB SQL): {truth.num_rows:,} subjects in {tt:.1f} s")
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
