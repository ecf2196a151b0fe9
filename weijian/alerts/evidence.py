"""Evidence in plain words: every line's facts with labels and units, what was required, what was found.

The table is data (``alerts/data/evidence.yaml``: labels, units and sentences per rule, Chinese and
English); this module only applies it. A key the table does not know is still shown, labelled as an
undefined field, with its raw value — a new evidence key never breaks a page. Patient ids and
diagnoses are masked unless the caller says the reader may see them (see ``disclosure.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import translation
from django.utils.translation import gettext_noop

DATA = Path(__file__).resolve().parent / "data" / "evidence.yaml"
PERSONAL_TYPES = {"patient", "diagnosis"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
MISSING = "—"
# Words of the presenter itself (translated in the reader's language by Presenter._t).
VALUE = gettext_noop("数值")
YES, NO = gettext_noop("是"), gettext_noop("否")
UNDEFINED = gettext_noop("未定义字段“%(key)s”")
SEPARATOR = gettext_noop("；")
SOURCE_ROW = gettext_noop("%(file)s 第 %(row)s 行")


@cache
def table() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def english(lang: str | None = None) -> bool:
    return (lang or translation.get_language() or "zh-hans").startswith("en")


def _text(entry: dict[str, Any] | None, en: bool, fallback: str = "") -> str:
    if not entry:
        return fallback
    return str(entry.get("en" if en else "zh") or entry.get("zh") or fallback)


def mask_patient(value: str) -> str:
    """A pseudonymous patient id keeps its first character and last two: ``P0001234`` → ``P*****34``."""
    value = str(value)
    if len(value) <= 3:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 3) + value[-2:]


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    text: str
    known: bool = True


@dataclass(frozen=True)
class LineView:
    """One line of evidence as a reader sees it."""

    subject_label: str
    subject_id: str
    required: str
    found: str
    facts: list[Fact] = field(default_factory=list)
    source: str = ""
    value: str = ""  # the alert's value and threshold with the rule's unit ("" when the rule gives none)
    threshold: str = ""


@dataclass
class Presenter:
    """Formats evidence for one reader: language, masking, and the 诊疗科目 names to show beside codes."""

    mask: bool = True
    lang: str | None = None
    dept_names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.en = english(self.lang)
        self.masked_any = False  # set once a personal value has been masked for this reader
        self.shown_personal: set[str] = set()  # keys of personal values shown unmasked (for the access log)

    def _t(self, message: str) -> str:
        """One of the presenter's own words in the reader's language."""
        with translation.override(self.lang or translation.get_language()):
            return translation.gettext(message)

    # -- labels ---------------------------------------------------------------------------------
    def rule_table(self, rule_id: str) -> dict[str, Any]:
        return table()["rules"].get(rule_id) or {}

    def key_spec(self, rule_id: str, key: str) -> dict[str, Any] | None:
        own = (self.rule_table(rule_id).get("keys") or {}).get(key)
        return own if own is not None else table()["common"].get(key)

    def subject_label(self, subject_type: str) -> str:
        return _text(table()["subjects"].get(subject_type), self.en, subject_type)

    def value_label(self, rule_id: str) -> str:
        return _text(self.rule_table(rule_id).get("value"), self.en, self._t(VALUE))

    def unit(self, zh_unit: str | None) -> str:
        if not zh_unit:
            return ""
        return str(table()["units"].get(zh_unit, zh_unit)) if self.en else zh_unit

    # -- values ---------------------------------------------------------------------------------
    def _with_unit(self, number: str, unit: str | None) -> str:
        shown = self.unit(unit)
        if not shown:
            return number
        return f"{number}{shown}" if shown in ("×",) else f"{number} {shown}"

    def format_number(self, value: Any, digits: int | None, unit: str | None) -> str:
        if value is None:
            return MISSING
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        text = f"{number:,.{digits}f}" if digits is not None else f"{number:,.6g}"
        return self._with_unit(text, unit)

    def format_value(self, spec: dict[str, Any] | None, value: Any, evidence: dict[str, Any], key: str = "") -> str:
        """One evidence value as text, with its unit; masked when personal and the reader may not see it."""
        if value is None or value == "":
            return MISSING
        kind = (spec or {}).get("type", "text")
        if kind in PERSONAL_TYPES or (spec is None and _looks_personal(key)):
            if self.mask:
                self.masked_any = True
                return mask_patient(value) if kind == "patient" or "patient" in key else "***"
            self.shown_personal.add(key or kind)
        if kind in ("date",):
            return str(value)[:10]
        if kind == "datetime":
            return str(value).replace("T", " ")[:16]
        if kind == "month":
            return str(value)[:7]
        if kind == "bool":
            truthy = value in (True, 1, "true", "True", "1")
            label = (spec or {}).get("yes_label" if truthy else "no_label")
            return _text(label, self.en, self._t(YES if truthy else NO))
        if kind == "enum":
            options = table()["enums"].get((spec or {}).get("enum", ""), {})
            return _text(options.get(str(value)), self.en, str(value))
        if kind == "dept":
            code = str(value)
            name = self.dept_names.get(code) or self.dept_names.get(code[:2], "")
            return f"{code} {name}".strip()
        if kind in ("number", "int"):
            unit = (spec or {}).get("unit")
            unit_by = (spec or {}).get("unit_by")
            if unit_by:
                unit = unit_by.get(str(evidence.get(unit_by.get("key", ""))), unit)
            digits = 0 if kind == "int" else (spec or {}).get("digits")
            return self.format_number(value, digits, unit)
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    # -- lines ----------------------------------------------------------------------------------
    def facts(self, rule_id: str, evidence: dict[str, Any]) -> list[Fact]:
        rows = []
        for key, value in evidence.items():
            spec = self.key_spec(rule_id, key)
            if spec is None:
                label = self._t(UNDEFINED) % {"key": key}
                rows.append(Fact(key, label, self.format_value(None, value, evidence, key), known=False))
            else:
                rows.append(Fact(key, _text(spec, self.en, key), self.format_value(spec, value, evidence, key)))
        return rows

    def _context(self, rule_id: str, evidence: dict[str, Any], value: Any, threshold: Any) -> dict[str, str]:
        spec = self.rule_table(rule_id).get("value") or {}
        context = {
            key: self.format_value(self.key_spec(rule_id, key), raw, evidence, key) for key, raw in evidence.items()
        }
        context["value"] = self.format_number(value, spec.get("digits"), spec.get("unit"))
        context["threshold"] = self.format_number(threshold, spec.get("digits"), spec.get("unit"))
        return context

    def _fill(self, sentence: str, context: dict[str, str]) -> str:
        return _PLACEHOLDER.sub(lambda m: context.get(m[1], MISSING), sentence)

    def required(self, rule_id: str, threshold: Any = None, evidence: dict[str, Any] | None = None) -> str:
        entry = self.rule_table(rule_id).get("required")
        if not entry:
            return ""
        return self._fill(_text(entry, self.en), self._context(rule_id, evidence or {}, None, threshold))

    def found(self, rule_id: str, evidence: dict[str, Any], value: Any = None, threshold: Any = None) -> str:
        variants = self.rule_table(rule_id).get("found") or []
        matched = [v for v in variants if v.get("when") and _matches(v["when"], evidence)]
        chosen = matched or [v for v in variants if not v.get("when")]
        context = self._context(rule_id, evidence, value, threshold)
        return self._t(SEPARATOR).join(self._fill(_text(v, self.en), context) for v in chosen)

    def source(self, evidence: dict[str, Any]) -> str:
        file, row = evidence.get("source_file"), evidence.get("source_row")
        if not file:
            return ""
        if row is None:
            return str(file)
        return self._t(SOURCE_ROW) % {"file": file, "row": row}

    def value_text(self, rule_id: str, value: Any) -> str:
        if value is None:
            return ""
        spec = self.rule_table(rule_id).get("value") or {}
        return self.format_number(value, spec.get("digits"), spec.get("unit"))

    def line(self, line: Any) -> LineView:
        """A line (an :class:`~weijian.alerts.models.Alert` or anything with the same attributes) for reading."""
        evidence = line.evidence if isinstance(line.evidence, dict) else {}
        return LineView(
            subject_label=self.subject_label(line.subject_type),
            subject_id=line.subject_id,
            required=self.required(line.rule_id, line.threshold, evidence),
            found=self.found(line.rule_id, evidence, line.value, line.threshold),
            facts=self.facts(line.rule_id, evidence),
            source=self.source(evidence),
            value=self.value_text(line.rule_id, line.value),
            threshold=self.value_text(line.rule_id, line.threshold),
        )


def _matches(when: dict[str, Any], evidence: dict[str, Any]) -> bool:
    return all(evidence.get(key) == expected for key, expected in when.items())


def _looks_personal(key: str) -> bool:
    return "patient" in key or "diagnos" in key
