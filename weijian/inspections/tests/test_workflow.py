"""The inspection workflow through its services: create, findings with photos, submit, confirm, close, publish,
clues; bad input refused with the field named and nothing half-saved; every step in the audit chain."""

from __future__ import annotations

import base64
import datetime as dt
import os
import stat
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from weijian.clues.models import Clue
from weijian.core.audit import audit_verify
from weijian.core.models import AuditEvent
from weijian.core.workdays import add_working_days
from weijian.inspections import selectors, services
from weijian.inspections.models import Attachment, Finding, InspectionStatus
from weijian.inspections.tests.conftest import ITEM, Field, close_passed, confirm_all, fill_all, png_bytes

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


def _actions(inspection_id: int) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="inspection", object_id=str(inspection_id))
                .order_by("pk").values_list("action", flat=True))  # fmt: skip


def test_create_makes_the_team_and_one_empty_finding_per_checklist_line(field: Field) -> None:
    inspection = field.create(due_date=dt.date(2030, 1, 31))
    assert inspection.status == InspectionStatus.ASSIGNED
    assert set(inspection.members.values_list("inspector__badge_no", flat=True)) == {"31010100000001", "31010100000009"}
    lines = list(inspection.findings.values_list("item_code", "line_no", "outcome"))
    assert len(lines) == 4 and all(code == ITEM and outcome == "" for code, _, outcome in lines)
    assert _actions(inspection.pk) == ["inspections.inspection.create"]
    event = AuditEvent.objects.get(object_type="inspection", object_id=str(inspection.pk))
    assert event.data["catalog"][0]["sha256"] and event.data["lines"] == 4


@pytest.mark.parametrize(("change", "message"), [
    ({"item_codes": ["CC99999"]}, "检查事项"),
    ({"item_codes": []}, "至少选择一个检查事项"),
    ({"mode": "surprise"}, "检查方式"),
])  # fmt: skip
def test_create_refuses_bad_input_and_saves_nothing(field: Field, change: dict[str, Any], message: str) -> None:
    with pytest.raises(services.InspectionError, match=message):
        field.create(**change)
    assert not Finding.objects.exists()


def test_create_needs_two_inspectors_in_the_creators_scope(field: Field) -> None:
    with pytest.raises(services.InspectionError, match="至少 2 名"):
        field.create(inspectors=field.team[:1])
    outsider = services.inspector_of(field.zhao)
    with pytest.raises(services.InspectionError, match="不在您的数据权限范围内"):
        field.create(inspectors=[field.team[0], outsider])
    with pytest.raises(services.InspectionError):  # 徐汇's institution is outside 黄浦's manager
        field.create(institution=field.b1)


def test_findings_record_with_photos_stored_once_under_their_hash(field: Field, evidence_dir: Path) -> None:
    inspection = field.create()
    photo = png_bytes("blue")
    first = inspection.findings.order_by("pk")[0]
    services.finding_record(
        actor=field.wang, inspection_id=inspection.pk, item_code=first.item_code, line_no=first.line_no,
        outcome="noncompliant", note="未见备案凭证", photos=[services.Upload("现场.jpg", photo)],
    )  # fmt: skip
    first.refresh_from_db()
    assert first.outcome == "noncompliant" and first.note == "未见备案凭证"
    attachment = Attachment.objects.get(finding=first)
    path = evidence_dir / attachment.stored_name
    assert path.read_bytes() == photo, "the original is kept byte for byte"
    assert attachment.stored_name.startswith(attachment.sha256[:2] + "/") and attachment.content_type == "image/png"
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, "evidence files are private"
    mtime = path.stat().st_mtime_ns
    services.attachment_add(actor=field.li, inspection_id=inspection.pk, upload=services.Upload("again.png", photo),
                            item_code=first.item_code, line_no=first.line_no)  # fmt: skip
    assert Attachment.objects.filter(sha256=attachment.sha256).count() == 2
    assert path.stat().st_mtime_ns == mtime and len(list(evidence_dir.rglob("*.png"))) == 1
    assert not list(evidence_dir.rglob("*.part"))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS
    event = AuditEvent.objects.filter(action="inspections.inspection.finding").first()
    assert event is not None and event.data["attachments"][0]["sha256"] == attachment.sha256


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"line_no": "9.9"}, "不在本次检查的检查表中"),
    ({"outcome": "maybe"}, "应为 合规、不合规 或 不适用"),
    ({"outcome": "noncompliant", "note": ""}, "不合规时须选择发现的问题或填写说明"),
    ({"photos": [services.Upload("x.jpg", b"GIF89a not really a photo")]}, "不是可识别的图片"),
    ({"photos": [services.Upload("x.gif", png_bytes(fmt="GIF"))]}, "不受支持"),
    ({"problems": ["编造的问题"]}, "不是该项的可选问题"),
])  # fmt: skip
def test_a_bad_line_is_refused_whole(field: Field, kwargs: dict[str, Any], message: str, evidence_dir: Path) -> None:
    inspection = field.create()
    first = inspection.findings.order_by("pk")[0]
    args = {"actor": field.wang, "inspection_id": inspection.pk, "item_code": first.item_code,
            "line_no": first.line_no, "outcome": "compliant", "note": "已查看", **kwargs}  # fmt: skip
    with pytest.raises(services.InspectionError, match=message):
        services.finding_record(**args)
    assert not Finding.objects.exclude(outcome="").exists() and not Attachment.objects.exists()
    assert not evidence_dir.exists() or not any(evidence_dir.rglob("*.*"))


