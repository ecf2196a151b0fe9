"""The check-item catalog: the shipped list is complete where it must be, and a bad file is refused by name."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from weijian.core.responsibility import fields
from weijian.inspections import catalog
from weijian.registry.models import InstitutionKind
from weijian.rules import loader

DAY = dt.date(2025, 6, 30)
TEN_AREAS = ("医疗机构依法执业", "传染病防治与医疗废物", "母婴保健与辅助生殖", "放射卫生", "公共场所", "生活饮用水", "消毒产品",
             "学校卫生", "职业卫生", "医疗美容")  # fmt: skip


def test_the_shipped_catalog_covers_the_health_sector_and_partner_departments() -> None:
    items = catalog.items(DAY)
    names = " ".join(i.name for i in items.values())
    assert all(area in names for area in TEN_AREAS)
    assert {i.department for i in items.values()} >= {"health", "insurance", "market"}
    for found in items.values():
        assert found.checklist and all(line.findings for line in found.checklist)
        assert set(found.fields) <= set(fields()) and set(found.target_kinds) <= set(InstitutionKind.values)
    hotel_items = [i.code for i in items.values() if "hotel" in i.target_kinds]
    assert hotel_items == ["CC00214"]


@pytest.mark.parametrize("code", ["CC00227", "CC00216"])
def test_the_two_full_checklists_give_a_legal_basis_on_every_line(code: str) -> None:
    checked = catalog.item(code, DAY)
    assert len(checked.checklist) >= 15
    acts = re.compile(r"(条例|法|办法|规定)")
    for line in checked.checklist:
        assert acts.search(line.basis), (code, line.no)
        assert re.search(r"第[一二三四五六七八九十百零]+条", line.basis) or "[unverified" in line.basis, (code, line.no)


def test_unknown_item_names_the_code_and_the_date() -> None:
    with pytest.raises(catalog.UnknownItem, match=r"CC99999.*2025-06-30"):
        catalog.item("CC99999", DAY)
    with pytest.raises(catalog.UnknownItem, match="2021-12-31"):
        catalog.item("CC00227", dt.date(2021, 12, 31))


def _override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    (tmp_path / "check_items.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("WEIJIAN_RULES_DIR", str(tmp_path))
    loader.clear_cache()


GOOD_LINE = '        - "no": "1"\n          requirement: 检查\n          basis: 某法 第一条\n          findings: [问题]\n'


def _item(body: str) -> str:
    return ("items:\n  X1:\n    2024-01-01:\n      name: 试\n      basis: 依据\n      department: health\n"
            "      fields: [medical]\n      target_kinds: [clinic]\n      mode: random\n" + body)  # fmt: skip


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "缺少检查表"),
        ("      checklist: []\n", "缺少检查表"),
        ("      checklist:\n        - no: '1'\n          requirement: x\n          basis: y\n          findings: [z]\n", "应恰有"),
        ("      checklist:\n" + GOOD_LINE.replace("[问题]", "[]"), "findings"),
        ("      checklist:\n" + GOOD_LINE + GOOD_LINE, "编号重复"),
        ("      colour: red\n      checklist:\n" + GOOD_LINE, "未知的键"),
    ],
)
def test_a_bad_item_is_refused_naming_the_file_and_the_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str
) -> None:
    _override(tmp_path, monkeypatch, _item(body))
    try:
        with pytest.raises(catalog.CatalogError, match=rf"check_items\.yaml: 事项 X1.*{message}"):
            catalog.items(DAY)
    finally:
        loader.clear_cache()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [("department: health", "department: casino", "未知的部门"), ("fields: [medical]", "fields: [magic]", "fields"),
     ("target_kinds: [clinic]", "target_kinds: [spa]", "target_kinds"), ("mode: random", "mode: often", "mode")],
)  # fmt: skip
def test_unknown_codes_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, message: str) -> None:
    _override(tmp_path, monkeypatch, _item("      checklist:\n" + GOOD_LINE).replace(old, new))
    try:
        with pytest.raises(catalog.CatalogError, match=message):
            catalog.items(DAY)
    finally:
        loader.clear_cache()


def test_a_version_replaces_the_older_one_and_withdrawn_removes_the_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _item("      checklist:\n" + GOOD_LINE) + "    2025-01-01:\n      withdrawn: true\n      basis: 撤销通知\n"
    _override(tmp_path, monkeypatch, text)
    try:
        assert catalog.item("X1", dt.date(2024, 6, 1)).checklist[0].requirement == "检查"
        assert "X1" not in catalog.items(dt.date(2025, 1, 1))
    finally:
        loader.clear_cache()
