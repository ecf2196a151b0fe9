import datetime as dt
import stat
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import ric

from weijian.core.identifiers import (
    PEPPER_ENV,
    IdentifierError,
    cert_no_formats,
    clean_badge_no,
    clean_cert_no,
    clean_ric,
    clean_uscc,
    id_digest,
    mask_phone,
    mask_ric,
    normalize_identifier,
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




def test_badge_no_pattern_comes_from_rules_data() -> None:
    assert clean_badge_no("31010100000001") == "31010100000001"
    with pytest.raises(IdentifierError, match="8至20位"):
        clean_badge_no("12-34")


def test_masks() -> None:
    assert mask_ric("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"


# --- 居民身份证号码 -------------------------------------------------------------------------------


def ric_number(address: str, born: str, sequence: str = "123") -> str:
    """A 身份证 number with a correct check character (from python-stdnum)."""
    body = address + born + sequence
    return body + ric.calc_check_digit(body + "0")


def test_ric_accepts_the_standards_own_example_and_an_older_county_code() -> None:
    # GB 11643's example: 广东省汕头市潮阳县 (440524), born 1880. python-stdnum's validate() refuses it.
    assert not ric.is_valid("440524188001010014")
    assert clean_ric("440524188001010014") == "440524188001010014"
    # 浦东新区 (310115) was created in 1992; people born in 1965 with that code are everywhere.
    assert clean_ric("310115196501011235") == "310115196501011235"


@pytest.mark.parametrize("decade", range(1930, 2030, 10))
def test_ric_accepts_people_born_in_every_decade(decade: int) -> None:
    for address in ("310115", "310151", "320281", "110105"):  # 浦东 1992, 崇明区 2016, 江阴 1987, 朝阳
        number = ric_number(address, f"{decade + 3}0615", "042")
        assert clean_ric(number, today=dt.date(2026, 11, 23)) == number


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("31011519650101123", "应为18位（现为17位）"),
        ("3101151965010112355", "应为18位（现为19位）"),
        ("31011519650101123A", "前17位应为数字，第18位应为数字或X"),
        ("3101151965O1011235", "前17位应为数字，第18位应为数字或X"),
        (ric_number("990101", "19650101"), "地址码（前6位）的省级代码“99”不存在"),
        (ric_number("000000", "19650101"), "地址码（前6位）的省级代码“00”不存在"),
        (ric_number("310115", "19650230"), "出生日期（第7至14位）不是有效的日期"),
        (ric_number("310115", "19651301"), "出生日期（第7至14位）不是有效的日期"),
        (ric_number("310115", "20261124"), "出生日期（第7至14位）晚于今天"),
        ("310115196501011234", "校验位不正确"),
    ],
)
def test_ric_says_in_chinese_what_is_wrong(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as info:
        clean_ric(value, field="身份证号码", today=dt.date(2026, 11, 23))
    assert info.value.reason == reason
    assert "身份证号码" in str(info.value)
    assert len(value) < 18 or value[6:14] not in info.value.value  # the birth date is never echoed


def test_ric_born_today_is_accepted_and_hong_kong_residence_permit_codes_too() -> None:
    assert clean_ric(ric_number("310101", "20261123"), today=dt.date(2026, 11, 23))
    assert clean_ric(ric_number("830000", "19800101"), today=dt.date(2026, 11, 23))  # 台湾居民居住证
    with pytest.raises(IdentifierError, match="省级代码“83”不存在"):
        clean_ric(ric_number("830000", "19800101"), today=dt.date(2018, 8, 31))  # before the permits existed


# --- normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("２２０３１０１０１０００００１", "220310101000001"),
        ("220 310 101 000 001", "220310101000001"),
        ("\u3000２２０３１０１０１０００００１\u3000", "220310101000001"),
        ("2203\u200b10101000001", "220310101000001"),
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        ("92370102ma3m9ag94x", "92370102MA3M9AG94X"),
        (None, ""),
    ],
)
def test_normalize_identifier(typed: str | None, stored: str) -> None:
    assert normalize_identifier(typed) == stored


def test_every_clean_function_normalises_first() -> None:
    assert clean_cert_no("２２０３１０１０１０００００１") == "220310101000001"
    assert clean_ric("１１０１０５ １９４９１２３１ ００２ｘ") == "11010519491231002X"
    assert clean_uscc("９２３７０１０２ＭＡ３Ｍ９ＡＧ９４Ｘ") == "92370102MA3M9AG94X"
    assert clean_badge_no("３１０１ ０１００ ０００ ００１") == "31010100000001"


# --- 执业证书编码 ---------------------------------------------------------------------------------


def test_cert_no_format_depends_on_the_kind() -> None:
    assert clean_cert_no("110310101000001", kind="physician") == "110310101000001"
    assert clean_cert_no("110310101000001", kind="assistant_physician") == "110310101000001"
    for bad in ("11031010100000", "11031010100000A", "1103101010000011"):
        with pytest.raises(IdentifierError, match="应为15位数字"):
            clean_cert_no(bad, kind="physician")
    # 护士、药师、医技: no verified national format, so 8–30 digits or capital letters.
    for kind in ("nurse", "pharmacist", "technician"):
        assert clean_cert_no("201931000123", kind=kind) == "201931000123"
        assert clean_cert_no("ZY2018310001234", kind=kind) == "ZY2018310001234"
        for bad in ("1234567", "A" * 31, "2019-3100-0123", "张三"):
            with pytest.raises(IdentifierError, match="应为8至30位数字或大写字母"):
                clean_cert_no(bad, kind=kind)


def test_cert_no_look_up_accepts_any_kinds_format() -> None:
    assert clean_cert_no("201931000123") == "201931000123"  # a nurse's, looked up by number
    with pytest.raises(IdentifierError) as info:
        clean_cert_no("123")
    assert "不符合任何类别的格式" in info.value.reason and "15位" in info.value.reason
    with pytest.raises(IdentifierError, match="未知的人员类别"):
        clean_cert_no("110310101000001", kind="vet")


def test_cert_no_formats_are_dated_rules_with_a_basis() -> None:
    formats = cert_no_formats(dt.date(2026, 1, 1))
    assert set(formats) == {"physician", "assistant_physician", "nurse", "pharmacist", "technician"}
    assert all(spec["basis"] for spec in formats.values())
    assert all("[unverified]" in formats[k]["basis"] for k in ("nurse", "pharmacist", "technician"))


# --- the digest's own key -------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(PEPPER_ENV, raising=False)
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_digest_does_not_depend_on_the_secret_key(data_dir: Path, settings: Any) -> None:
    before = id_digest("11010519491231002X")
    settings.SECRET_KEY = "rotated-" + settings.SECRET_KEY
    assert id_digest("11010519491231002X") == before
    assert id_digest("11010519491231002x") == before  # normalised
    assert id_digest("110105194912310036") != before


def test_pepper_file_is_generated_once_owner_only(data_dir: Path) -> None:
    first = id_digest("11010519491231002X")
    pepper = data_dir / "id_pepper"
    assert stat.S_IMODE(pepper.stat().st_mode) == 0o600
    assert len(pepper.read_text().strip()) == 64
    assert [p.name for p in data_dir.iterdir()] == ["id_pepper"]  # no draft left behind
    assert id_digest("11010519491231002X") == first


def test_pepper_from_the_environment(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_file = id_digest("11010519491231002X")
    monkeypatch.setenv(PEPPER_ENV, "an-office-key")
    from_env = id_digest("11010519491231002X")
    assert from_env != from_file
    monkeypatch.setenv(PEPPER_ENV, "another-office-key")
    assert id_digest("11010519491231002X") != from_env
