"""Draw benchmarks: the verifiable draw plus the CP-SAT assignment, and ``draw verify`` of its record.

(a) The ``city`` preset of ``weijian sim city`` with every institution drawn (ratios 100 %): 6,000 targets,
    its 1,500 inspectors (those of the health department with the 执法领域 of CC00227 are eligible).
(b) A generated case: 10,000 targets and 1,000 inspectors over 16 districts.
Targets: draw + assignment < 10 s each; ``draw verify`` of the record < 5 s. Django-free (no database): the
same functions the services call (``draw.py``, ``assign.py``, ``record.py``, ``verify.py``).

Both wall-clock and CPU seconds are printed: the solver runs single-threaded, so on a machine shared with
other work the CPU figure is the one that says what the draw itself costs.

Run with ``python -m benchmarks draw`` (or ``make bench``). ``WEIJIAN_BENCH_SEED`` (default 20261123).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from collections.abc import Sequence

from weijian.inspections.planning import assign, draw, verify
from weijian.inspections.planning.record import complete_record

DRAW_TARGET_S = 10.0
VERIFY_TARGET_S = 5.0
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
NEED = assign.Need("CC00227", "health", frozenset({"medical"}))


def _seed() -> int:
    return int(os.environ.get("WEIJIAN_BENCH_SEED") or 20261123)


def _case_city() -> tuple[list[tuple[int, str]], list[assign.Officer]]:
    from weijian.sim.city import PRESETS, generate

    tables = generate(PRESETS["city"], _seed())
    inst = tables["institutions"]
    targets = [(n + 1, d) for n, d in enumerate(inst["district_code"].to_pylist())]
    ins = tables["inspectors"]
    officers = [
        assign.Officer(n + 1, dept, region[:6], frozenset(f for f in fields.split(";") if f), dt.date(2020, 1, 1),
                       None, active)
        for n, (dept, region, fields, active) in enumerate(zip(
            ins["department"].to_pylist(), ins["region_code"].to_pylist(), ins["fields"].to_pylist(),
            ins["active"].to_pylist(), strict=True))
    ]  # fmt: skip
    return targets, officers


def _case_generated() -> tuple[list[tuple[int, str]], list[assign.Officer]]:
    rng = random.Random(_seed())
    districts = [f"3101{k:02d}" for k in range(16)]
    targets = [(n + 1, rng.choice(districts)) for n in range(10_000)]
    officers = [assign.Officer(n + 1, "health", rng.choice(districts), frozenset({"medical"}), dt.date(2020, 1, 1),
                               None if rng.random() > 0.03 else dt.date(2026, 6, 30)) for n in range(1_000)]  # fmt: skip
    return targets, officers


def run_case(name: str, targets: Sequence[tuple[int, str]], officers: Sequence[assign.Officer]) -> dict[str, float]:
    grades = draw.GRADES
    population = [draw.Candidate(i, grades[(i * 7919) % 4]) for i, _ in targets]
    districts = dict(targets)
    parameters = {"algorithm": draw.ALGORITHM, "ratios": dict.fromkeys(grades, "100"), "min_inspectors": 2,
                  "capacity": 120, "departments": ["health"], "items": ["CC00227"]}  # fmt: skip
    started, cpu_started = time.perf_counter(), time.process_time()
    pop_hash, params_hash = draw.population_hash(population), draw.parameters_hash(parameters)
    secret = draw.new_secret()
    commitment = draw.commitment(pop_hash, params_hash, secret)
    committed = time.perf_counter()
    seed = draw.derive_seed(pop_hash, params_hash, secret, "bench 42")
    selected = draw.select(population, parameters["ratios"], seed)
    drawn = time.perf_counter()
    problem = assign.Problem(tuple(assign.Target(t.id, districts[t.id]) for t in selected), tuple(officers), (NEED,),
                             ("health",), 2, 120, (START, END), {}, seed)  # fmt: skip
    result = assign.solve(problem)
    assigned = time.perf_counter()
    record = complete_record(
        {"format": draw.RECORD_FORMAT, "algorithm": draw.ALGORITHM, "parameters": parameters,
         "parameters_hash": params_hash, "population": [{"id": c.id, "stratum": c.stratum} for c in population],
         "population_hash": pop_hash, "commitment": commitment,
         "institutions": {str(i): {"district": d} for i, d in targets}},
        secret=secret, public_value="bench 42", witnesses="", seed=seed, targets=selected, problem=problem,
        result=result, drawn_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    text = json.dumps(record, ensure_ascii=False)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    v0, v_cpu = time.perf_counter(), time.process_time()
    verdict = verify.verify(json.loads(text))
    verify_s, verify_cpu = time.perf_counter() - v0, time.process_time() - v_cpu
    print(f"{name}: {len(selected):,} targets, {len(officers):,} inspectors "
          f"({len(officers) - len(result.excluded_officers):,} eligible)")  # fmt: skip
    print(f"  commitment {committed - started:.2f} s, draw {drawn - committed:.2f} s, "
          f"assignment {assigned - drawn:.2f} s, record {len(text) / 1e6:.1f} MB")  # fmt: skip
    print(f"  draw + assignment: {total:.2f} s wall, {cpu:.2f} s CPU (target < {DRAW_TARGET_S:.0f} s) "
          f"{'OK' if total < DRAW_TARGET_S else 'SLOW'}; staffed {len(result.assignment):,}, "
          f"unstaffed {len(result.unstaffed):,}; solver {result.solver['status']}")  # fmt: skip
    print(f"  draw verify: {verify_s:.2f} s wall, {verify_cpu:.2f} s CPU (target < {VERIFY_TARGET_S:.0f} s) "
          f"{'OK' if verify_s < VERIFY_TARGET_S else 'SLOW'}; {'verified' if verdict.ok else verdict.first}")  # fmt: skip
    return {"draw_s": total, "draw_cpu_s": cpu, "verify_s": verify_s}


def main() -> None:
    run_case("city preset", *_case_city())
    run_case("generated", *_case_generated())


if __name__ == "__main__":
    main()
