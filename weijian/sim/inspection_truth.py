"""The hidden inspection truth of the synthetic city: would an on-site check find a non-compliance? Django-free.

``weijian sim activity`` injects violations and records them in ``sim_injected.parquet`` (rule, subject). An
institution with at least one injected violation in the year fails an on-site check with probability
:data:`P_FAIL_VIOLATED` (0.6), one without with :data:`P_FAIL_CLEAN` (0.1). These two numbers are fixed
constants of the simulator's truth model (issue 8 §7), not tuning knobs and not rules data: they make "what risk
grading buys" measurable, by ``weijian draw evaluate``.

Each subject is traced to its institution through the dataset's own tables: a visit (and the visit of a charge
line) to the visit's institution; ``institution|month`` and ``practitioner|institution`` subjects carry it; a
practitioner–drug–month to the practitioner's primary registration; a bag, a manifest or a sensor to its
institution. ``weijian sim truth DATASET`` writes ``inspection_truth.parquet`` beside the dataset's files:
institution_id · violations (count of injected subjects) · p_fail.

Whether a given check finds it (one year, one round) is drawn by :func:`fails`: SHA-256 of
``seed|round|institution`` read as a number in [0, 1), below p_fail.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

P_FAIL_VIOLATED = 0.6
P_FAIL_CLEAN = 0.1
FILE = "inspection_truth.parquet"

_VISIT_RULES = ("institution_licence", "out_of_scope_dept", "unregistered_practice", "invalid_licence",
                "practitioner_scope", "split_admission", "idle_inpatient_days")  # fmt: skip
_CHARGE_RULES = ("duplicate_charge", "post_death_charge", "repeat_exam")


def _source(dataset: Path, table: str) -> str | None:
    folder, single = dataset / table, dataset / f"{table}.parquet"
    if folder.is_dir() and any(folder.glob("*.parquet")):
        return f"read_parquet('{folder.as_posix()}/*.parquet')"
    if single.exists():
        return f"read_parquet('{single.as_posix()}')"
    return None


def _in(rules: tuple[str, ...]) -> str:
    return ", ".join(f"'{r}'" for r in rules)


def violations_by_institution(dataset: Path) -> dict[str, int]:
    """Institution id (统一社会信用代码) → number of injected subjects traced to it."""
    injected = _source(dataset, "sim_injected")
    if injected is None:
        raise FileNotFoundError(f"{dataset}: no sim_injected.parquet (run weijian sim activity first)")
    con = duckdb.connect()
    con.execute(f"CREATE VIEW injected AS SELECT rule_id, subject_id FROM {injected}")
    parts = [
        "SELECT split_part(subject_id, '|', 1) AS institution_id FROM injected WHERE rule_id = 'antimicrobial_intensity'",
        "SELECT split_part(subject_id, '|', 2) FROM injected WHERE rule_id = 'ghost_registration'",
    ]
    if (visits := _source(dataset, "visits")) is not None:
        parts.append(f"SELECT v.institution_id FROM injected i JOIN {visits} v ON v.visit_id = i.subject_id "
                     f"WHERE i.rule_id IN ({_in(_VISIT_RULES)})")  # fmt: skip
    if (charges := _source(dataset, "charges")) is not None:
        parts.append(f"SELECT c.institution_id FROM injected i JOIN {charges} c ON c.line_id = i.subject_id "
                     f"WHERE i.rule_id IN ({_in(_CHARGE_RULES)})")  # fmt: skip
    if (registrations := _source(dataset, "registrations")) is not None:
        parts.append(f"SELECT r.institution_id FROM injected i JOIN {registrations} r "
                     "ON r.practitioner_id = split_part(i.subject_id, '|', 1) AND r.is_primary "
                     "WHERE i.rule_id = 'prescribing_outlier'")  # fmt: skip
    if (bags := _source(dataset, "waste_bags")) is not None:
        parts.append(f"SELECT b.institution_id FROM injected i JOIN {bags} b ON b.bag_id = i.subject_id "
                     "WHERE i.rule_id = 'waste_overdue_storage'")  # fmt: skip
    if (manifests := _source(dataset, "waste_manifests")) is not None:
        parts.append(f"SELECT m.institution_id FROM injected i JOIN {manifests} m ON m.manifest_id = i.subject_id "
                     "WHERE i.rule_id = 'waste_weight_gap'")  # fmt: skip
    if (readings := _source(dataset, "wastewater_readings")) is not None:
        parts.append(f"SELECT s.institution_id FROM injected i JOIN (SELECT DISTINCT sensor_id, institution_id "
                     f"FROM {readings}) s ON s.sensor_id = split_part(i.subject_id, '|', 1) "
                     "WHERE i.rule_id LIKE 'wastewater_%'")  # fmt: skip
    sql = f"SELECT institution_id, count(*) FROM ({' UNION ALL '.join(parts)}) GROUP BY 1 ORDER BY 1"
    return {str(k): int(n) for k, n in con.execute(sql).fetchall() if k}


def p_fail(violations: int) -> float:
    return P_FAIL_VIOLATED if violations > 0 else P_FAIL_CLEAN


def inspection_truth(dataset: Path) -> pa.Table:
    """One row per institution of the dataset's registry: its injected violations and its p_fail."""
    found = violations_by_institution(dataset)
    institutions = _source(dataset, "institutions")
    ids = sorted(found)
    if institutions is not None:
        ids = sorted({*found, *(r[0] for r in duckdb.sql(f"SELECT institution_id FROM {institutions}").fetchall())})
    return pa.table({
        "institution_id": pa.array(ids, pa.string()),
        "violations": pa.array([found.get(i, 0) for i in ids], pa.int64()),
        "p_fail": pa.array([p_fail(found.get(i, 0)) for i in ids], pa.float64()),
    })


def read_truth(dataset: Path) -> dict[str, float]:
    """Institution id → p_fail, from ``inspection_truth.parquet`` (computed when the dataset lacks it)."""
    path = Path(dataset) / FILE
    table = pq.read_table(path) if path.exists() else inspection_truth(Path(dataset))
    return dict(zip(table["institution_id"].to_pylist(), table["p_fail"].to_pylist(), strict=True))


def fails(seed: str, round_no: int, institution: str, probability: float) -> bool:
    """Whether an on-site check of ``institution`` in year ``round_no`` finds a non-compliance."""
    digest = hashlib.sha256(f"{seed}|{round_no}|{institution}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < probability


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="weijian sim truth", description=__doc__.splitlines()[0])
    ap.add_argument("dataset", type=Path, help="a weijian sim activity output folder")
    args = ap.parse_args(argv)
    table = inspection_truth(args.dataset)
    pq.write_table(table, args.dataset / FILE)
    violated = sum(1 for v in table["violations"].to_pylist() if v > 0)
    print(f"{table.num_rows} institutions, {violated} with injected violations → {args.dataset / FILE}")
    return 0
