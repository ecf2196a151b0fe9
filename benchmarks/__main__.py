"""``python -m benchmarks [NAME]``: run every benchmark module's ``main()`` in turn.

Modules: ``registry_bench`` first, then ``analytics_*``, ``cases_*``, ``complaints_*``, ``draw_*``, ``inspections_*``,
``sim_*`` and ``statistical_*`` in name order. ``NAME``
keeps only the modules whose name contains it (``python -m benchmarks registry``).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

PATTERNS = ("registry_bench", "analytics_", "sim_", "draw_", "inspections_", "complaints_", "cases_", "credit_",
            "statistical_")


def modules(name_filter: str | None = None) -> list[str]:
    found = [m.name for m in pkgutil.iter_modules([str(Path(__file__).resolve().parent)])]
    chosen = [n for n in found if n == "registry_bench" or n.startswith(PATTERNS[1:])]
    chosen.sort(key=lambda n: (n != "registry_bench", n))
    return [n for n in chosen if name_filter is None or name_filter in n]


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python -m benchmarks [NAME]   (runs the benchmark modules whose name contains NAME)")
        return 2
    names = modules(argv[0] if argv else None)
    if not names:
        print(f"no benchmark module matches {argv[0]!r}; known: {', '.join(modules()) or 'none'}")
        return 2
    failed: list[str] = []
    for name in names:
        started = time.perf_counter()
        module = importlib.import_module(f"benchmarks.{name}")
        run = getattr(module, "main", None)
        if run is None:
            print(f"benchmarks.{name} has no main(); skipped")
            continue
        try:
            run()
        except Exception as exc:  # report and go on with the next benchmark
            failed.append(name)
            print(f"!! benchmarks.{name} failed: {type(exc).__name__}: {exc}")
        print(f"-- benchmarks.{name}: {time.perf_counter() - started:.0f} s\n", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
