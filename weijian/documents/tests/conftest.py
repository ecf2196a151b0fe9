"""Fixtures of the documents tests: an office in each district, a subject (an institution), a decision's context."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from weijian.core.deadlines import deadline
from weijian.core.models import Department, Region, Role
from weijian.registry.models import Institution


@dataclass
class Office:
    manager_a: Any
    manager_b: Any
    region_a: Region
    region_b: Region
    health: Department
    subject_a: Institution
    subject_b: Institution


@pytest.fixture
def office(registry: dict[str, str], make_user: Any, settings: Any, tmp_path: Path) -> Office:
    settings.DATA_DIR = tmp_path  # the evidence store of this test
    return Office(
        manager_a=make_user("manager_a", role=Role.DISTRICT_MANAGER),
        manager_b=make_user("manager_b", role=Role.DISTRICT_MANAGER, region="310104"),
        region_a=Region.objects.get(code="310101"), region_b=Region.objects.get(code="310104"),
        health=Department.objects.get(code="health"),
        subject_a=Institution.objects.get(uscc=registry["a1"]), subject_b=Institution.objects.get(uscc=registry["b1"]),
    )  # fmt: skip


def decision_context(subject: Institution, **changes: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "party_name": subject.name, "party_address": subject.address, "party_uscc": subject.uscc,
        "party_representative": "陈某某", "field": "medical",
        "facts": "2026年3月2日，本机关监督员对你单位进行监督检查，发现你单位使用未取得医师资格的人员从事医师工作。",
        "evidence": ["现场笔录一份", "询问笔录两份", "排班表复印件一份"],
        "violated_basis": "《医疗机构管理条例》第二十七条", "penalty_basis": "《医疗机构管理条例》第四十八条",
        "penalty": "警告，并处罚款人民币伍仟元整", "payment": "到指定银行缴纳罚款",
        "pay_deadline": deadline("case.pay", dt.date(2026, 3, 2)),  # deadlines.yaml: 15 calendar days (art. 67)
        "reconsideration_body": "上海市黄浦区人民政府", "court": "上海市黄浦区人民法院",
    }  # fmt: skip
    context.update(changes)
    return {k: v for k, v in context.items() if v is not None}


@pytest.fixture
def fake_pdf(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Skip WeasyPrint (about a second a document): the 'PDF' is the HTML's hash. Returns the HTML rendered."""
    from weijian.documents import render

    seen: list[str] = []

    def fake(html: str) -> bytes:
        seen.append(html)
        return b"%PDF-fake " + hashlib.sha256(html.encode()).hexdigest().encode()

    monkeypatch.setattr(render, "pdf_of", fake)
    return seen
