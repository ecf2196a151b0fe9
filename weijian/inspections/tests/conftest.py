"""Fixtures of the inspection tests: two inspectors of 黄浦 with logins (a team), a manager, an inspection."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from weijian.core.models import Department, Region, Role
from weijian.inspections import services
from weijian.inspections.models import Inspection
from weijian.registry.models import Inspector, Institution

ITEM = "CC00210"  # 母婴保健与辅助生殖: four checklist lines, applies to hospitals


def png_bytes(color: str = "red", size: tuple[int, int] = (40, 30), fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


@dataclass
class Field:
    codes: dict[str, str]
    wang: Any  # user of 王监督 (黄浦)
    li: Any  # user of 李监督 (黄浦)
    zhao: Any  # user of 赵监督 (徐汇)
    manager: Any  # 黄浦 district manager
    team: list[Inspector]
    a1: Institution
    b1: Institution

    def create(self, institution: Institution | None = None, **extra: Any) -> Inspection:
        kwargs: dict[str, Any] = {
            "actor": self.manager, "institution": institution or self.a1, "department": Department.objects.get(code="health"),
            "item_codes": [ITEM], "mode": "random", "source_kind": "other", "source_id": None,
            "inspectors": self.team, "due_date": None,
        }  # fmt: skip
        kwargs.update(extra)
        return services.inspection_create(**kwargs)


@pytest.fixture
def evidence_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path / "evidence"


@pytest.fixture
def field(registry: dict[str, str], make_user: Any, evidence_dir: Path) -> Field:
    wang = make_user("wang")
    li = make_user("li")
    zhao = make_user("zhao", region="310104")
    manager = make_user("manager", role=Role.DISTRICT_MANAGER)
    health = Department.objects.get(code="health")
    inspector_wang = Inspector.objects.get(badge_no="31010100000001")
    inspector_wang.user = wang
    inspector_wang.save()
    inspector_li = Inspector.objects.create(badge_no="31010100000009", name="李监督", department=health,
                                            region=Region.objects.get(code="310101"), user=li)  # fmt: skip
    inspector_zhao = Inspector.objects.get(badge_no="31010400000002")
    inspector_zhao.user = zhao
    inspector_zhao.save()
    return Field(
        codes=registry, wang=wang, li=li, zhao=zhao, manager=manager, team=[inspector_wang, inspector_li],
        a1=Institution.objects.get(uscc=registry["a1"]), b1=Institution.objects.get(uscc=registry["b1"]),
    )  # fmt: skip


def fill_all(field: Field, inspection: Inspection, outcome: str = "compliant", **extra: Any) -> None:
    for finding in inspection.findings.order_by("pk"):
        services.finding_record(actor=field.wang, inspection_id=inspection.pk, item_code=finding.item_code,
                                line_no=finding.line_no, outcome=outcome, **extra)  # fmt: skip


def confirm_all(field: Field, inspection: Inspection) -> None:
    signature = "data:image/png;base64," + __import__("base64").b64encode(png_bytes("white", (120, 40))).decode()
    for user in (field.wang, field.li):
        services.inspection_confirm(actor=user, inspection_id=inspection.pk, signature=signature)


def close_passed(field: Field, inspection: Inspection | None = None) -> Inspection:
    """``inspection`` (a new one of ``field``'s team by default) filled, confirmed by both inspectors and closed as
    passed."""
    inspection = inspection or field.create()
    fill_all(field, inspection)
    services.inspection_submit(actor=field.wang, inspection_id=inspection.pk)
    confirm_all(field, inspection)
    return services.inspection_close(actor=field.wang, inspection_id=inspection.pk, result="pass")


from weijian.registry.tests.conftest import browser_page, test_output  # noqa: E402, F401  (the browser fixtures)
