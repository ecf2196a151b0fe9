import pytest

from weijian.core.identifiers import (
    IdentifierError,
    clean_badge_no,
    clean_cert_no,
    clean_ric,
    clean_uscc,
    mask_phone,
    mask_ric,
)


def test_uscc_accepts_the_documented_real_example() -> None:
    assert clean_uscc(" 92370102MA3M9AG94X ") == "92370102MA3M9AG94X"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("92370102MA3M9AG94Y", "校验位不正确"),
        ("92370102MA3M9AG94", "长度不正确"),
        ("", "不能为空"),
    ],
)
def test_uscc_errors_name_the_field_and_reason(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as info:
        clean_uscc(value, field="统一社会信用代码")
    assert info.value.field == "统一社会信用代码"
    assert info.value.reason == reason
    assert "统一社会信用代码" in str(info.value)


def test_ric_validates_check_digit_and_masks_in_error() -> None:
    assert clean_ric("11010519491231002x") == "11010519491231002X"
    with pytest.raises(IdentifierError) as info:
        clean_ric("110105194912310021")
    assert info.value.reason == "校验位不正确"
    assert info.value.value == "110105********0021"  # never echo a full ID number


def test_cert_no_is_fifteen_digits() -> None:
    assert clean_cert_no("110310101000001") == "110310101000001"
    for bad in ("11031010100000", "11031010100000A", "1103101010000011"):
        with pytest.raises(IdentifierError, match="应为15位数字"):
            clean_cert_no(bad)


def test_badge_no_pattern_comes_from_rules_data() -> None:
    assert clean_badge_no("31010100000001") == "31010100000001"
    with pytest.raises(IdentifierError, match="8至20位"):
        clean_badge_no("12-34")


def test_masks() -> None:
    assert mask_ric("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
