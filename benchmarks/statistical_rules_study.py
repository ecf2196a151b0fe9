"""Precision and recall of the two statistical rules on generated data (prints tables; not a test).

``prescribing_outlier`` and ``ghost_registration`` are judged by how well they find what ``weijian sim
activity`` injected (``sim_injected.parquet``). Datasets: for each (seed, violation rate) of ``DATASETS``, the
``small`` registry of ``weijian sim city`` with that seed and 12 months of ``small`` activity (from 2025-01,
same seed, that rate), generated once into ``.bench-cache/statistical-study/``. Each dataset is run once,
with the two rules only, over the whole year, with the swept thresholds relaxed (``relaxed_rules``: z > 0,
at most 10 visits here): every candidate of the table's range is then an alert with its value, and each
row of the precision–recall table keeps the alerts whose value passes that row's threshold. The row at the
rules data's own thresholds is what a plain run reports (a test checks this on a small dataset).

Prints, per dataset (T = used to choose the thresholds, H = held out), TP/FP/FN, precision and recall at the
rules data's thresholds; then per rule a table over its threshold with precision/recall per dataset and
pooled over the held-out ones. Figures also go to ``.bench-cache/statistical-study/study.json``.
Environment: ``WEIJIAN_BENCH_CACHE`` (default ``.bench-cache``). The method and the figures:
``docs/statistical-rules.md``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("WEIJIAN_BENCH_CACHE", ROOT / ".bench-cache")) / "statistical-study"
START, END, MONTHS = dt.date(2025, 1, 1), dt.date(2025, 12, 31), 12
RULES = ["prescribing_outlier", "ghost_registration"]
# the tables the two rules read; the others are written empty in the study's view of a dataset (faster runs)
USED = ("institutions", "institution_depts", "practitioners", "practitioner_scopes", "registrations", "visits",
        "prescriptions")
EMPTY = ("charges",)


@dataclass(frozen=True)
class Data:
    seed: int
    rate: float
    split: str  # "T": the thresholds were chosen looking at it; "H": held out

    @property
    def name(self) -> str:
        return f"s{self.seed}-r{self.rate:g}"


# T: looked at while revising the two rules (2026-12: the eight first for prescribing_outlier, then five more
# for ghost_registration); H: generated only after the last revision
DATASETS = [Data(7, 0.01, "T"), Data(11, 0.02, "T"), Data(13, 0.005, "T"), Data(17, 0.01, "T"),
            Data(19, 0.02, "T"), Data(23, 0.05, "T"), Data(29, 0.05, "T"), Data(31, 0.005, "T"),
            Data(37, 0.005, "T"), Data(41, 0.01, "T"), Data(43, 0.02, "T"), Data(47, 0.05, "T"),
            Data(53, 0.03, "T"),
            Data(59, 0.005, "H"), Data(61, 0.01, "H"), Data(67, 0.02, "H"), Data(71, 0.03, "H"),
            Data(73, 0.05, "H")]
GRID = {"prescribing_outlier": [0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0],
        "ghost_registration": [0.0, 1.0, 2.0, 3.0, 5.0, 10.0]}


def dataset(d: Data) -> Path:
    """The generated dataset (cached) and the study's view of it: the tables the rules read, linked."""
    from weijian.sim import city
    from weijian.sim.activity import generate

    full, view = CACHE / f"activity-{d.name}", CACHE / f"view-{d.name}"
    if not (full / "sim_activity.json").exists():
        reg = CACHE / f"registry-{d.seed}"
        if not (reg / "institutions.parquet").exists():
            with contextlib.redirect_stdout(io.StringIO()):
                city.main(["--preset", "small", "--seed", str(d.seed), "--out", str(reg)])
        shutil.rmtree(full, ignore_errors=True)
        generate(reg, full, months=MONTHS, preset="small", rate=d.rate, seed=d.seed, start=START, truth=False)
        shutil.rmtree(view, ignore_errors=True)
    if not view.exists():
        tmp = view.with_suffix(".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        for name in USED:
            src = full / name if (full / name).is_dir() else full / f"{name}.parquet"
            for f in sorted(src.glob("*.parquet")) if src.is_dir() else [src]:
                dst = tmp / f.relative_to(full)
                dst.parent.mkdir(parents=True, exist_ok=True)
                _link(f, dst)
        for name in EMPTY:
            first = next(iter(sorted((full / name).glob("*.parquet"))), None) or full / f"{name}.parquet"
            pq.write_table(pq.read_table(first).slice(0, 0), tmp / f"{name}.parquet")
        tmp.rename(view)
    return view


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@contextlib.contextmanager
def rules_dir(folder: Path | None) -> Iterator[None]:
    old = os.environ.get("WEIJIAN_RULES_DIR")
    if folder is not None:
        os.environ["WEIJIAN_RULES_DIR"] = str(folder)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("WEIJIAN_RULES_DIR", None)
        else:
            os.environ["WEIJIAN_RULES_DIR"] = old


def relaxed_run(view: Path, out: Path, start: dt.date = START, end: dt.date = END) -> float:
    """Run the two rules with the swept thresholds relaxed; seconds taken."""
    from weijian.analytics.evaluate import relaxed_rules
    from weijian.analytics.runner import RunOptions, run

    shutil.rmtree(out, ignore_errors=True)
    folder = relaxed_rules(out.parent / f"{out.name}-rules")
    t = time.perf_counter()
    with rules_dir(folder):
        res = run(RunOptions(view, start, end, out, rules=RULES))
    if res.failed:
        raise RuntimeError(f"rules failed: {res.failed}")
    return time.perf_counter() - t


def defaults(on: dt.date = START) -> dict[str, float]:
    """The rules data's value of each swept threshold (bundled file; one version over 2025)."""
    from weijian.analytics.evaluate import RULES_FILE, SWEEPS
    from weijian.rules import loader

    return {r: float(loader.resolve(RULES_FILE, s.key, on).value) for r, s in SWEEPS.items()}


def study(view: Path, out: Path, truth: Path) -> dict[str, Any]:
    """Per rule: the row at the rules data's threshold and the whole table over ``GRID``."""
    from weijian.analytics.evaluate import SWEEPS, threshold_table

    seconds = relaxed_run(view, out)
    at = defaults()
    result: dict[str, Any] = {"run_s": round(seconds, 1)}
    for rule in RULES:
        grid = sorted(set(GRID[rule]) | {at[rule]})
        table = threshold_table(out, truth, SWEEPS[rule], grid)
        result[rule] = {"default": next(r for r in table if r["threshold"] == at[rule]), "table": table}
    return result


def _f(x: object) -> str:
    return "  -  " if x is None else f"{float(x):.3f}"  # type: ignore[arg-type]


def _pooled(rows: list[dict[str, Any]]) -> dict[str, Any]:
    tp, fp, fn = (sum(int(r[k]) for r in rows) for k in ("tp", "fp", "fn"))
    return {"tp": tp, "fp": fp, "fn": fn, "precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / (tp + fn) if tp + fn else None}


def main() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {}
    t0 = time.perf_counter()
    for d in DATASETS:
        view = dataset(d)
        figures[d.name] = study(view, CACHE / f"out-{d.name}", CACHE / f"activity-{d.name}" / "sim_injected.parquet")
    at = defaults()
    print(f"statistical rules study: {len(DATASETS)} datasets (small registry and small activity, 12 months "
          f"from 2025-01; T = used to choose the thresholds, H = held out); truth = what the generator injected")
    print(f"thresholds of the rules data: prescribing_outlier z > {at['prescribing_outlier']:g}, "
          f"ghost_registration visits here <= {at['ghost_registration']:g}")
    print(f"{'dataset':12s} {'':2s} {'rule':20s} {'TP':>4s} {'FP':>4s} {'FN':>4s} {'precision':>9s} {'recall':>7s}")
    for d in DATASETS:
        for rule in RULES:
            r = figures[d.name][rule]["default"]
            print(f"{d.name:12s} {d.split:2s} {rule:20s} {r['tp']:4d} {r['fp']:4d} {r['fn']:4d} "
                  f"{_f(r['precision']):>9s} {_f(r['recall']):>7s}")
    held = [d for d in DATASETS if d.split == "H"]
    for rule in RULES:
        p = _pooled([figures[d.name][rule]["default"] for d in held])
        print(f"{'held out':12s} {'H':2s} {rule:20s} {p['tp']:4d} {p['fp']:4d} {p['fn']:4d} "
              f"{_f(p['precision']):>9s} {_f(p['recall']):>7s}")
    for rule in RULES:
        side = ">" if rule == "prescribing_outlier" else "<="
        print(f"\n{rule}: precision/recall per dataset by threshold (fires when value {side} threshold)")
        print(f"{'threshold':>9s} " + " ".join(f"{d.name + '(' + d.split + ')':>13s}" for d in DATASETS)
              + f" {'held out':>13s}")
        grid = [r["threshold"] for r in figures[DATASETS[0].name][rule]["table"]]
        for i, t in enumerate(grid):
            rows = [figures[d.name][rule]["table"][i] for d in DATASETS]
            cells = [f"{_f(r['precision'])}/{_f(r['recall'])}" for r in rows]
            p = _pooled([figures[d.name][rule]["table"][i] for d in held])
            mark = "*" if t == at[rule] else " "
            print(f"{t:>8g}{mark} " + " ".join(f"{c:>13s}" for c in cells)
                  + f" {_f(p['precision']) + '/' + _f(p['recall']):>13s}")
    figures["_meta"] = {"thresholds": at, "seconds": round(time.perf_counter() - t0, 1),
                        "datasets": [d.__dict__ for d in DATASETS]}
    (CACHE / "study.json").write_text(json.dumps(figures, indent=1, default=str))
    print(f"\n(* the rules data's threshold; figures in {CACHE / 'study.json'})")


if __name__ == "__main__":
    main()
