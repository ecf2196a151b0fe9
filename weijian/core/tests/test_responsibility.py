"""The responsibility list: departments, duties, 执法领域, check items and complaint categories agree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from weijian.core import responsibility
from weijian.inspections import catalog
from weijian.rules import loader

DAY = dt.date(2025, 6, 30)


def test_duties_cover_every_check_item_of_their_own_department() -> None:
    items = catalog.items(DAY)
    for code, found in items.items():
        duties = responsibility.duties_for_item(code, DAY)
        assert [d.department for d in duties] == [found.department], code
        assert set(found.fields) <= {f for d in duties for f in d.fields}, code
    listed = {i for department in responsibility.departments(DAY).values() for d in department.duties for i in d.items}
    assert listed <= set(items), "duties name check items the catalog does not have"


def test_departments_keep_the_annex_and_route_complaints_to_partner_departments() -> None:
    departments = responsibility.departments(DAY)
    assert departments["health"].lead and not departments["market"].lead
    assert len(departments) == 23
    assert responsibility.duty("health.public_health", DAY).department == "health"
    categories = responsibility.complaint_categories(DAY)
    assert {c: categories[c].department for c in ("insurance_fraud", "drug", "price", "illegal_practice")} == {
        "insurance_fraud": "insurance", "drug": "drug", "price": "market", "illegal_practice": "health"}  # fmt: skip
    with pytest.raises(responsibility.ResponsibilityError, match=r"health\.nothing"):
        responsibility.duty("health.nothing", DAY)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("          complaints: [dispute]\n", "          complaints: [dispute, drug]\n", "应恰由一项职责受理"),
        ("          fields: [drug]\n", "          fields: [alchemy]\n", "未知的代码"),
        ("        drug.quality:\n", "        health.medical:\n", "职责代码重复"),
    ],
)
def test_a_bad_list_is_refused_naming_the_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, message: str
) -> None:
    text = (loader.BUNDLED_DIR / "responsibilities.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "responsibilities.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))
    loader.clear_cache()
    try:
        with pytest.raises(responsibility.ResponsibilityError, match=rf"responsibilities\.yaml.*{message}"):
            responsibility.complaint_categories(DAY)
    finally:
        monkeypatch.delenv("WEIJIAN_RULES_DIR")
        loader.clear_cache()
