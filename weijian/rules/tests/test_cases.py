"""OpenFisca-style YAML test cases for every rules file: a date, an input, the expected value.

Each bundled rules file ``weijian/rules/data/NAME.yaml`` has ``cases/NAME.yaml`` beside this module: a list of

```yaml
- name: what the case shows
  date: 2025-06-30                      # the day the value is looked up for (the date of the fact)
  key: deadline_working_days.high       # dotted path from the file's root; dated tables resolve as of `date`
  expected: 5
- name: a value computed by a function of the platform
  date: 2025-09-30
  call: weijian.core.workdays.add_working_days
  input: {start: 2025-09-30, days: 3}   # keyword arguments; `on: <date>` is added when the function takes it
  expected: 2025-10-11
- name: nothing in force before the first entry
  date: 2019-12-31
  key: deadline_working_days.high
  error: no value in force              # a RulesError whose message contains this text
```
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import yaml

from weijian.rules import loader

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASE_KEYS = {"name", "date", "key", "call", "input", "expected", "error"}


def _case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


def _cases() -> list[Any]:
    params = []
    for path in _case_files():
        cases = yaml.load(path.read_text(encoding="utf-8"), Loader=loader._StrictLoader) or []
        for number, case in enumerate(cases, start=1):
            params.append(pytest.param(path.stem, case, id=f"{path.stem}:{number}:{case.get('name', '')}"))
    return params


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) or isinstance(actual, float):
        return isinstance(actual, int | float) and math.isclose(float(actual), float(expected), rel_tol=1e-9)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return actual.keys() == expected.keys() and all(_same(actual[k], expected[k]) for k in expected)
    if isinstance(expected, list) and isinstance(actual, list | tuple):
        return len(actual) == len(expected) and all(_same(a, e) for a, e in zip(actual, expected, strict=True))
    return bool(actual == expected)


def _evaluate(rules_file: str, case: dict[str, Any]) -> Any:
    on = case["date"]
    if "call" in case:
        module, _, name = case["call"].rpartition(".")
        function = getattr(import_module(module), name)
        kwargs = dict(case.get("input") or {})
        if "on" in inspect.signature(function).parameters:
            kwargs.setdefault("on", on)
        return function(**kwargs)
    return loader.value(rules_file, case["key"], on)


@pytest.mark.parametrize(("rules_file", "case"), _cases())
def test_rules_case(rules_file: str, case: dict[str, Any]) -> None:
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"unknown case keys {sorted(unknown)}"
    assert isinstance(case.get("date"), dt.date), "each case needs a date (YYYY-MM-DD)"
    assert ("key" in case) != ("call" in case), "a case has either a key or a call"
    assert ("expected" in case) != ("error" in case), "a case has either expected or error"
    if "error" in case:
        with pytest.raises(loader.RulesError, match=case["error"]):
            _evaluate(rules_file, case)
        return
    actual = _evaluate(rules_file, case)
    assert _same(actual, case["expected"]), f"{rules_file}: {case.get('name')}: got {actual!r}"


def test_every_bundled_rules_file_has_cases() -> None:
    bundled = {p.stem for p in loader.BUNDLED_DIR.glob("*.yaml")}
    with_cases = {p.stem for p in _case_files() if yaml.safe_load(p.read_text(encoding="utf-8"))}
    assert bundled - with_cases == set(), "rules files without YAML test cases"
    assert with_cases - bundled == set(), "case files for rules files that do not exist"
