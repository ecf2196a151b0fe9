"""Evidence in plain words: a label and unit for every key every rule emits, required and found, masking."""

from __future__ import annotations

import ast
import inspect
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation

from weijian.alerts.evidence import Presenter, table
from weijian.analytics.registry import RULES

FRAME_ARGS = {"t", "subject_id", "institution_id", "value", "threshold"}


def emitted_keys(rule_id: str) -> set[str]:
    """The evidence keys a rule writes: ``alert_frame(..., key=...)`` calls and ``AS ev_key`` in its SQL."""
    module = inspect.getmodule(RULES[rule_id].build)
    source = inspect.getsource(module)
    keys = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "alert_frame":
            keys |= {k.arg for k in node.keywords if k.arg and k.arg not in FRAME_ARGS}
    keys |= set(re.findall(r"\bAS ev_(\w+)", source))
    return {k.removesuffix("__ts") for k in keys}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_key_of_every_rule_has_a_label_and_unit(rule_id: str) -> None:
    keys = emitted_keys(rule_id)
    assert keys, f"{rule_id}: no evidence keys found in its source"
    spec = table()["rules"].get(rule_id)
    assert spec, f"{rule_id}: no entry in evidence.yaml"
    presenter = Presenter()
    missing = [k for k in keys if presenter.key_spec(rule_id, k) is None]
    assert not missing, f"{rule_id}: evidence keys without a label: {missing}"
    stale = set(spec.get("keys") or {}) - keys
    assert not stale, f"{rule_id}: labels for keys the rule does not emit: {stale}"
    assert spec["required"]["zh"] and spec["required"]["en"] and spec["found"]
    used = set(re.findall(r"\{(\w+)\}", " ".join(v["zh"] + v["en"] for v in spec["found"])))
    assert used <= keys | {"value", "threshold"}, f"{rule_id}: sentences name unknown keys {used - keys}"


def test_every_label_unit_and_option_is_in_both_languages() -> None:
    data = table()
    specs = [*data["common"].values(), *(s for r in data["rules"].values() for s in (r.get("keys") or {}).values())]
    specs += [r["value"] for r in data["rules"].values() if r.get("value")]
    for spec in specs:
        assert spec.get("zh") and spec.get("en"), spec
        assert spec.get("unit") is None or spec["unit"] in data["units"], spec
    for options in data["enums"].values():
        assert all(o.get("zh") and o.get("en") for o in options.values())


def _line(rule_id: str, evidence: dict[str, Any], value: Any = None, threshold: Any = None) -> Any:
    return SimpleNamespace(rule_id=rule_id, subject_type="visit", subject_id="V1", evidence=evidence, value=value,
                           threshold=threshold)  # fmt: skip


def test_required_and_found_in_plain_chinese_with_units() -> None:
    view = Presenter().line(_line("institution_licence", {
        "visit_id": "V1", "start_date": "2025-03-02", "licence_valid_from": "2020-01-01",
        "licence_valid_to": "2024-12-31", "status": "suspended", "status_since": "2024-06-01",
        "institution_known": True, "source_file": "visits.csv", "source_row": 12}))  # fmt: skip
    assert view.required == "就诊日医疗机构执业许可证在有效期内，且机构未停业、吊销或注销"
    assert view.found == "许可证有效期 2020-01-01 至 2024-12-31，机构状态 停业（自 2024-06-01），就诊日 2025-03-02"
    assert view.source == "visits.csv 第 12 行"
    facts = {f.label: f.text for f in view.facts}
    assert facts["在许可登记中"] == "是" and facts["机构状态"] == "停业" and facts["来源行号"] == "12"
    unknown = Presenter().line(_line("institution_licence", {"start_date": "2025-03-02", "institution_known": False}))
    assert unknown.found == "机构不在许可登记中（无医疗机构执业许可证），就诊日 2025-03-02"
    density = Presenter().line(_line("antimicrobial_intensity", {"month": "2025-02", "ddds": 520.0, "bed_days": 1000,
                                                                 "counted_lines": 80, "beds": 800}, 52.0, 40.0))
    assert density.found == "2025-02 使用强度 52.0 DDDs/百人天（520.0 DDDs ÷ 1,000 床日 × 100，80 条，核定床位 800 床）"
    assert density.value == "52.0 DDDs/百人天" and density.threshold == "40.0 DDDs/百人天"
    assert Presenter().required("antimicrobial_intensity", 40.0) == "住院患者抗菌药物使用强度不超过 40.0 DDDs/百人天"


def test_several_findings_show_together_and_an_unknown_key_still_shows() -> None:
    view = Presenter().line(_line("waste_weight_gap", {
        "manifest_id": "M1", "handed_over_at": "2025-08-01T09:00:00", "carrier_id": "CR1", "declared_weight_kg": 10.0,
        "received_weight_kg": None, "bags": 3, "bag_weight_kg": 6.0, "short_received": False, "not_received": True,
        "bag_mismatch": True, "colour_of_bags": "yellow"}))  # fmt: skip
    assert view.found == ("联单 M1 于 2025-08-01 09:00 交接（运输单位 CR1），至分析期末未接收；"
                          "联单 M1 申报 10.00 kg，所含 3 袋 合计 6.00 kg")
    odd = next(f for f in view.facts if f.key == "colour_of_bags")
    assert not odd.known and odd.label == "未定义字段“colour_of_bags”" and odd.text == "yellow"
    weird = Presenter().line(_line("not_a_rule", {"x": {"nested": [1, 2]}, "patient_ref": "P123456"}))
    assert weird.found == "" and {f.text for f in weird.facts} == {'{"nested": [1, 2]}', "P****56"}


def test_patient_ids_and_diagnoses_are_masked_unless_allowed() -> None:
    evidence = {"patient_id": "P0000123456", "diagnosis_3": "J18", "date": "2025-06-03", "death_date": "2025-06-01",
                "amount": 88.0, "earlier_start_date": "2025-05-01"}  # fmt: skip
    masked = Presenter(mask=True)
    assert "P********56" in masked.found("post_death_charge", evidence)
    assert masked.format_value(masked.key_spec("split_admission", "diagnosis_3"), "J18", evidence) == "***"
    assert masked.masked_any
    clear = Presenter(mask=False)
    assert clear.found("post_death_charge", evidence) == "患者 P0000123456 死亡日期 2025-06-01，费用日期 2025-06-03，金额 88.00 元"
    assert not clear.masked_any


def test_english_labels_and_sentences() -> None:
    with translation.override("en"):
        view = Presenter().line(_line("post_death_charge", {"patient_id": "P0000123456", "date": "2025-06-03",
                                                            "death_date": "2025-06-01", "amount": 88.0}, 2, 0))
    assert view.found == "patient P********56 died on 2025-06-01; charged on 2025-06-03, 88.00 yuan"
    assert view.subject_label == "Visit" and view.value == "2 days"
    assert {f.label for f in view.facts} == {"Patient id", "Charge date", "Date of death", "Amount"}