def test_photo_over_the_size_limit_is_refused(field: Field, settings: Any) -> None:
    settings.WEIJIAN_EVIDENCE_LIMITS = {**settings.WEIJIAN_EVIDENCE_LIMITS, "max_bytes": 100}
    inspection = field.create()
    first = inspection.findings.order_by("pk")[0]
    with pytest.raises(services.InspectionError, match="文件过大"):
        services.finding_record(actor=field.wang, inspection_id=inspection.pk, item_code=first.item_code,
                                line_no=first.line_no, outcome="compliant",
                                photos=[services.Upload("big.png", png_bytes(size=(300, 300)))])  # fmt: skip


def test_only_the_team_fills_the_checklist(field: Field, make_user: Any) -> None:
    inspection = field.create()
    first = inspection.findings.order_by("pk")[0]
    stranger = make_user("stranger")  # an inspector of 黄浦 without a place on the team
    for actor, message in ((stranger, "不是本次检查的检查人员"), (field.zhao, "不存在或不在您的数据权限范围内")):
        with pytest.raises(services.InspectionError, match=message):
            services.finding_record(actor=actor, inspection_id=inspection.pk, item_code=first.item_code,
                                    line_no=first.line_no, outcome="compliant")  # fmt: skip


def test_submit_confirm_close_publish(field: Field, time_machine: Any) -> None:
    # a day whose publication deadline (20 working days on) falls in a year the working-day calendar knows
    time_machine.move_to(dt.datetime(2026, 6, 1, 9, tzinfo=SHANGHAI))
    inspection = field.create()
    first = inspection.findings.order_by("pk")[0]
    services.finding_record(actor=field.wang, inspection_id=inspection.pk, item_code=first.item_code,
                            line_no=first.line_no, outcome="compliant")  # fmt: skip
    with pytest.raises(services.InspectionError, match=r"检查表尚未填完.*共 3 项"):
        services.inspection_submit(actor=field.wang, inspection_id=inspection.pk)
    fill_all(field, inspection)
    with pytest.raises(services.InspectionError, match="只有待确认"):
        services.inspection_confirm(actor=field.wang, inspection_id=inspection.pk, signature=None)
    services.inspection_submit(actor=field.wang, inspection_id=inspection.pk)
    with pytest.raises(services.InspectionError, match="已待确认，不能再修改"):
        fill_all(field, inspection, outcome="na")
    with pytest.raises(services.InspectionError, match="手写签名"):
        services.inspection_confirm(actor=field.wang, inspection_id=inspection.pk, signature=None)
    with pytest.raises(services.InspectionError, match="PNG"):
        services.inspection_confirm(actor=field.wang, inspection_id=inspection.pk, signature="data:text/html,<b>")
    with pytest.raises(services.InspectionError, match="尚有检查人员未确认：王监督、李监督"):
        services.inspection_close(actor=field.wang, inspection_id=inspection.pk, result="pass")
    signature = "data:image/png;base64," + base64.b64encode(png_bytes("white", (120, 40))).decode()
    services.inspection_confirm(actor=field.wang, inspection_id=inspection.pk, signature=signature)
    with pytest.raises(services.InspectionError, match="不能重复确认"):
        services.inspection_confirm(actor=field.wang, inspection_id=inspection.pk, signature=signature)
    with pytest.raises(services.InspectionError, match="不是本次检查的检查人员"):
        services.inspection_confirm(actor=field.manager, inspection_id=inspection.pk, signature=signature)
    services.inspection_confirm(actor=field.li, inspection_id=inspection.pk, signature=signature)
    assert Attachment.objects.filter(inspection=inspection, kind="signature").count() == 2
    with pytest.raises(services.InspectionError, match="应评为合格"):
        services.inspection_close(actor=field.li, inspection_id=inspection.pk, result="rectify", note="整改")
    services.inspection_close(actor=field.li, inspection_id=inspection.pk, result="pass")
    inspection.refresh_from_db()
    closed_on = timezone.localtime(inspection.closed_at).date()
    assert inspection.status == InspectionStatus.CLOSED and inspection.result == "pass"
    assert inspection.publish_due == add_working_days(closed_on, 20)
    with pytest.raises(services.InspectionError, match="只有科室负责人"):
        services.inspection_publish(actor=field.wang, inspection_id=inspection.pk)
    assert selectors.publication_queue(field.manager, "due").filter(pk=inspection.pk).exists()
    services.inspection_publish(actor=field.manager, inspection_id=inspection.pk)
    with pytest.raises(services.InspectionError, match="已于"):
        services.inspection_publish(actor=field.manager, inspection_id=inspection.pk)
    figures = selectors.publication_figures(field.manager)
    assert (figures.on_time, figures.counted, figures.percent) == (1, 1, 100.0)
    assert _actions(inspection.pk) == [
        "inspections.inspection.create", *["inspections.inspection.finding"] * 5, "inspections.inspection.submit",
        "inspections.inspection.confirm", "inspections.inspection.confirm", "inspections.inspection.close",
        "inspections.inspection.publish",
    ]
    assert audit_verify().ok


