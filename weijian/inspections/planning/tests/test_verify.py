"""``weijian draw verify`` on an honest record and on each kind of tampering; an independent re-implementation of
the selection from ``docs/draw-algorithm.md`` with the standard library only."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from weijian.inspections.planning import verify
from weijian.inspections.planning.tests.conftest import City
from weijian.inspections.planning.tests.test_services import drawn, make_plan


@pytest.fixture
def record(city: City) -> dict[str, Any]:
    return copy.deepcopy(drawn(city, make_plan(city)).record)


def _independent_targets(record: dict[str, Any]) -> list[tuple[int, str, int]]:
    """docs/draw-algorithm.md, step by step, with hashlib and json only."""
    def h(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    population = sorted(record["population"], key=lambda c: int(c["id"]))
    pop_hash = h("".join(f"{c['id']}\t{c['stratum']}\n" for c in population))
    params = json.dumps(record["parameters"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    params_hash = h(params)
    secret, public = record["secret"], record["public_value"].strip()
    assert h(f"weijian-draw-v1\ncommit\n{pop_hash}\n{params_hash}\n{secret}") == record["commitment"]
    seed = h(f"weijian-draw-v1\nseed\n{pop_hash}\n{params_hash}\n{secret}\n{public}")
    out = []
    for stratum in ("key", "A", "B", "C", "D"):
        ids = [int(c["id"]) for c in population if c["stratum"] == stratum]
        ids.sort(key=lambda i, s=stratum: (h(f"{seed}|{s}|{i}"), i))
        take = len(ids) if stratum == "key" else math.ceil(
            Fraction(len(ids)) * Fraction(Decimal(record["parameters"]["ratios"][stratum])) / 100)
        out += [(i, stratum, rank) for rank, i in enumerate(ids[:take], start=1)]
    return out


def test_honest_record_verifies_and_matches_an_independent_verifier(record: dict[str, Any]) -> None:
    assert verify.verify(record).ok
    assert _independent_targets(record) == [(t["id"], t["stratum"], t["rank"]) for t in record["targets"]]


def _swap_target(record: dict[str, Any]) -> None:
    drawn_ids = {t["id"] for t in record["targets"]}
    other = next(c["id"] for c in record["population"] if c["id"] not in drawn_ids and c["stratum"] == "A")
    record["targets"][0]["id"] = other


def _seed(record: dict[str, Any]) -> None:
    record["seed"] = "0" * 64


def _public_value(record: dict[str, Any]) -> None:
    record["public_value"] = record["public_value"] + "1"


def _secret(record: dict[str, Any]) -> None:
    record["secret"] = "f" * 64


def _population(record: dict[str, Any]) -> None:
    record["population"][0]["stratum"] = "D" if record["population"][0]["stratum"] != "D" else "A"


def _ratios(record: dict[str, Any]) -> None:
    record["parameters"]["ratios"]["A"] = "100"


def _conflict(record: dict[str, Any]) -> None:
    first = record["assignment"][0]
    record["assignment_inputs"]["forbidden"]["conflict"].append([first["inspectors"][0], first["id"]])


def _one_inspector(record: dict[str, Any]) -> None:
    record["assignment"][0]["inspectors"] = record["assignment"][0]["inspectors"][:1]


def _expired_badge(record: dict[str, Any]) -> None:
    expired = next(e["id"] for e in record["excluded_inspectors"])
    record["assignment"][0]["inspectors"][0] = expired


@pytest.mark.parametrize(
    ("tamper", "where"),
    [
        (_swap_target, "targets[0]"),
        (_seed, "seed"),
        (_public_value, "seed"),
        (_secret, "commitment"),
        (_population, "population_hash"),
        (_ratios, "parameters_hash"),
        (_conflict, "应当回避"),
        (_one_inspector, "至少需要 2 名"),
        (_expired_badge, "执法证"),
    ],
)
def test_tampered_record_fails_and_says_where(record: dict[str, Any], tamper: Any, where: str) -> None:
    tamper(record)
    verdict = verify.verify(record)
    assert not verdict.ok
    assert where in verdict.first, verdict.first


def test_command_exits_zero_on_honest_and_non_zero_on_tampered(record: dict[str, Any], tmp_path: Path) -> None:
    honest = tmp_path / "honest.json"
    honest.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert verify.main([str(honest)]) == 0
    _seed(record)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert verify.main([str(bad)]) == 1
    with pytest.raises(CommandError):
        call_command("draw", "verify", str(bad))
    (tmp_path / "junk.json").write_text("not json", encoding="utf-8")
    assert verify.main([str(tmp_path / "junk.json")]) == 2


def test_verifier_speaks_english_without_django() -> None:
    """Run alone (standard library only), the verifier's messages come from the inspections catalogue."""
    script = (
        "import io, sys\nfrom weijian import i18n\nfrom weijian.inspections.planning import verify\n"
        "i18n.set_language(sys.argv[1])\nerr = io.StringIO()\nverify.main([], err=err)\n"
        "print(err.getvalue().strip())\n"
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))\n"
    )
    run = [sys.executable, "-c", script]
    en = subprocess.run([*run, "en"], capture_output=True, text=True, check=True).stdout
    zh = subprocess.run([*run, "zh-hans"], capture_output=True, text=True, check=True).stdout
    assert en.splitlines() == ["Usage: weijian draw verify RECORD.json", "False"]
    assert zh.splitlines() == ["用法：weijian draw verify RECORD.json", "False"]
