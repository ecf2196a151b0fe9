"""Property-based tests of the assignment (Django-free): whatever the problem, what the solver returns holds
every hard constraint, and a target it leaves out is reported with what blocks it."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weijian.inspections.planning import assign

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
DISTRICTS = ("310101", "310104", "310106")


@st.composite
def problems(draw_: st.DrawFn) -> assign.Problem:
    joint = draw_(st.booleans())
    departments = ("health", "market") if joint else ("health",)
    needs = [assign.Need("CC00227", "health", frozenset({"medical"}))]
    if joint:
        needs.append(assign.Need("WJ-SC002", "market", frozenset({"price"})))
    n_officers = draw_(st.integers(2, 14))
    officers = []
    for i in range(1, n_officers + 1):
        department = draw_(st.sampled_from(departments))
        fields = draw_(st.sets(st.sampled_from(["medical", "price", "radiation"]), max_size=2))
        valid_to = draw_(st.sampled_from([None, dt.date(2026, 6, 30), dt.date(2028, 1, 1)]))
        officers.append(assign.Officer(i, department, draw_(st.sampled_from(DISTRICTS)), frozenset(fields),
                                       dt.date(2020, 1, 1), valid_to, draw_(st.booleans()) or i % 3 != 0))
    targets = [assign.Target(100 + t, draw_(st.sampled_from(DISTRICTS))) for t in range(draw_(st.integers(1, 12)))]
    pairs = st.tuples(st.integers(1, n_officers), st.sampled_from([t.id for t in targets]))
    forbidden = {kind: frozenset(draw_(st.lists(pairs, max_size=8))) for kind in assign.FORBIDDEN_KINDS}
    return assign.Problem(tuple(targets), tuple(officers), tuple(needs), departments, 2,
                          draw_(st.integers(1, 5)), (START, END), forbidden, "ab" * 32)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_assignment_holds_every_hard_constraint(problem: assign.Problem) -> None:
    result = assign.solve(problem)
    unstaffed = [b.target for b in result.unstaffed]
    assert assign.check(problem, result.assignment, unstaffed) == []
    officers = {o.id: o for o in problem.officers}
    load: dict[int, int] = {}
    for t in problem.targets:
        team = result.assignment.get(t.id)
        if team is None:
            assert t.id in unstaffed
            continue
        assert len(set(team)) >= 2  # 行政处罚法 第四十二条
        for i in team:
            o = officers[i]
            assert o.active and o.badge_valid_through(START, END)  # no expired badge
            assert all((i, t.id) not in problem.forbidden[k] for k in assign.FORBIDDEN_KINDS)  # 回避
            load[i] = load.get(i, 0) + 1
        assert {officers[i].department for i in team} >= set(problem.departments)  # joint coverage
    assert all(n <= problem.capacity for n in load.values())
    assert all(b.constraint in assign.BLOCK_LABELS and b.detail for b in result.unstaffed)


def test_same_inputs_same_assignment() -> None:
    officers = tuple(assign.Officer(i, "health", DISTRICTS[i % 3], frozenset({"medical"}), START, None)
                     for i in range(1, 10))  # fmt: skip
    targets = tuple(assign.Target(100 + t, DISTRICTS[t % 3]) for t in range(12))
    problem = assign.Problem(targets, officers, (assign.Need("CC00227", "health", frozenset({"medical"})),),
                             ("health",), 2, 4, (START, END), {}, "cd" * 32)  # fmt: skip
    first, second = assign.solve(problem), assign.solve(problem)
    assert first.assignment == second.assignment and len(first.assignment) == 12
    loads: dict[int, int] = {}
    for team in first.assignment.values():
        for i in team:
            loads[i] = loads.get(i, 0) + 1
    assert max(loads.values()) <= 4 and sum(loads.values()) == 24