def test_a_deadline_in_a_year_the_calendar_does_not_know_is_left_open_not_guessed(field: Field,
                                                                                  time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2099, 12, 14, 9, tzinfo=SHANGHAI))  # a year the calendar does not know
    inspection = close_passed(field)
    assert inspection.status == InspectionStatus.CLOSED and inspection.publish_due is None
    event = AuditEvent.objects.filter(action__endswith="close", object_id=str(inspection.pk)).latest("pk")
    assert event.data["publish_due"] is None and "calendar.yaml" in event.data["publication"]["note"]
    services.inspection_publish(actor=field.manager, inspection_id=inspection.pk)  # publishing is not held up



def test_case_result_turns_each_noncompliant_line_into_a_clue(field: Field) -> None:
    inspection = field.create()
    lines = list(inspection.findings.order_by("pk"))
    photo = png_bytes("green")
    for index, finding in enumerate(lines):
        services.finding_record(
            actor=field.wang, inspection_id=inspection.pk, item_code=finding.item_code, line_no=finding.line_no,
            outcome="noncompliant" if index < 2 else "compliant", note="现场发现" if index < 2 else "",
            photos=[services.Upload("p.png", photo)] if index == 0 else [],
        )  # fmt: skip
    services.inspection_submit(actor=field.wang, inspection_id=inspection.pk)
    confirm_all(field, inspection)
    with pytest.raises(services.InspectionError, match="不能评为合格"):
        services.inspection_close(actor=field.wang, inspection_id=inspection.pk, result="pass")
    with pytest.raises(services.InspectionError, match="结果说明"):
        services.inspection_close(actor=field.wang, inspection_id=inspection.pk, result="case")
    services.inspection_close(actor=field.wang, inspection_id=inspection.pk, result="case", note="涉嫌违法执业")
    clues = list(Clue.objects.order_by("pk"))
    assert [c.source_ref for c in clues] == [f"{lines[0].item_code}:{lines[0].line_no}",
                                             f"{lines[1].item_code}:{lines[1].line_no}"]  # fmt: skip
    year = timezone.localdate().year
    assert [c.number for c in clues] == [f"XS-310101-{year}-000001", f"XS-310101-{year}-000002"]
    first = clues[0]
    assert first.source_kind == "inspection" and first.source_id == inspection.pk and first.institution == field.a1
    assert "现场发现" in first.facts and lines[0].line_no in first.facts
    assert Attachment.objects.get(finding=lines[0]).sha256 in [e.get("sha256") for e in first.evidence]
    again = services.clue_from_finding(actor=field.manager, inspection_id=inspection.pk,
                                       item_code=lines[0].item_code, line_no=lines[0].line_no)  # fmt: skip
    assert again.pk == first.pk and Clue.objects.count() == 2
    with pytest.raises(services.InspectionError, match="不是不合规项"):
        services.clue_from_finding(actor=field.manager, inspection_id=inspection.pk,
                                   item_code=lines[3].item_code, line_no=lines[3].line_no)  # fmt: skip
    assert AuditEvent.objects.filter(action="clues.clue.create").count() == 2


def test_bulk_publication_is_all_or_nothing(field: Field) -> None:
    closed = close_passed(field)
    still_open = field.create()
    with pytest.raises(services.InspectionError, match="批量公示未执行"):
        services.inspections_publish(actor=field.manager, inspection_ids=[closed.pk, still_open.pk])
    closed.refresh_from_db()
    assert closed.published_at is None
    assert [i.pk for i in services.inspections_publish(actor=field.manager, inspection_ids=[closed.pk])] == [closed.pk]


def test_last_closed_gives_the_latest_close_and_its_team(field: Field) -> None:
    close_passed(field)
    today = timezone.localdate()
    found = selectors.last_closed(institution_ids=[field.a1.pk, field.b1.pk], item_codes=[ITEM, "CC00227"],
                                  since=today - dt.timedelta(days=30))  # fmt: skip
    assert found == {(field.a1.pk, ITEM): (today, frozenset(i.pk for i in field.team))}
    assert selectors.last_closed(institution_ids=[field.a1.pk], item_codes=[ITEM], since=today + dt.timedelta(days=1)) == {}
