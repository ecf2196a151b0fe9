"""``weijian draw verify RECORD.json``: re-run a published draw from its record alone. Django-free.

The targets are recomputed exactly (population hash, parameters hash, commitment, seed, stratified selection);
the recorded assignment is checked against every hard constraint of ``assign.py`` (an optimiser's choice among
feasible assignments may differ between solver versions and thread counts, so it is verified, not re-derived).
The first difference is reported, naming where in the record it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weijian.inspections.planning import assign, draw


@dataclass
class Verdict:
    ok: bool
    problems: list[str] = field(default_factory=list)
    targets: int = 0
    staffed: int = 0

    @property
    def first(self) -> str:
        return self.problems[0] if self.problems else ""


def load_record(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: 不是可读的抽取记录（JSON）：{exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: 抽取记录应为 JSON 对象")
    return data


def _fail(message: str) -> Verdict:
    return Verdict(False, [message])


def verify_targets(record: Mapping[str, Any]) -> tuple[list[draw.Selected] | None, str | None]:
    """The recomputed targets, or the first difference."""
    if record.get("format") != draw.RECORD_FORMAT:
        return None, f"format：应为 {draw.RECORD_FORMAT}，记录为 {record.get('format')!r}"
    if record.get("algorithm") != draw.ALGORITHM:
        return None, f"algorithm：本程序实现 {draw.ALGORITHM}，记录为 {record.get('algorithm')!r}"
    secret, public_value = record.get("secret"), record.get("public_value")
    if not secret or not public_value:
        return None, "secret / public_value：抽取尚未进行（密钥在抽取后才公开）"
    try:
        population = [draw.Candidate(int(c["id"]), str(c["stratum"])) for c in record["population"]]
        pop_hash = draw.population_hash(population)
    except (KeyError, TypeError, ValueError) as exc:
        return None, f"population：无法读取（{exc}）"
    if pop_hash != record.get("population_hash"):
        return None, f"population_hash：按 population 重算为 {pop_hash}，记录为 {record.get('population_hash')}"
    parameters = record.get("parameters")
    if not isinstance(parameters, dict):
        return None, "parameters：缺失"
    params_hash = draw.parameters_hash(parameters)
    if params_hash != record.get("parameters_hash"):
        return None, f"parameters_hash：按 parameters 重算为 {params_hash}，记录为 {record.get('parameters_hash')}"
    if parameters.get("algorithm") != draw.ALGORITHM:
        return None, f"parameters.algorithm：应为 {draw.ALGORITHM}"
    commitment = draw.commitment(pop_hash, params_hash, str(secret))
    if commitment != record.get("commitment"):
        return None, f"commitment：按 population_hash、parameters_hash 和 secret 重算为 {commitment}，记录为 {record.get('commitment')}"
    try:
        seed = draw.derive_seed(pop_hash, params_hash, str(secret), str(public_value))
    except draw.DrawInputError as exc:
        return None, f"public_value：{exc}"
    if seed != record.get("seed"):
        return None, f"seed：按承诺的四项重算为 {seed}，记录为 {record.get('seed')}"
    try:
        ratios = {g: draw.parse_ratio(parameters["ratios"][g], g) for g in draw.GRADES}
    except (KeyError, TypeError, draw.DrawInputError) as exc:
        return None, f"parameters.ratios：{exc}"
    expected = draw.select(population, ratios, seed)
    recorded = record.get("targets")
    if not isinstance(recorded, list):
        return None, "targets：缺失"
    for n, (want, got) in enumerate(zip(expected, recorded, strict=False)):
        if not isinstance(got, dict) or (got.get("id"), got.get("stratum"), got.get("rank")) != (want.id, want.stratum, want.rank):
            return None, f"targets[{n}]：应为 对象 {want.id}（{want.stratum} 层第 {want.rank} 位），记录为 {got}"
    if len(recorded) != len(expected):
        return None, f"targets：应抽中 {len(expected)} 个对象，记录有 {len(recorded)} 个"
    return expected, None


def verify(record: Mapping[str, Any]) -> Verdict:
    """Both checks: the targets exactly, then the assignment against the hard constraints."""
    targets, problem_text = verify_targets(record)
    if targets is None:
        return _fail(problem_text or "")
    try:
        institutions = record.get("institutions") or {}
        problem = assign.problem_from_record(
            record["assignment_inputs"],
            [assign.Target(t.id, str((institutions.get(str(t.id)) or {}).get("district", ""))) for t in targets],
            str(record["seed"]),
        )
        assignment = {int(a["id"]): [int(i) for i in a["inspectors"]] for a in record.get("assignment") or []}
        unstaffed = [int(b["id"]) for b in record.get("unstaffed") or []]
    except (KeyError, TypeError, ValueError) as exc:
        return _fail(f"assignment_inputs / assignment：无法读取（{exc}）")
    parameters = record["parameters"]
    if problem.min_inspectors < int(parameters.get("min_inspectors", 0)):
        return _fail(f"assignment_inputs.min_inspectors：{problem.min_inspectors} 少于承诺参数中的 {parameters['min_inspectors']}")
    if problem.capacity > int(parameters.get("capacity", problem.capacity)):
        return _fail(f"assignment_inputs.capacity：{problem.capacity} 超过承诺参数中的 {parameters['capacity']}")
    if list(problem.departments) != list(parameters.get("departments", problem.departments)):
        return _fail("assignment_inputs.departments：与承诺参数中的部门不一致")
    broken = assign.check(problem, assignment, unstaffed)
    if broken:
        return Verdict(False, [f"assignment：{p}" for p in broken], len(targets), len(assignment))
    return Verdict(True, [], len(targets), len(assignment))


def main(argv: list[str], out: Any = None, err: Any = None) -> int:
    """``weijian draw verify RECORD.json``: 0 when the targets and the assignment hold, 1 otherwise."""
    import sys

    out, err = out or sys.stdout, err or sys.stderr
    if len(argv) != 1 or not argv[0]:
        err.write("用法：weijian draw verify RECORD.json\n")
        return 2
    try:
        record = load_record(Path(argv[0]))
    except ValueError as exc:
        err.write(f"{exc}\n")
        return 2
    verdict = verify(record)
    if not verdict.ok:
        err.write(f"校验未通过：{verdict.first}\n")
        if len(verdict.problems) > 1:
            err.write(f"（另有 {len(verdict.problems) - 1} 处不符）\n")
        return 1
    out.write(f"校验通过：{verdict.targets} 个抽中对象与记录一致（{draw.ALGORITHM}），"
              f"{verdict.staffed} 个对象的人员分派满足全部硬约束\n")  # fmt: skip
    return 0
