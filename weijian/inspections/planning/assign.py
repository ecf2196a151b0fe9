"""Inspector assignment for drawn targets (OR-Tools CP-SAT), and the hard constraints as a checker. Django-free.

Hard constraints (checked by :func:`check` on any assignment, the recorded one included):

* every staffed target has at least ``min_inspectors`` inspectors (行政处罚法 第四十二条), all different;
* each of them is eligible for the plan: in post, 执法证 valid on every day of the badge window (the draw day
  to the end of the plan period), of one of the plan's departments;
* the team has at least one inspector of every department of the plan (lead and joint: 进一次门、查多项事),
  and for every check item one inspector of the item's department whose 执法领域 include all the item's fields;
* no inspector with a declared conflict with the institution, who inspected it in the previous round, or who
  is registered there as a practitioner (the ``forbidden`` pairs, by kind);
* no inspector takes more than ``capacity`` targets.

Among feasible assignments the solver prefers, in this order: staffing as many targets as possible; a low
maximum load and loads close to the average; inspectors of the target's own district; and a tie-break by the
draw's seed (SHA-256 of ``seed|target|inspector``). It runs single-threaded with a fixed random seed and a
deterministic work limit, so the same versions give the same result; the result is verified, not re-derived.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from weijian.i18n import gettext as _
from weijian.i18n import gettext_noop

# Kinds of forbidden pairs (回避), in the order a blocked target reports them.
CONFLICT = "conflict"
PREVIOUS_ROUND = "previous_round"
REGISTERED = "registered"
FORBIDDEN_KINDS = (CONFLICT, PREVIOUS_ROUND, REGISTERED)
CAPACITY = "capacity"
ELIGIBLE = "eligible"

BLOCK_LABELS = {
    ELIGIBLE: gettext_noop("符合条件的监督员不足（执法证有效、部门和执法领域符合）"),
    CONFLICT: gettext_noop("申报回避（利害关系）"),
    PREVIOUS_ROUND: gettext_noop("上一轮检查过该对象"),
    REGISTERED: gettext_noop("本人在该机构注册执业"),
    CAPACITY: gettext_noop("监督员任务已达上限"),
}

CANDIDATES_PER_TARGET = 6  # inspectors offered to the solver per target (own district first), besides coverage
SOLVER_SEED = 20261123
DETERMINISTIC_LIMIT = 0.05  # CP-SAT "deterministic seconds" per block: a work limit, independent of the machine's speed


@dataclass(frozen=True)
class Officer:
    id: int
    department: str
    district: str
    fields: frozenset[str]
    badge_valid_from: dt.date | None
    badge_valid_to: dt.date | None
    active: bool = True

    def badge_valid_through(self, start: dt.date, end: dt.date) -> bool:
        return bool(self.badge_valid_from and self.badge_valid_from <= start
                    and (self.badge_valid_to is None or self.badge_valid_to >= end))  # fmt: skip


@dataclass(frozen=True)
class Need:
    """A check item of the plan: who may check it."""

    code: str
    department: str
    fields: frozenset[str]


@dataclass(frozen=True)
class Target:
    id: int
    district: str


@dataclass(frozen=True)
class Problem:
    targets: tuple[Target, ...]
    officers: tuple[Officer, ...]
    needs: tuple[Need, ...]
    departments: tuple[str, ...]  # lead first
    min_inspectors: int
    capacity: int
    badge_window: tuple[dt.date, dt.date]
    forbidden: Mapping[str, frozenset[tuple[int, int]]]  # kind → {(inspector id, institution id)}
    seed: str

    @property
    def team_size(self) -> int:
        return max(self.min_inspectors, len(self.departments))


@dataclass
class Blocked:
    target: int
    constraint: str  # one of BLOCK_LABELS
    detail: str

    def as_record(self) -> dict[str, Any]:
        return {"id": self.target, "constraint": self.constraint, "detail": self.detail}


@dataclass
class Result:
    assignment: dict[int, list[int]]  # target id → inspector ids (sorted)
    unstaffed: list[Blocked]
    excluded_officers: dict[int, str]  # inspector id → why not eligible for the plan
    solver: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- eligibility


def officer_exclusion(problem: Problem, officer: Officer) -> str | None:
    """Why an inspector cannot be drawn for this plan at all (None: eligible)."""
    start, end = problem.badge_window
    if not officer.active:
        return _("不在岗")
    if officer.department not in problem.departments:
        return _("不属于本计划的牵头或联合部门")
    if not officer.badge_valid_through(start, end):
        if officer.badge_valid_from is None:
            return _("执法证有效期未登记")
        if officer.badge_valid_to is not None and officer.badge_valid_to < end:
            return _("执法证 %(badge_valid_to)s 到期，早于计划期结束（%(end)s）") % {
                "badge_valid_to": f"{officer.badge_valid_to:%Y-%m-%d}",
                "end": f"{end:%Y-%m-%d}",
            }
        return _("执法证 %(badge_valid_from)s 起才有效") % {
            "badge_valid_from": f"{officer.badge_valid_from:%Y-%m-%d}"
        }
    own = [n for n in problem.needs if n.department == officer.department]
    if own and not any(n.fields <= officer.fields for n in own):
        return _("执法领域不涵盖本部门的任何抽查事项")
    return None


def _groups(problem: Problem, officers: Sequence[Officer]) -> list[tuple[str, set[int]]]:
    """The coverage groups a team must meet: one per department, one per check item."""
    groups = [
        (_("部门 %(department)s") % {"department": d}, {o.id for o in officers if o.department == d})
        for d in problem.departments
    ]
    groups += [(_("事项 %(code)s") % {"code": n.code},
                {o.id for o in officers if o.department == n.department and n.fields <= o.fields})
               for n in problem.needs]  # fmt: skip
    return groups


def _missing(problem: Problem, size: int, group_sizes: Sequence[tuple[str, int]]) -> str | None:
    """None when a team can be formed from ``size`` inspectors with these coverage-group sizes, else what lacks."""
    if size < problem.team_size:
        return _("只有 %(size)s 名，至少需要 %(team_size)s 名") % {"size": size, "team_size": problem.team_size}
    for label, n in group_sizes:
        if n == 0:
            return _("没有可承担%(label)s的监督员") % {"label": label}
    return None


_MIX = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1


def _hash64(seed: str, value: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}|{value}".encode()).digest()[:8], "big")


class _Ties:
    """The seeded tie-break between equally good choices: a 64-bit mix of SHA-256(seed|target) and
    SHA-256(seed|inspector), each computed once."""

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self._cache: dict[int, int] = {}

    def of(self, value: int) -> int:
        found = self._cache.get(value)
        if found is None:
            found = self._cache[value] = _hash64(self.seed, value)
        return found

    def pair(self, target: int, officer: int) -> int:
        return (((self.of(target) ^ self.of(-officer - 1)) * _MIX) & _MASK) >> 32  # as in _Block.offer


# --------------------------------------------------------------------------- solving


def solve(problem: Problem) -> Result:
    """Assign inspectors to every target that can be staffed; report the others with what blocks them.

    First each district on its own (its targets, its inspectors), then the targets left over with every
    inspector who still has capacity; each block is one CP-SAT model started from a greedy solution."""
    excluded = {o.id: why for o in problem.officers if (why := officer_exclusion(problem, o)) is not None}
    eligible = [o for o in problem.officers if o.id not in excluded]
    groups = _groups(problem, eligible)
    membership = {o.id: tuple(k for k, (_, members) in enumerate(groups) if o.id in members) for o in eligible}
    bans_of: dict[int, dict[str, set[int]]] = {}
    for kind in FORBIDDEN_KINDS:
        for officer, target in problem.forbidden.get(kind, frozenset()):
            bans_of.setdefault(target, {}).setdefault(kind, set()).add(officer)

    unstaffed: list[Blocked] = []
    open_targets: list[Target] = []
    banned_of: dict[int, set[int]] = {}
    for t in problem.targets:
        banned: set[int] = set()
        blocked = _missing(problem, len(eligible), [(label, len(members)) for label, members in groups])
        kind_blocking = ELIGIBLE if blocked else None
        for kind in FORBIDDEN_KINDS if not blocked else ():
            more = bans_of.get(t.id, {}).get(kind)
            if not more:
                continue
            banned |= {i for i in more if i in membership}
            blocked = _missing(problem, len(eligible) - len(banned),
                               [(label, len(members - banned)) for label, members in groups])  # fmt: skip
            if blocked:
                kind_blocking = kind
                break
        if blocked:
            unstaffed.append(Blocked(t.id, kind_blocking or ELIGIBLE, blocked))
        else:
            open_targets.append(t)
            banned_of[t.id] = banned

    ties = _Ties(problem.seed)
    block = _Block(problem, ties, membership, len(groups))
    left = dict.fromkeys(membership, problem.capacity)
    assignment: dict[int, list[int]] = {}
    statuses: list[str] = []
    by_district: dict[str, list[Officer]] = {}
    for o in eligible:
        by_district.setdefault(o.district, []).append(o)
    targets_by_district: dict[str, list[Target]] = {}
    for t in open_targets:
        targets_by_district.setdefault(t.district, []).append(t)
    for district in sorted(targets_by_district):
        local = by_district.get(district, [])
        found, status = block.solve(targets_by_district[district], local, banned_of, left)
        assignment.update(found)
        statuses.append(status)
    rest = [t for t in open_targets if t.id not in assignment]
    if rest:
        with_capacity = [o for o in eligible if left[o.id] > 0]
        found, status = block.solve(rest, with_capacity, banned_of, left)
        assignment.update(found)
        statuses.append(status)
    for t in open_targets:
        if t.id not in assignment:
            unstaffed.append(
                Blocked(
                    t.id,
                    CAPACITY,
                    _("每名监督员最多 %(capacity)s 项，可承担的监督员均已满额")
                    % {"capacity": problem.capacity},
                )
            )
    order = {t.id: n for n, t in enumerate(problem.targets)}
    unstaffed.sort(key=lambda b: order[b.target])
    import ortools

    solver = {"name": "OR-Tools CP-SAT", "version": ortools.__version__, "workers": 1, "random_seed": SOLVER_SEED,
              "deterministic_limit_per_block": DETERMINISTIC_LIMIT, "blocks": len(statuses),
              "status": {s: statuses.count(s) for s in sorted(set(statuses))}}  # fmt: skip
    return Result(assignment, unstaffed, excluded, solver)


class _Block:
    """One CP-SAT model over some targets and the inspectors offered for them, within the capacity left."""

    def __init__(self, problem: Problem, ties: _Ties, membership: Mapping[int, tuple[int, ...]], n_groups: int) -> None:
        self.problem, self.ties, self.membership, self.n_groups = problem, ties, membership, n_groups
        per_group = max(2, problem.team_size)
        self.per_group = per_group

    def offer(self, target: Target, officers: Sequence[Officer], keys: Any, banned: set[int]) -> list[Officer]:
        """Own district first, then by the seeded tie-break: the first :data:`CANDIDATES_PER_TARGET`, plus
        enough of each coverage group to form a team. It only narrows the search: every offered inspector
        is eligible, and the checker never looks at it. ``keys``: the officers' tie-break hashes (uint64)."""
        import numpy as np

        mixed = ((keys ^ np.uint64(self.ties.of(target.id))) * np.uint64(_MIX)) >> np.uint64(32)
        far = np.fromiter((o.district != target.district for o in officers), dtype=np.uint64, count=len(officers))
        order = np.argsort((far << np.uint64(40)) | mixed, kind="stable")
        counts = [0] * self.n_groups
        chosen: list[Officer] = []
        for index in order:
            o = officers[index]
            if o.id in banned:
                continue
            groups = self.membership[o.id]
            if len(chosen) < CANDIDATES_PER_TARGET or any(counts[k] < self.per_group for k in groups):
                chosen.append(o)
                for k in groups:
                    counts[k] += 1
            elif all(c >= self.per_group for c in counts):
                break
        return chosen

    def feasible(self, offered: Sequence[Officer]) -> bool:
        covered = {k for o in offered for k in self.membership[o.id]}
        return len(offered) >= self.problem.team_size and len(covered) == self.n_groups

    def solve(self, targets: Sequence[Target], officers: Sequence[Officer], banned_of: Mapping[int, set[int]],
              left: dict[int, int]) -> tuple[dict[int, list[int]], str]:
        import numpy as np

        offered = {}
        available = [o for o in officers if left[o.id] > 0]
        keys = np.array([self.ties.of(-o.id - 1) for o in available], dtype=np.uint64)
        for t in targets:
            choice = self.offer(t, available, keys, banned_of.get(t.id, set()))
            if self.feasible(choice):
                offered[t.id] = choice
        todo = [t for t in targets if t.id in offered]
        if not todo:
            return {}, "EMPTY"
        hint = self.greedy(todo, offered, left)
        found, status = self.cp_sat(todo, offered, left, hint)
        for team in found.values():
            for i in team:
                left[i] -= 1
        return found, status

    def greedy(self, targets: Sequence[Target], offered: Mapping[int, list[Officer]],
               left: Mapping[int, int]) -> dict[int, list[int]]:
        """A quick feasible assignment (the solver's starting point): least-loaded inspectors, own district first."""
        room = dict(left)
        out: dict[int, list[int]] = {}
        for t in sorted(targets, key=lambda t: (self.ties.of(t.id), t.id)):
            team = self.team(t, [o for o in offered[t.id] if room[o.id] > 0], room)
            if team is not None:
                for i in team:
                    room[i] -= 1
                out[t.id] = sorted(team)
        return out

    def team(self, target: Target, offered: Sequence[Officer], room: Mapping[int, int]) -> list[int] | None:
        def cost(o: Officer) -> tuple[int, bool, int, int]:
            return (-room[o.id], o.district != target.district, self.ties.pair(target.id, o.id), o.id)

        team: list[Officer] = []
        covered: set[int] = set()
        while len(covered) < self.n_groups:
            pick = [o for o in offered if o not in team and set(self.membership[o.id]) - covered]
            if not pick:
                return None
            best = min(pick, key=lambda o: (-len(set(self.membership[o.id]) - covered), *cost(o)))
            team.append(best)
            covered |= set(self.membership[best.id])
        rest = sorted((o for o in offered if o not in team), key=cost)
        team += rest[: max(0, self.problem.team_size - len(team))]
        return [o.id for o in team] if len(team) >= self.problem.team_size else None

    def cp_sat(self, targets: Sequence[Target], offered: Mapping[int, list[Officer]], left: Mapping[int, int],
               hint: Mapping[int, list[int]]) -> tuple[dict[int, list[int]], str]:
        from ortools.sat.python import cp_model

        Sum = cp_model.LinearExpr.sum

        problem = self.problem
        size = problem.team_size
        model = cp_model.CpModel()
        x: dict[tuple[int, int], Any] = {}
        y: dict[int, Any] = {}
        per_officer: dict[int, list[Any]] = {}
        objective_terms: list[tuple[Any, int]] = []
        hint_vars: list[int] = []
        hint_values: list[int] = []
        for t in targets:
            y[t.id] = model.new_bool_var("")
            hint_vars.append(y[t.id].index)
            hint_values.append(int(t.id in hint))
            chosen = set(hint.get(t.id, ()))
            by_group: list[list[Any]] = [[] for _ in range(self.n_groups)]
            row = []
            for o in offered[t.id]:
                v = model.new_bool_var("")
                x[t.id, o.id] = v
                row.append(v)
                hint_vars.append(v.index)
                hint_values.append(int(o.id in chosen))
                per_officer.setdefault(o.id, []).append(v)
                for k in self.membership[o.id]:
                    by_group[k].append(v)
                # travel (another district) costs 16; the seeded tie-break adds 0–3
                objective_terms.append((v, 16 * (o.district != t.district) + self.ties.pair(t.id, o.id) % 4))
            model.add(Sum(row) == size * y[t.id])
            for members in by_group:
                if len(members) < len(row):  # a group every offered inspector belongs to is met by the team size
                    model.add(Sum(members) >= y[t.id])
        hinted_load = {i: 0 for i in per_officer}
        for team in hint.values():
            for i in team:
                hinted_load[i] += 1
        cap = max(left[i] for i in per_officer)
        average = -(-size * len(targets) // len(per_officer))
        max_load = model.new_int_var(0, cap, "")
        hint_vars.append(max_load.index)
        hint_values.append(max(hinted_load.values()))
        over_terms = []
        for i, vs in per_officer.items():
            load = Sum(vs)
            model.add(load <= left[i])
            model.add(load <= max_load)
            over = model.new_int_var(0, cap, "")
            model.add(over >= load - average)
            hint_vars.append(over.index)
            hint_values.append(max(0, hinted_load[i] - average))
            over_terms.append(over)
        secondary = 64 * cap + 8 * cap * len(per_officer) + 20 * size * len(targets)
        variables = [*y.values(), max_load, *over_terms, *(v for v, _ in objective_terms)]
        weights = [secondary + 1] * len(y) + [-64] + [-8] * len(over_terms) + [-c for _, c in objective_terms]
        model.maximize(cp_model.LinearExpr.weighted_sum(variables, weights))
        model.proto.solution_hint.vars.extend(hint_vars)  # one call instead of one per variable
        model.proto.solution_hint.values.extend(hint_values)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = SOLVER_SEED
        solver.parameters.max_deterministic_time = DETERMINISTIC_LIMIT
        solver.parameters.cp_model_presolve = False  # the blocks are small and start from a feasible hint
        status = solver.solve(model)
        name = solver.status_name(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return {t: list(team) for t, team in hint.items()}, f"{name}+greedy"
        out: dict[int, list[int]] = {}
        for t in targets:
            if solver.boolean_value(y[t.id]):
                out[t.id] = sorted(o.id for o in offered[t.id] if solver.boolean_value(x[t.id, o.id]))
        return out, name


# --------------------------------------------------------------------------- checking


def check(problem: Problem, assignment: Mapping[int, Sequence[int]], unstaffed: Iterable[int]) -> list[str]:
    """Every hard constraint the assignment breaks, in target order (empty: it holds them all)."""
    problems: list[str] = []
    officers = {o.id: o for o in problem.officers}
    targets = {t.id for t in problem.targets}
    not_staffed = set(unstaffed)
    banned = {kind: problem.forbidden.get(kind, frozenset()) for kind in FORBIDDEN_KINDS}
    load: dict[int, int] = {}
    for target_id in sorted(set(assignment) - targets):
        problems.append(_("对象 %(target_id)s：不是抽中的对象，却分派了监督员") % {"target_id": target_id})
    for t in problem.targets:
        team = list(assignment.get(t.id, ()))
        if not team:
            if t.id not in not_staffed:
                problems.append(_("对象 %(id)s：没有分派监督员，也未列为未能派员") % {"id": t.id})
            continue
        if t.id in not_staffed:
            problems.append(_("对象 %(id)s：列为未能派员，却分派了监督员") % {"id": t.id})
        if len(set(team)) != len(team):
            problems.append(_("对象 %(id)s：同一监督员重复分派") % {"id": t.id})
        if len(set(team)) < problem.min_inspectors:
            problems.append(
                _("对象 %(id)s：只有 %(count)s 名监督员，至少需要 %(min_inspectors)s 名")
                % {"id": t.id, "count": len(set(team)), "min_inspectors": problem.min_inspectors}
            )
        members = []
        for i in team:
            officer = officers.get(i)
            if officer is None:
                problems.append(_("对象 %(id)s：监督员 %(inspector)s 不在记录的执法人员名单中") % {"id": t.id, "inspector": i})
                continue
            why = officer_exclusion(problem, officer)
            if why is not None:
                problems.append(
                    _("对象 %(id)s：监督员 %(inspector)s 不符合条件（%(why)s）")
                    % {"id": t.id, "inspector": i, "why": why}
                )
            for kind in FORBIDDEN_KINDS:
                if (i, t.id) in banned[kind]:
                    problems.append(
                        _("对象 %(id)s：监督员 %(inspector)s 应当回避（%(reason)s）")
                        % {"id": t.id, "inspector": i, "reason": _(BLOCK_LABELS[kind])}
                    )
            load[i] = load.get(i, 0) + 1
            members.append(officer)
        for label, group in _groups(problem, members):
            if not group:
                problems.append(_("对象 %(id)s：检查组中没有可承担%(label)s的监督员") % {"id": t.id, "label": label})
    for i, n in sorted(load.items()):
        if n > problem.capacity:
            problems.append(
                _("监督员 %(inspector)s：分派 %(count)s 项，超过上限 %(capacity)s 项")
                % {"inspector": i, "count": n, "capacity": problem.capacity}
            )
    return problems


# --------------------------------------------------------------------------- record form


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _parse_day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def problem_record(problem: Problem) -> dict[str, Any]:
    """The assignment's inputs as they go into the draw record (enough for ``draw verify`` to check it)."""
    return {
        "departments": list(problem.departments),
        "items": [{"code": n.code, "department": n.department, "fields": sorted(n.fields)} for n in problem.needs],
        "min_inspectors": problem.min_inspectors,
        "capacity": problem.capacity,
        "badge_window": [_day(problem.badge_window[0]), _day(problem.badge_window[1])],
        "inspectors": [
            {"id": o.id, "department": o.department, "district": o.district, "fields": sorted(o.fields),
             "badge_valid_from": _day(o.badge_valid_from), "badge_valid_to": _day(o.badge_valid_to),
             "active": o.active}
            for o in sorted(problem.officers, key=lambda o: o.id)
        ],
        "forbidden": {kind: sorted([i, t] for i, t in problem.forbidden.get(kind, frozenset()))
                      for kind in FORBIDDEN_KINDS},
    }  # fmt: skip


def problem_from_record(data: Mapping[str, Any], targets: Sequence[Target], seed: str) -> Problem:
    window = data["badge_window"]
    return Problem(
        targets=tuple(targets),
        officers=tuple(
            Officer(int(o["id"]), str(o["department"]), str(o["district"]), frozenset(o["fields"]),
                    _parse_day(o.get("badge_valid_from")), _parse_day(o.get("badge_valid_to")), bool(o.get("active", True)))
            for o in data["inspectors"]
        ),
        needs=tuple(Need(str(n["code"]), str(n["department"]), frozenset(n["fields"])) for n in data["items"]),
        departments=tuple(data["departments"]),
        min_inspectors=int(data["min_inspectors"]),
        capacity=int(data["capacity"]),
        badge_window=(_parse_day(window[0]) or dt.date.min, _parse_day(window[1]) or dt.date.max),
        forbidden={kind: frozenset((int(i), int(t)) for i, t in data["forbidden"].get(kind, []))
                   for kind in FORBIDDEN_KINDS},
        seed=seed,
    )  # fmt: skip
