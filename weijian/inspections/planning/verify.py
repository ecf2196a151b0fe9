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

from weijian.i18n import gettext as _
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
        raise ValueError(_("%(path)s: 不是可读的抽取记录（JSON）：%(exc)s") % {"path": path, "exc": exc}) from None
    if not isinstance(data, dict):
        raise ValueError(_("%(path)s: 抽取记录应为 JSON 对象") % {"path": path})
    return data


def _fail(message: str) -> Verdict:
    return Verdict(False, [message])


def verify_targets(record: Mapping[str, Any]) -> tuple[list[draw.Selected] | None, str | None]:
    """The recomputed targets, or the first difference."""
    if record.get("format") != draw.RECORD_FORMAT:
        return None, _("format：应为 %(record_format)s，记录为 %(recorded)s") % {
            "record_format": draw.RECORD_FORMAT,
            "recorded": f"{record.get('format')!r}",
        }
    if record.get("algorithm") != draw.ALGORITHM:
        return None, _("algorithm：本程序实现 %(algorithm)s，记录为 %(recorded)s") % {
            "algorithm": draw.ALGORITHM,
            "recorded": f"{record.get('algorithm')!r}",
        }
    secret, public_value = record.get("secret"), record.get("public_value")
    if not secret or not public_value:
        return None, _("secret / public_value：抽取尚未进行（密钥在抽取后才公开）")
    try:
        population = [draw.Candidate(int(c["id"]), str(c["stratum"])) for c in record["population"]]
        pop_hash = draw.population_hash(population)
    except (KeyError, TypeError, ValueError) as exc:
        return None, _("population：无法读取（%(exc)s）") % {"exc": exc}
    if pop_hash != record.get("population_hash"):
        return None, _("population_hash：按 population 重算为 %(pop_hash)s，记录为 %(recorded)s") % {
            "pop_hash": pop_hash,
            "recorded": record.get("population_hash"),
        }
    parameters = record.get("parameters")
    if not isinstance(parameters, dict):
        return None, _("parameters：缺失")
    params_hash = draw.parameters_hash(parameters)
    if params_hash != record.get("parameters_hash"):
        return None, _("parameters_hash：按 parameters 重算为 %(params_hash)s，记录为 %(recorded)s") % {
            "params_hash": params_hash,
            "recorded": record.get("parameters_hash"),
        }
    if parameters.get("algorithm") != draw.ALGORITHM:
        return None, _("parameters.algorithm：应为 %(algorithm)s") % {"algorithm": draw.ALGORITHM}
    commitment = draw.commitment(pop_hash, params_hash, str(secret))
    if commitment != record.get("commitment"):
        return None, _(
            "commitment：按 population_hash、parameters_hash 和 secret 重算为 %(commitment)s，记录为 %(recorded)s"
        ) % {"commitment": commitment, "recorded": record.get("commitment")}
    try:
        seed = draw.derive_seed(pop_hash, params_hash, str(secret), str(public_value))
    except draw.DrawInputError as exc:
        return None, _("public_value：%(exc)s") % {"exc": exc}
    if seed != record.get("seed"):
        return None, _("seed：按承诺的四项重算为 %(seed)s，记录为 %(recorded)s") % {
            "seed": seed,
            "recorded": record.get("seed"),
        }
    try:
        ratios = {g: draw.parse_ratio(parameters["ratios"][g], g) for g in draw.GRADES}
    except (KeyError, TypeError, draw.DrawInputError) as exc:
        return None, _("parameters.ratios：%(exc)s") % {"exc": exc}
    expected = draw.select(population, ratios, seed)
    recorded = record.get("targets")
    if not isinstance(recorded, list):
        return None, _("targets：缺失")
    for n, (want, got) in enumerate(zip(expected, recorded, strict=False)):
        if not isinstance(got, dict) or (got.get("id"), got.get("stratum"), got.get("rank")) != (want.id, want.stratum, want.rank):
            return None, _(
                "targets[%(n)s]：应为 对象 %(id)s（%(stratum)s 层第 %(rank)s 位），记录为 %(got)s"
            ) % {"n": n, "id": want.id, "stratum": want.stratum, "rank": want.rank, "got": got}
    if len(recorded) != len(expected):
        return None, _("targets：应抽中 %(expected)s 个对象，记录有 %(recorded)s 个") % {
            "expected": len(expected),
            "recorded": len(recorded),
        }
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
        return _fail(_("assignment_inputs / assignment：无法读取（%(exc)s）") % {"exc": exc})
    parameters = record["parameters"]
    if problem.min_inspectors < int(parameters.get("min_inspectors", 0)):
        return _fail(
            _("assignment_inputs.min_inspectors：%(min_inspectors)s 少于承诺参数中的 %(committed)s")
            % {"min_inspectors": problem.min_inspectors, "committed": parameters["min_inspectors"]}
        )
    if problem.capacity > int(parameters.get("capacity", problem.capacity)):
        return _fail(
            _("assignment_inputs.capacity：%(capacity)s 超过承诺参数中的 %(committed)s")
            % {"capacity": problem.capacity, "committed": parameters["capacity"]}
        )
    if list(problem.departments) != list(parameters.get("departments", problem.departments)):
        return _fail(_("assignment_inputs.departments：与承诺参数中的部门不一致"))
    broken = assign.check(problem, assignment, unstaffed)
    if broken:
        return Verdict(
            False,
            [_("assignment：%(problem)s") % {"problem": p} for p in broken],
            len(targets),
            len(assignment),
        )
    return Verdict(True, [], len(targets), len(assignment))


def main(argv: list[str], out: Any = None, err: Any = None) -> int:
    """``weijian draw verify RECORD.json``: 0 when the targets and the assignment hold, 1 otherwise."""
    import sys

    out, err = out or sys.stdout, err or sys.stderr
    if len(argv) != 1 or not argv[0]:
        err.write(_("用法：weijian draw verify RECORD.json\n"))
        return 2
    try:
        record = load_record(Path(argv[0]))
    except ValueError as exc:
        err.write(f"{exc}\n")
        return 2
    verdict = verify(record)
    if not verdict.ok:
        err.write(_("校验未通过：%(first)s\n") % {"first": verdict.first})
        if len(verdict.problems) > 1:
            err.write(_("（另有 %(more)s 处不符）\n") % {"more": len(verdict.problems) - 1})
        return 1
    out.write(
        _("校验通过：%(targets)s 个抽中对象与记录一致（%(algorithm)s），%(staffed)s 个对象的人员分派满足全部硬约束\n")
        % {"targets": verdict.targets, "algorithm": draw.ALGORITHM, "staffed": verdict.staffed}
    )
    return 0
