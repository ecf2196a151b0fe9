"""Tracking codes, input checks and the routing table (a golden decision table, as crt-portal pins its routing)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from weijian.complaints import codes, routing, rules, validation
from weijian.complaints.tests.conftest import district
from weijian.core.models import Region
from weijian.registry.models import Institution


def test_codes_are_valid_distinct_and_catch_typing_mistakes() -> None:
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000 and all(codes.is_valid(c) and len(c) == 11 for c in made)
    code = sorted(made)[0]
    for i, other in itertools.product(range(len(code)), codes.ALPHABET):
        if other != code[i]:
            assert not codes.is_valid(code[:i] + other + code[i + 1:]), (code, i, other)
    swaps = [code[:i] + code[i + 1] + code[i] + code[i + 2:] for i in range(len(code) - 1) if code[i] != code[i + 1]]
    assert sum(codes.is_valid(s) for s in swaps) <= 1
    shown = codes.display(code)
    assert codes.normalise(shown.lower()) == code and codes.normalise(f" {shown} ".replace("0", "o")) == code


@pytest.mark.parametrize(("typed", "ok"), [
    ("13812345678", True), ("138-1234-5678", True), ("+8613812345678", True), ("12812345678", False),
    ("1381234567", False), ("021-63211234", True), ("0510-86881234", True), ("010 6321 123", True),
    ("63211234", False), ("phone", False), ("", False),
])  # fmt: skip
def test_phone_numbers(typed: str, ok: bool) -> None:
    if ok:
        assert validation.clean_phone(typed)
    else:
        with pytest.raises(ValueError, match="联系电话"):
            validation.clean_phone(typed)


def test_description_limits_come_from_the_rules_file() -> None:
    limits = rules.limits(dt.date(2026, 1, 5))
    assert validation.clean_description("  诊所无证行医  ", limits) == "诊所无证行医"
    for text, says in (("", "必须填写"), ("🙏🙏🙏🙏🙏🙏", "表情"), ("!!!???", "表情"), ("长" * 20_000, "20000")):
        with pytest.raises(ValueError, match=says):
            validation.clean_description(text, limits)
    assert validation.mask_phone("13812345678") == "138****5678" and validation.mask_name("王小明") == "王**"


# category, region the filer chose, subject (an institution of the fixture registry or None) → department, district
GOLDEN = [
    ("illegal_practice", "310101", None, "health", "310101"),
    ("medical_aesthetics", "310101", "b2", "health", "310104"),  # the registry subject's district wins
    ("price", "310104", None, "market", "310104"),
    ("medical_ad", "310101", "a1", "market", "310101"),
    ("insurance_fraud", "310104", "b1", "insurance", "310104"),
    ("drug", "310101", None, "drug", "310101"),
    ("medical_waste", "310104", None, "health", "310104"),
    ("no_such_category", "310101", None, None, "310101"),  # not in the responsibility list: triage
]


@pytest.mark.django_db
@pytest.mark.parametrize(("category", "region", "subject", "department", "district_code"), GOLDEN)
def test_routing_table(registry: dict[str, str], category: str, region: str, subject: str | None,
                       department: str | None, district_code: str) -> None:  # fmt: skip
    institution = Institution.objects.get(uscc=registry[subject]) if subject else None
    found = routing.route(category=category, region=district(region), institution=institution, text="x",
                          on=dt.date(2026, 1, 5))  # fmt: skip
    assert (found.department, found.district) == (department, district_code)
    assert found.by == ("triage" if department is None else "category")


@pytest.mark.django_db
def test_a_street_is_routed_to_its_district() -> None:
    parent = district("310101")
    street = Region.objects.create(code="310101999", name="测试街道", level=Region.Level.STREET, parent=parent)
    assert routing.route(category="price", region=street, institution=None, text="", on=dt.date(2026, 1, 5)).district == "310101"
