"""The draw record's result part (Django-free): what the draw adds to the published pre-record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from weijian.inspections.planning import assign, draw


def complete_record(record: dict[str, Any], *, secret: str, public_value: str, witnesses: str, seed: str,
                    targets: Sequence[draw.Selected], problem: assign.Problem, result: assign.Result,
                    drawn_at: dt.datetime) -> dict[str, Any]:
    """The full draw record: the pre-record plus the revealed secret, the public value, the seed, the targets
    and their inspectors, the assignment's inputs and the solver."""
    return {
        **record,
        "secret": secret,
        "public_value": public_value,
        "witnesses": witnesses,
        "seed": seed,
        "drawn_at": drawn_at.isoformat(),
        "targets": [t.as_record() for t in targets],
        "assignment_inputs": assign.problem_record(problem),
        "assignment": [{"id": t.id, "inspectors": result.assignment[t.id]} for t in targets if t.id in result.assignment],
        "unstaffed": [b.as_record() for b in result.unstaffed],
        "excluded_inspectors": [{"id": i, "reason": why} for i, why in sorted(result.excluded_officers.items())],
        "solver": result.solver,
    }
