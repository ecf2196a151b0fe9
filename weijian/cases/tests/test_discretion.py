"""The discretion catalogue: bands inside the statutory range, the income floor, decisions checked, no-penalty."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from weijian.cases import discretion
from weijian.rules import loader

ON = dt.date(2026, 3, 1)
M = Decimal


@pytest.mark.parametrize(
    ("circumstance", "low", "high", "unverified"),
    [  # 医师法 art. 57: 10,000–30,000 yuan, 幅度 20,000; 广州 cut at 60 % → 22,000
        ("minor", "10000.00", "16000.00", True),
        ("general", "16000.00", "22000.00", True),
        ("serious", "22000.00", "30000.00", False),
        ("severe", "22000.00", "30000.00", False),
    ],
)
def test_suggestion_per_band(circumstance: str, low: str, high: str, unverified: bool) -> None:
    found = discretion.suggest("physician_outside_registration", circumstance, illegal_income=None, on=ON)
    assert (found.legal_min, found.legal_max) == (M("10000.00"), M("30000.00"))
    assert (found.fine_min, found.fine_max) == (M(low), M(high))
    assert found.unverified is unverified
    assert ("[unverified]" in found.text) is unverified
    assert "医师法 第五十七条" in found.basis
    assert {"warning", "confiscate_income", "fine"} <= set(found.kinds)
    assert ("revoke_licence" in found.kinds) is (circumstance == "severe")  # 情节严重的 … 直至吊销


@pytest.mark.parametrize(
    ("income", "legal_min", "legal_max"),
    [
        (None, "50000.00", "200000.00"),  # no income entered: counted as 10,000 (5–20 ×)
        ("3000", "50000.00", "200000.00"),  # under 10,000: counted as 10,000
        ("10000", "50000.00", "200000.00"),
        ("12345.67", "61728.35", "246913.40"),
    ],
)
def test_multiples_of_illegal_income_with_the_floor(income: str | None, legal_min: str, legal_max: str) -> None:
    found = discretion.suggest(
        "unlicensed_practice", "general", illegal_income=None if income is None else M(income), on=ON
    )
    assert (found.legal_min, found.legal_max) == (M(legal_min), M(legal_max))
    assert "不足 10000 元的按 10000 元计算" in found.text


def test_suggestion_text_in_english() -> None:
    from django.utils import translation

    with translation.override("en"):
        found = discretion.suggest("physician_outside_registration", "severe", illegal_income=None, on=ON)
    assert found.text.startswith("Physician practising outside the registered place, category or scope (Severe): ")
    assert "fine 22000–30000 yuan (legal range 10000–30000 yuan)" in found.text
    assert "if severe, also Restriction of practice or Revocation of the licence" in found.text


def test_a_multiple_without_a_floor_needs_the_amount() -> None:
    found = discretion.suggest("insurance_fraud", "general", illegal_income=None, on=ON)  # 医保条例 art. 40: 2–5 ×
    assert found.legal_max is None and "须先录入" in found.text
    check = discretion.check_decision(
        "insurance_fraud", "general", kinds=["fine"], fine=M("20000"), illegal_income=None, on=ON
    )
    assert not check.within_band and any("医保基金损失" in p for p in check.problems)
    assert discretion.suggest("insurance_fraud", "serious", illegal_income=M("10000"), on=ON).legal_max == M("50000.00")


def test_a_decision_inside_the_band_passes() -> None:
    check = discretion.check_decision(
        "physician_outside_registration", "general", kinds=["warning", "confiscate_income", "fine"],
        fine=M("20000"), illegal_income=M("800"), on=ON,
    )
    assert check == discretion.DecisionCheck(within_band=True, above_legal_max=False, problems=[])


def test_a_fine_above_the_legal_maximum_is_a_hard_error() -> None:
    check = discretion.check_decision(
        "physician_outside_registration", "severe", kinds=["warning", "fine", "revoke_licence"], fine=M("30000.01"),
        illegal_income=None, on=ON,
    )
    assert check.above_legal_max and not check.within_band
    assert check.problems == ["罚款金额：30000.01 元超过法定最高额 30000 元（医师法 第五十七条）"]


def test_a_fine_outside_the_band_names_the_field() -> None:
    check = discretion.check_decision(
        "physician_outside_registration", "minor", kinds=["warning", "fine"], fine=M("25000"), illegal_income=None,
        on=ON,
    )
    assert not check.within_band and not check.above_legal_max
    assert len(check.problems) == 1 and check.problems[0].startswith("罚款金额：25000 元不在轻微情节的建议幅度")
    below = discretion.check_decision(
        "physician_outside_registration", "minor", kinds=["warning", "fine"], fine=M("5000"), illegal_income=None,
        on=ON,
    )
    assert below.problems[0].startswith("罚款金额：5000 元低于法定最低额 10000 元")


def test_kinds_the_article_does_not_give_or_requires() -> None:
    check = discretion.check_decision(
        "waste_dumping", "general", kinds=["fine", "close"], fine=M("8000"), illegal_income=None, on=ON
    )
    assert any("责令关闭" in p and p.startswith("处罚种类") for p in check.problems)
    assert any("警告" in p for p in check.problems)  # art. 47 gives a warning and a fine
    severe = discretion.check_decision(
        "waste_dumping", "severe", kinds=["warning", "fine"], fine=M("9500"), illegal_income=None, on=ON
    )
    assert severe.problems == ["处罚种类：严重情节的建议含暂扣许可证件或吊销许可证件之一，决定中没有"]
    missing = discretion.check_decision(
        "waste_dumping", "general", kinds=["warning", "fine"], fine=None, illegal_income=None, on=ON
    )
    assert missing.problems == ["罚款金额：处罚种类含罚款，须填写罚款金额"]


def test_severe_kinds_only_when_severe_and_no_fine_where_the_article_gives_none() -> None:
    check = discretion.check_decision(
        "physician_outside_registration", "general", kinds=["warning", "fine", "revoke_licence"], fine=M("20000"),
        illegal_income=None, on=ON,
    )
    assert check.problems == ["处罚种类：吊销许可证件 仅适用于严重情节"] and not check.above_legal_max
    fined = discretion.check_decision(
        "waste_management_system", "general", kinds=["warning", "fine"], fine=M("1000"), illegal_income=None, on=ON
    )
    assert fined.above_legal_max  # 医疗废物管理条例 art. 45 gives only a warning until the time limit passes
    assert "罚款金额：医疗废物管理条例（2011修订）第四十五条没有规定罚款" in fined.problems


def test_an_optional_fine_may_be_left_out() -> None:
    check = discretion.check_decision("waste_storage", "minor", kinds=["warning"], fine=None, illegal_income=None, on=ON)
    assert check.within_band


def test_unknown_code_circumstance_and_dates() -> None:
    with pytest.raises(loader.RulesError, match="no_such_violation"):
        discretion.suggest("no_such_violation", "general", illegal_income=None, on=ON)
    with pytest.raises(ValueError, match="情节"):
        discretion.suggest("waste_storage", "huge", illegal_income=None, on=ON)
    assert "non_physician_practice" not in discretion.violations(dt.date(2022, 2, 28))  # 医师法 from 2022-03-01
    assert "non_physician_practice" in discretion.violations(dt.date(2022, 3, 1))


@pytest.mark.parametrize(
    ("first", "harm", "corrected", "outcome"),
    [
        (True, False, True, "must"),  # 轻微、及时改正、无危害后果 → 不予处罚
        (True, True, True, "may"),  # 初次违法、危害后果轻微、及时改正 → 可以不予处罚
        (False, True, True, None),
        (False, False, True, None),  # the list item requires a first violation
        (True, False, False, None),  # not corrected
    ],
)
def test_no_penalty_must_and_may(first: bool, harm: bool, corrected: bool, outcome: str | None) -> None:
    found = discretion.no_penalty(
        "nurse_registration_lapsed", first_violation=first, harm=harm, corrected=corrected, on=ON
    )
    assert (found.outcome if found else None) == outcome
    if found:
        assert "第三十三条" in found.text and "教育" in found.text and "渝卫发〔2023〕13号" in found.basis


def test_no_penalty_is_not_proposed_off_the_list_or_before_it() -> None:
    assert discretion.no_penalty("unlicensed_practice", first_violation=True, harm=False, corrected=True, on=ON) is None
    assert discretion.no_penalty(
        "nurse_registration_lapsed", first_violation=True, harm=False, corrected=True, on=dt.date(2023, 5, 7)
    ) is None


def test_bundled_files_are_read_completely_and_a_bad_kind_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discretion.check()
    catalogue = discretion.violations(ON)
    assert all(v.name_en and (v.orders_en or not v.orders) for v in catalogue.values())  # English beside
    text = (loader.BUNDLED_DIR / "discretion.yaml").read_text(encoding="utf-8")
    (tmp_path / "discretion.yaml").write_text(text.replace("[warning, fine]", "[warning, fines]", 1), encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))
    try:
        with pytest.raises(loader.RulesError, match="fines"):
            discretion.check()
    finally:
        monkeypatch.delenv("WEIJIAN_RULES_DIR")
        loader.clear_cache()
