"""Helpers that shape a rule's plan without changing its answer: a part built when it runs may stage a step of its
plan (dropped when the part ends); ``one_of`` gives the scan a range to filter on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis.expr.types as ir
import pytest

from weijian.analytics import engine as eng
from weijian.analytics.rules.base import Context, one_of
from weijian.analytics.runner import _run_parts


def _ctx() -> Context:
    return Context(dt.date(2025, 1, 1), dt.date(2025, 1, 31), {}, {}, None, None)


def _lines(backend: eng.Backend) -> ir.Table:
    backend.load_con.execute("CREATE TABLE lines AS SELECT * FROM (VALUES ('a', 1), ('a', 2), ('b', 3), ('c', 4)) t(visit, n)")
    return backend.ibis_con.table("lines")


def _cached(backend: eng.Backend) -> set[str]:
    names = backend.load_con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    return {n for (n,) in names if n.startswith("ibis_cache")}


def test_staged_steps_are_held_for_their_part_only(tmp_path: Path) -> None:
    backend = eng.open_duckdb(tmp_path, "1GB", 1)
    ctx = _ctx()
    lines = _lines(backend)
    seen: list[set[str]] = []

    def part(keep: str) -> ir.Table:
        staged = ctx.stage(lines.filter(lines.visit == keep))
        seen.append(_cached(backend))
        return staged.group_by("visit").aggregate(total=staged.n.sum())

    rows = _run_parts(backend, ctx, [lambda: part("a"), lambda: part("b"), lines.filter(lines.visit == "c")])
    assert [r.to_pylist() for r in rows] == [[{"visit": "a", "total": 3}], [{"visit": "b", "total": 3}],
                                             [{"visit": "c", "n": 4}]]
    assert [len(s) for s in seen] == [1, 1] and seen[0] != seen[1]  # each part's step, the first one dropped
    assert not ctx.staged and not _cached(backend)


def test_a_failing_part_releases_what_it_staged(tmp_path: Path) -> None:
    backend = eng.open_duckdb(tmp_path, "1GB", 1)
    ctx = _ctx()
    lines = _lines(backend)

    def broken() -> ir.Table:
        staged = ctx.stage(lines)
        return staged.select(bad=staged.n.cast("date"))  # an integer is no date: the query fails

    with pytest.raises(Exception):  # noqa: B017 - whatever the engine raises, the staged step must go
        _run_parts(backend, ctx, [broken])
    assert not ctx.staged and not _cached(backend)


def test_one_of_keeps_exactly_the_options(tmp_path: Path) -> None:
    backend = eng.open_duckdb(tmp_path, "1GB", 1)
    kinds = ["bed", "drug", "exam", "implant", "lab", "labour", "service", None]  # implant lies between exam and lab
    backend.load_con.execute("CREATE TABLE k AS SELECT unnest(?::VARCHAR[]) AS kind", [kinds])
    t = backend.ibis_con.table("k")
    got = backend.ibis_con.to_pyarrow(t.filter(one_of(t.kind, ["lab", "exam"]))).column("kind").to_pylist()
    assert sorted(got) == ["exam", "lab"]
