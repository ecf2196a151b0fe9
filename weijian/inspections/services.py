"""Writes of on-site inspections: create (random, key or targeted), record findings with photos, submit, confirm
(each inspector with their own login, signing on the tablet where the office's rules say so), close with the
result, publish; turn non-compliances into clues; targeted inspections from alert work items.

Flow: 待检查 (assigned) → 检查中 (in_progress, first finding) → 待确认 (submitted: every line filled, findings
locked) → each member confirms → 已办结 (closed: result and note; the publication deadline starts) → 公示
(published_at set by a manager).

Clues: one clue per non-compliant checklist line (a line is one possible violation, which is what a case is
opened on), created when an inspection closes with the result 立案查处, or from one line by hand. The clue keeps
its source (the inspection and the line), the facts of the finding and the SHA-256 of its photos.

Every service is keyword-only, runs in one transaction, fetches its inspection scoped to the actor and locked
(:func:`_locked`), checks the write-side guard and writes one audit event (执法全过程记录).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from weijian.core.audit import audit_record
from weijian.core.models import Department, Role
from weijian.core.scope import OutOfScope, require_writable, scope_of, scoped, writable
from weijian.inspections import catalog, evidence, publication
from weijian.inspections.models import (
    Attachment,
    AttachmentKind,
    Finding,
    FindingOutcome,
    Inspection,
    InspectionMember,
    InspectionMode,
    InspectionResult,
    InspectionSource,
    InspectionStatus,
)
from weijian.registry.models import Inspector, Institution

if TYPE_CHECKING:
    from weijian.clues.models import Clue
    from weijian.inspections.models import DrawTarget, Plan

CREATING_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR, Role.PARTNER_OFFICER})
MANAGING_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER})
OPEN_STATUSES = (InspectionStatus.ASSIGNED, InspectionStatus.IN_PROGRESS)
MAX_NOTE = 2000
MAX_PHOTOS = 10
BULK_LIMIT = 200


class InspectionError(ValueError):
    """A change the inspection workflow does not allow; the message names the field and the reason (Chinese)."""


class InspectionNotFound(InspectionError):
    """The inspection does not exist or lies outside the actor's data scope (the two are not told apart)."""

    def __init__(self, pk: Any = "") -> None:
        super().__init__(_("检查 %(pk)s 不存在或不在您的数据权限范围内") % {"pk": pk})


class NoInspectionPossible(InspectionError):
    """A referral that cannot become an inspection (unit not in the registry, no check item for it)."""


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the view read it: its name and its bytes (checked here, by content)."""

    name: str
    data: bytes


# --------------------------------------------------------------------------- helpers


def _today() -> dt.date:
    return timezone.localdate()


def inspector_of(user: Any) -> Inspector | None:
    """The 执法人员 record linked to a login (``Inspector.user``), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Inspector.objects.filter(user_id=user.pk).first()


def membership(user: Any, inspection: Inspection) -> InspectionMember | None:
    """The actor's place on the inspection's team (None: not on it)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return inspection.members.filter(inspector__user_id=user.pk).select_related("inspector").first()


def can_manage(user: Any) -> bool:
    return scope_of(user).role in MANAGING_ROLES


def _locked(actor: Any, inspection_id: Any) -> Inspection:
    """The one fetch of every write: the inspection as the actor may see it, locked, inside the write scope."""
    try:
        pk = int(inspection_id)
    except (TypeError, ValueError):
        raise InspectionNotFound(inspection_id) from None
    found = scoped(actor, Inspection.objects.select_for_update(of=("self",))).filter(pk=pk).first()
    if found is None or not writable(actor, found):
        raise InspectionNotFound(pk)
    return found


def _member_or_refuse(actor: Any, inspection: Inspection, doing: str) -> InspectionMember:
    member = membership(actor, inspection)
    if member is None:
        raise InspectionError(_("检查 %(pk)s：您不是本次检查的检查人员，不能%(doing)s") % {"pk": inspection.pk, "doing": doing})
    return member


def _audit(actor: Any, inspection: Inspection, action: str, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor, action=f"inspections.inspection.{action}", object_type="inspection", object_id=inspection.pk,
        data={"institution": inspection.institution.uscc, "items": list(inspection.item_codes),
              "status": inspection.status, **data},
    )  # fmt: skip


def checklist_items(inspection: Inspection) -> list[catalog.CheckItem]:
    """The check items of an inspection as they were in force the day it was created."""
    as_of = timezone.localtime(inspection.created_at).date() if inspection.created_at else _today()
    return [catalog.item(code, as_of) for code in inspection.item_codes]


def _line(inspection: Inspection, item_code: str, line_no: str) -> catalog.ChecklistLine | None:
    for item in checklist_items(inspection):
        if item.code == item_code:
            return next((line for line in item.checklist if line.no == line_no), None)
    return None


def _clean_note(note: str | None, field: str | None = None) -> str:
    field = field or _("说明")
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise InspectionError(
            _("%(field)s：不能超过 %(max_note)s 字（现为 %(count)s 字）")
            % {"field": field, "max_note": MAX_NOTE, "count": len(text)}
        )
    return text


# --------------------------------------------------------------------------- create


def _check_items(item_codes: Sequence[str], on: dt.date) -> list[catalog.CheckItem]:
    codes = [str(c).strip() for c in item_codes if str(c).strip()]
    if not codes:
        raise InspectionError(_("检查事项：至少选择一个检查事项"))
    if len(set(codes)) != len(codes):
        raise InspectionError(_("检查事项：同一事项不能重复"))
    items = []
    for code in codes:
        try:
            item = catalog.item(code, on)
        except catalog.UnknownItem as exc:
            raise InspectionError(_("检查事项：%(exc)s") % {"exc": exc}) from None
        if not item.checklist:
            raise InspectionError(
                _("检查事项：%(code)s %(name)s 没有检查表，不能用于检查") % {"code": code, "name": item.name}
            )
        items.append(item)
    return items


def _check_team(actor: Any, inspectors: Sequence[Inspector], on: dt.date, *, complete: bool = True) -> list[Inspector]:
    team: list[Inspector] = []
    visible = set(scoped(actor, Inspector.objects.filter(pk__in=[i.pk for i in inspectors if i is not None]))
                  .values_list("pk", flat=True))  # fmt: skip
    for inspector in inspectors:
        if inspector is None or any(i.pk == inspector.pk for i in team):
            continue
        if inspector.pk not in visible:
            raise InspectionError(_("检查人员：%(badge_no)s 不存在或不在您的数据权限范围内") % {"badge_no": inspector.badge_no})
        if not inspector.active:
            raise InspectionError(
                _("检查人员：%(name)s（%(badge_no)s）不在岗")
                % {"name": inspector.name, "badge_no": inspector.badge_no}
            )
        team.append(inspector)
    minimum = publication.minimum_inspectors(on)
    if complete and len(team) < minimum:
        raise InspectionError(
            _("检查人员：至少 %(minimum)s 名执法人员（行政处罚法 第四十二条），现为 %(count)s 名")
            % {"minimum": minimum, "count": len(team)}
        )
    return team


@transaction.atomic
def inspection_create(
    *,
    actor: Any,
    institution: Institution,
    department: Department,
    item_codes: list[str],
    mode: str,
    source_kind: str,
    source_id: int | None,
    inspectors: list[Inspector],
    due_date: dt.date | None,
    plan: Plan | None = None,
    target: DrawTarget | None = None,
    team_complete: bool = True,
) -> Inspection:
    """Create an inspection, its team and one empty finding per checklist line of its items (one audit event).

    The team has at least the legal minimum of inspectors; a targeted inspection may start with fewer
    (``team_complete=False``: a manager completes it with :func:`inspection_member_add`, and it cannot be
    submitted before).
    """
    if scope_of(actor).role not in CREATING_ROLES:
        raise InspectionError(_("您的角色不能安排检查"))
    if mode not in InspectionMode.values:
        raise InspectionError(_("检查方式：%(mode)s 应为 随机抽查、重点检查 或 定向检查") % {"mode": f'{mode!r}'})
    if source_kind not in InspectionSource.values:
        raise InspectionError(_("来源：%(source_kind)s 不是已知的检查来源") % {"source_kind": f'{source_kind!r}'})
    today = _today()
    items = _check_items(item_codes, today)
    team = _check_team(actor, inspectors, today, complete=team_complete)
    inspection = Inspection(
        institution=institution, department=department, mode=mode, item_codes=[i.code for i in items], plan=plan,
        target=target, source_kind=source_kind, source_id=source_id, due_date=due_date,
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    try:
        require_writable(actor, inspection, linked=(institution, plan, target))
    except OutOfScope as exc:
        raise InspectionError(
            _("被监督单位：%(name)s %(message)s") % {"name": institution.name, "message": exc.message}
        ) from None
    inspection.save()
    InspectionMember.objects.bulk_create([InspectionMember(inspection=inspection, inspector=i) for i in team])
    Finding.objects.bulk_create(
        [Finding(inspection=inspection, item_code=item.code, line_no=line.no) for item in items for line in item.checklist]
    )
    _audit(actor, inspection, "create", {
        "mode": mode, "source": [source_kind, source_id], "team": [i.badge_no for i in team],
        "due_date": due_date.isoformat() if due_date else None, "plan": plan.pk if plan else None,
        "target": target.pk if target else None, "catalog": [catalog.item_record(i.code, today) for i in items],
        "lines": sum(len(i.checklist) for i in items),
    })  # fmt: skip
    return inspection


def default_item_codes(institution: Institution, department: Department, on: dt.date) -> list[str]:
    """For a targeted inspection without chosen items: the first catalog item of the department for the unit's kind."""
    for item in catalog.items(on).values():
        if item.department == department.code and institution.kind in item.target_kinds:
            return [item.code]
    return []


def inspection_targeted_create(
    *,
    actor: Any,
    source_kind: str,
    source_id: int | None,
    institution: Institution,
    department: Department,
    inspectors: list[Inspector],
    due_date: dt.date | None,
    item_codes: list[str] | None = None,
) -> Inspection:
    """A targeted inspection (定向检查) caused by a work item, a clue or a complaint: same checklist, findings,
    evidence and publication as a random one; its close reports back to its source."""
    codes = list(item_codes or []) or default_item_codes(institution, department, _today())
    if not codes:
        raise InspectionError(_("检查事项：%(name)s 没有适用于该类单位的检查事项，请选择检查事项") % {"name": department.name})
    return inspection_create(
        actor=actor, institution=institution, department=department, item_codes=codes,
        mode=InspectionMode.TARGETED, source_kind=source_kind, source_id=source_id, inspectors=inspectors,
        due_date=due_date, team_complete=False,
    )  # fmt: skip


def inspection_from_work_item(
    *, actor: Any, item: Any, inspectors: list[Inspector] | None, due_date: dt.date | None,
    item_codes: list[str] | None = None,
) -> Inspection:  # fmt: skip
    """The targeted inspection of a work item disposed as 转定向检查 (called inside the disposal's transaction).

    Team: the inspectors chosen on the disposal form, else the item's assignee and the disposer (those with an
    执法人员 record); due date: the disposal form's, else the item's.
    Raises :class:`NoInspectionPossible` when the unit is not in the registry or no check item applies to it.
    """
    if item.institution is None:
        raise NoInspectionPossible(_("机构不在主体库中，未能生成定向检查（请先登记该机构）"))
    if item.department is None:
        raise InspectionError(_("工作项 %(pk)s：尚无责任部门，不能转定向检查") % {"pk": item.pk})
    if not item_codes and not default_item_codes(item.institution, item.department, _today()):
        raise NoInspectionPossible(_("%(name)s 没有适用于该类单位的检查事项，未能生成定向检查") % {"name": item.department.name})
    team = list(inspectors or [])
    if not team:
        team = [i for i in (inspector_of(item.assignee), inspector_of(actor)) if i is not None]
    return inspection_targeted_create(
        actor=actor, source_kind=InspectionSource.WORK_ITEM, source_id=item.pk, institution=item.institution,
        department=item.department, inspectors=team, due_date=due_date or item.due_date, item_codes=item_codes,
    )  # fmt: skip


def eligible_inspectors(*, department: Department | None, region_code: str | None) -> list[Inspector]:
    """Active inspectors with a login, of a department, whose region contains (or lies in) the given region."""
    if department is None or not region_code:
        return []
    qs = Inspector.objects.filter(active=True, department=department, user__isnull=False).select_related("region")
    return [i for i in qs.order_by("name", "badge_no") if region_code.startswith(i.region.prefix)
            or i.region.code.startswith(region_code)]  # fmt: skip


def team_short(inspection: Inspection) -> int:
    """How many inspectors the team lacks to reach the legal minimum (0: complete)."""
    return max(0, publication.minimum_inspectors(_today()) - inspection.members.count())


@transaction.atomic
def inspection_member_add(*, actor: Any, inspection_id: int, inspector_id: Any) -> InspectionMember:
    """A manager adds an inspector of the inspection's department and district to its team (before submission)."""
    if not can_manage(actor):
        raise InspectionError(_("只有科室负责人或市级管理员可以调整检查人员"))
    inspection = _locked(actor, inspection_id)
    if inspection.status not in OPEN_STATUSES:
        raise InspectionError(
            _("检查 %(pk)s 已%(status)s，不能再调整检查人员")
            % {"pk": inspection.pk, "status": inspection.get_status_display()}
        )
    try:
        inspector = scoped(actor, Inspector.objects.all()).get(pk=int(inspector_id))
    except (TypeError, ValueError, Inspector.DoesNotExist):
        raise InspectionError(_("检查人员：不存在或不在您的数据权限范围内")) from None
    eligible = {i.pk for i in eligible_inspectors(department=inspection.department,
                                                  region_code=inspection.institution.district.code)}  # fmt: skip
    if inspector.pk not in eligible:
        raise InspectionError(_("检查人员：%(name)s 不是本部门本区域在岗且有平台账号的执法人员") % {"name": inspector.name})
    if inspection.members.filter(inspector=inspector).exists():
        raise InspectionError(_("检查人员：%(name)s 已在检查组中") % {"name": inspector.name})
    member = InspectionMember.objects.create(inspection=inspection, inspector=inspector)
    _audit(actor, inspection, "member_add", {"inspector": inspector.badge_no})
    return member


# --------------------------------------------------------------------------- files


def _store(image: evidence.CheckedImage) -> tuple[str, bool]:
    try:
        return evidence.store(image)
    except OSError as exc:
        raise InspectionError(_("照片：无法保存文件（%(reason)s）") % {"reason": exc.strerror or exc}) from None


def _attach(
    actor: Any, inspection: Inspection, image: evidence.CheckedImage, *, name: str, kind: str,
    finding: Finding | None,
) -> Attachment:  # fmt: skip
    stored, _written = _store(image)
    return Attachment.objects.create(
        inspection=inspection, finding=finding, kind=kind, sha256=image.sha256, stored_name=stored,
        original_name=(name or f"{kind}.{image.extension}")[:255], content_type=image.content_type,
        size=len(image.data), uploaded_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip


def _checked_photos(photos: Sequence[Upload], field: str) -> list[tuple[Upload, evidence.CheckedImage]]:
    if len(photos) > MAX_PHOTOS:
        raise InspectionError(
            _("%(field)s：一次最多上传 %(max_photos)s 张") % {"field": field, "max_photos": MAX_PHOTOS}
        )
    checked = []
    for upload in photos:
        try:
            checked.append(
                (
                    upload,
                    evidence.check_image(
                        upload.data,
                        field=_("%(field)s（%(name)s）") % {"field": field, "name": upload.name[:60]},
                    ),
                )
            )
        except evidence.EvidenceError as exc:
            raise InspectionError(str(exc)) from None
    return checked


def _attachment_record(attachment: Attachment) -> dict[str, Any]:
    return {"id": attachment.pk, "sha256": attachment.sha256, "kind": attachment.kind, "size": attachment.size}


# --------------------------------------------------------------------------- findings


@transaction.atomic
def finding_record(
    *,
    actor: Any,
    inspection_id: int,
    item_code: str,
    line_no: str,
    outcome: str,
    note: str = "",
    problems: Sequence[str] = (),
    photos: Sequence[Upload] = (),
) -> Finding:
    """Record the finding on one checklist line (合规 / 不合规 / 不适用, note, common problems, photos).

    Photos are checked by content before anything is written: a bad one refuses the whole line.
    """
    inspection = _locked(actor, inspection_id)
    _member_or_refuse(actor, inspection, pgettext("refused action", "填写检查结论"))
    if inspection.status not in OPEN_STATUSES:
        raise InspectionError(
            _("检查 %(pk)s 已%(status)s，不能再修改检查结论")
            % {"pk": inspection.pk, "status": inspection.get_status_display()}
        )
    finding = inspection.findings.select_for_update().filter(item_code=item_code, line_no=line_no).first()
    line = _line(inspection, item_code, line_no)
    if finding is None or line is None:
        raise InspectionError(
            _("检查内容：%(item_code)s 第 %(line_no)s 项不在本次检查的检查表中")
            % {"item_code": item_code, "line_no": line_no}
        )
    if outcome not in FindingOutcome.values:
        raise InspectionError(
            _("检查结论（%(item_code)s %(line_no)s）：应为 合规、不合规 或 不适用")
            % {"item_code": item_code, "line_no": line_no}
        )
    chosen = [p for p in dict.fromkeys(problems) if p]
    unknown = [p for p in chosen if p not in line.findings]
    if unknown:
        raise InspectionError(
            _("发现的问题（%(item_code)s %(line_no)s）：%(problem)s 不是该项的可选问题")
            % {"item_code": item_code, "line_no": line_no, "problem": unknown[0][:40]}
        )
    if outcome != FindingOutcome.NONCOMPLIANT:
        chosen = []
    text = _clean_note(
        note, _("说明（%(item_code)s %(line_no)s）") % {"item_code": item_code, "line_no": line_no}
    )
    if outcome == FindingOutcome.NONCOMPLIANT and not (text or chosen):
        raise InspectionError(
            _("说明（%(item_code)s %(line_no)s）：不合规时须选择发现的问题或填写说明")
            % {"item_code": item_code, "line_no": line_no}
        )
    checked = _checked_photos(
        photos, _("照片（%(item_code)s %(line_no)s）") % {"item_code": item_code, "line_no": line_no}
    )
    now = timezone.now()
    if inspection.status == InspectionStatus.ASSIGNED:
        inspection.status, inspection.started_at = InspectionStatus.IN_PROGRESS, now
        inspection.save(update_fields=["status", "started_at", "updated_at"])
    before = finding.outcome
    finding.outcome, finding.note, finding.problems = outcome, text, chosen
    finding.updated_by = actor if getattr(actor, "pk", None) else None
    finding.save(update_fields=["outcome", "note", "problems", "updated_by", "updated_at"])
    added = [_attach(actor, inspection, image, name=upload.name, kind=AttachmentKind.PHOTO, finding=finding)
             for upload, image in checked]  # fmt: skip
    _audit(actor, inspection, "finding", {
        "item": item_code, "line": line_no, "outcome": outcome, "before": before or None, "problems": chosen,
        "note": text, "attachments": [_attachment_record(a) for a in added],
    })  # fmt: skip
    return finding


@transaction.atomic
def attachment_add(
    *, actor: Any, inspection_id: int, upload: Upload, item_code: str = "", line_no: str = ""
) -> Attachment:
    """Add one photo to an open inspection (to one of its checklist lines when named)."""
    inspection = _locked(actor, inspection_id)
    _member_or_refuse(actor, inspection, pgettext("refused action", "上传照片"))
    if inspection.status not in OPEN_STATUSES:
        raise InspectionError(
            _("检查 %(pk)s 已%(status)s，不能再上传照片")
            % {"pk": inspection.pk, "status": inspection.get_status_display()}
        )
    finding = None
    if item_code or line_no:
        finding = inspection.findings.filter(item_code=item_code, line_no=line_no).first()
        if finding is None:
            raise InspectionError(
                _("检查内容：%(item_code)s 第 %(line_no)s 项不在本次检查的检查表中")
                % {"item_code": item_code, "line_no": line_no}
            )
    ((_upload, image),) = _checked_photos([upload], _("照片"))
    attachment = _attach(actor, inspection, image, name=upload.name, kind=AttachmentKind.PHOTO, finding=finding)
    _audit(actor, inspection, "attachment", {"item": item_code or None, "line": line_no or None,
                                             **_attachment_record(attachment)})  # fmt: skip
    return attachment


# --------------------------------------------------------------------------- submit, confirm, close


def unfilled_lines(inspection: Inspection) -> list[Finding]:
    return list(inspection.findings.filter(outcome="").order_by("pk"))


@transaction.atomic
def inspection_submit(*, actor: Any, inspection_id: int) -> Inspection:
    """Every line filled: the findings are locked and the team confirms them."""
    inspection = _locked(actor, inspection_id)
    _member_or_refuse(actor, inspection, pgettext("refused action", "提交"))
    if inspection.status not in OPEN_STATUSES:
        raise InspectionError(
            _("检查 %(pk)s 已%(status)s，不能再提交")
            % {"pk": inspection.pk, "status": inspection.get_status_display()}
        )
    missing = unfilled_lines(inspection)
    if missing:
        shown = _("、").join(f"{f.item_code} {f.line_no}" for f in missing[:10])
        more = (
            _(" 等 %(count)s 项") % {"count": len(missing)}
            if len(missing) > 10
            else _(" 共 %(count)s 项") % {"count": len(missing)}
        )
        raise InspectionError(_("检查表尚未填完：%(shown)s%(more)s未填写检查结论") % {"shown": shown, "more": more})
    minimum = publication.minimum_inspectors(_today())
    if inspection.members.count() < minimum:
        raise InspectionError(_("检查人员：至少 %(minimum)s 名执法人员（行政处罚法 第四十二条）") % {"minimum": minimum})
    inspection.status, inspection.submitted_at = InspectionStatus.SUBMITTED, timezone.now()
    inspection.save(update_fields=["status", "submitted_at", "updated_at"])
    counts = {o: inspection.findings.filter(outcome=o).count() for o in FindingOutcome.values}
    _audit(actor, inspection, "submit", {"outcomes": counts})
    return inspection


def _signature(data: str | bytes | None, on: dt.date) -> evidence.CheckedImage | None:
    """A signature drawn on the tablet: a PNG data URL (``data:image/png;base64,…``) or PNG bytes."""
    if not data:
        if publication.signature_required(on):
            raise InspectionError(_("签名：请在签名框内手写签名后再确认（本单位要求检查人员签名）"))
        return None
    raw: bytes
    if isinstance(data, str):
        head, _comma, body = data.partition(",")
        if head != "data:image/png;base64" or not body:
            raise InspectionError(_("签名：应为签名板生成的 PNG 图片"))
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise InspectionError(_("签名：图片数据已损坏，请重新签名")) from None
    else:
        raw = data
    try:
        image = evidence.check_image(raw, field=_("签名"))
    except evidence.EvidenceError as exc:
        raise InspectionError(str(exc)) from None
    if image.content_type != "image/png":
        raise InspectionError(_("签名：应为签名板生成的 PNG 图片"))
    return image


@transaction.atomic
def inspection_confirm(*, actor: Any, inspection_id: int, signature: str | bytes | None = None) -> InspectionMember:
    """One member of the team confirms the submitted findings, with their own login (and signature)."""
    inspection = _locked(actor, inspection_id)
    member = _member_or_refuse(actor, inspection, pgettext("refused action", "确认"))
    if inspection.status != InspectionStatus.SUBMITTED:
        raise InspectionError(
            _("检查 %(pk)s 现为%(status)s，只有待确认的检查可以确认")
            % {"pk": inspection.pk, "status": inspection.get_status_display()}
        )
    member = InspectionMember.objects.select_for_update().get(pk=member.pk)
    if member.confirmed_at is not None:
        raise InspectionError(
            _("检查 %(pk)s：您已于 %(time)s 确认，不能重复确认")
            % {"pk": inspection.pk, "time": f"{timezone.localtime(member.confirmed_at):%Y-%m-%d %H:%M}"}
        )
    image = _signature(signature, _today())
    attachment = None
    if image is not None:
        attachment = _attach(actor, inspection, image, name=f"signature-{member.inspector.badge_no}.png",
                             kind=AttachmentKind.SIGNATURE, finding=None)  # fmt: skip
    member.confirmed_at = timezone.now()
    member.save(update_fields=["confirmed_at"])
    _audit(actor, inspection, "confirm", {"inspector": member.inspector.badge_no,
                                          "signature": _attachment_record(attachment) if attachment else None})  # fmt: skip
    return member


def suggested_result(inspection: Inspection) -> str:
    """合格 when no line is non-compliant, else 责令整改 (the team may choose 立案查处)."""
    if inspection.findings.filter(outcome=FindingOutcome.NONCOMPLIANT).exists():
        return InspectionResult.RECTIFY
    return InspectionResult.PASS


@transaction.atomic
def inspection_close(*, actor: Any, inspection_id: int, result: str, note: str = "") -> Inspection:
    """Close a confirmed inspection with its result; the publication deadline starts (working days, rules data).

    A targeted inspection reports back to its source: a work item gets 查实 / 未查实. The result 立案查处 turns
    each non-compliant line into a clue.
    """
    inspection = _locked(actor, inspection_id)
    if membership(actor, inspection) is None and not can_manage(actor):
        raise InspectionError(_("检查 %(pk)s：只有本次检查的检查人员或科室负责人可以办结") % {"pk": inspection.pk})
    if inspection.status != InspectionStatus.SUBMITTED:
        raise InspectionError(
            _("检查 %(pk)s 现为%(status)s，只有待确认并全部确认的检查可以办结")
            % {"pk": inspection.pk, "status": inspection.get_status_display()}
        )
    missing = unfilled_lines(inspection)
    if missing:
        raise InspectionError(_("检查表尚未填完：%(count)s 项未填写检查结论") % {"count": len(missing)})
    waiting = [m.inspector.name for m in inspection.members.select_related("inspector") if m.confirmed_at is None]
    if waiting:
        raise InspectionError(_("尚有检查人员未确认：%(items)s") % {"items": _("、").join(waiting)})
    if result not in InspectionResult.values:
        raise InspectionError(_("检查结果：应为 合格、责令整改 或 立案查处"))
    noncompliant = inspection.findings.filter(outcome=FindingOutcome.NONCOMPLIANT).count()
    if result == InspectionResult.PASS and noncompliant:
        raise InspectionError(_("检查结果：有 %(noncompliant)s 项不合规，不能评为合格") % {"noncompliant": noncompliant})
    if result != InspectionResult.PASS and not noncompliant:
        raise InspectionError(_("检查结果：没有不合规项，应评为合格"))
    text = _clean_note(note, _("结果说明"))
    if result != InspectionResult.PASS and len(text) < 2:
        raise InspectionError(_("结果说明：责令整改或立案查处须填写说明"))
    now = timezone.now()
    closed_on = timezone.localtime(now).date()
    due, due_record = publication.publish_due_record(closed_on)
    inspection.status, inspection.closed_at, inspection.result, inspection.result_note = (
        InspectionStatus.CLOSED, now, result, text,
    )
    inspection.publish_due = due
    inspection.save(update_fields=["status", "closed_at", "result", "result_note", "publish_due", "updated_at"])
    _audit(actor, inspection, "close", {"result": result, "note": text, "noncompliant": noncompliant,
                                        "publish_due": due.isoformat() if due else None, "publication": due_record})  # fmt: skip
    _report_back(actor, inspection, noncompliant)
    if result == InspectionResult.CASE:
        clues_from_inspection(actor=actor, inspection_id=inspection.pk)
    return inspection


def _report_back(actor: Any, inspection: Inspection, noncompliant: int) -> None:
    if inspection.source_kind == InspectionSource.WORK_ITEM and inspection.source_id:
        from weijian.alerts.services import work_item_outcome_from_inspection

        note = _("定向检查 #%(pk)s：%(result)s（%(noncompliant)s 项不合规）") % {
            "pk": inspection.pk, "result": inspection.get_result_display(), "noncompliant": noncompliant,
        }  # fmt: skip
        if inspection.result_note:
            note += _("。%(result_note)s") % {"result_note": inspection.result_note}
        work_item_outcome_from_inspection(
            actor=actor, item_id=inspection.source_id, confirmed=noncompliant > 0, inspection_id=inspection.pk,
            note=note,
        )  # fmt: skip


# --------------------------------------------------------------------------- publication


def _publish(actor: Any, inspection: Inspection) -> None:
    if inspection.status != InspectionStatus.CLOSED:
        raise InspectionError(_("检查 %(pk)s 尚未办结，不能公示") % {"pk": inspection.pk})
    if inspection.published_at is not None:
        raise InspectionError(
            _("检查 %(pk)s 已于 %(time)s 公示")
            % {"pk": inspection.pk, "time": f"{timezone.localtime(inspection.published_at):%Y-%m-%d}"}
        )
    now = timezone.now()
    late = inspection.publish_due is not None and timezone.localtime(now).date() > inspection.publish_due
    inspection.published_at = now
    inspection.save(update_fields=["published_at", "updated_at"])
    _audit(actor, inspection, "publish", {"publish_due": inspection.publish_due.isoformat()
                                          if inspection.publish_due else None, "late": late})  # fmt: skip


@transaction.atomic
def inspection_publish(*, actor: Any, inspection_id: int) -> Inspection:
    """Publish one closed inspection's result on the public portal (a manager's action)."""
    if not can_manage(actor):
        raise InspectionError(_("只有科室负责人或市级管理员可以公示检查结果"))
    inspection = _locked(actor, inspection_id)
    _publish(actor, inspection)
    return inspection


@transaction.atomic
def inspections_publish(*, actor: Any, inspection_ids: Sequence[Any]) -> list[Inspection]:
    """Publish several at once: all of them, or — if any one is refused — none."""
    if not can_manage(actor):
        raise InspectionError(_("只有科室负责人或市级管理员可以公示检查结果"))
    wanted: list[int] = []
    for raw in inspection_ids:
        try:
            wanted.append(int(raw))
        except (TypeError, ValueError):
            raise InspectionNotFound(raw) from None
    wanted = sorted(set(wanted))
    if not wanted:
        raise InspectionError(_("请至少选择一项检查结果"))
    if len(wanted) > BULK_LIMIT:
        raise InspectionError(
            _("一次最多公示 %(bulk_limit)s 项（已选 %(count)s 项）")
            % {"bulk_limit": BULK_LIMIT, "count": len(wanted)}
        )
    done, refused = [], []
    for pk in wanted:
        inspection = _locked(actor, pk)
        try:
            _publish(actor, inspection)
        except InspectionError as exc:
            refused.append(str(exc))
        else:
            done.append(inspection)
    if refused:
        raise InspectionError(_("批量公示未执行：") + _("；").join(refused))
    return done


# --------------------------------------------------------------------------- clues


def _clue_facts(inspection: Inspection, finding: Finding, line: catalog.ChecklistLine | None) -> str:
    requirement = line.requirement if line else ""
    parts = [_("%(time)s 现场检查（%(mode)s）%(name)s，检查事项 %(item_code)s 第 %(line_no)s 项「%(requirement)s」不合规") % {
        "time": f"{timezone.localtime(inspection.closed_at or timezone.now()):%Y-%m-%d}",
        "mode": inspection.get_mode_display(), "name": inspection.institution.name,
        "item_code": finding.item_code, "line_no": finding.line_no, "requirement": requirement,
    }]  # fmt: skip
    if finding.problems:
        parts.append(_("发现的问题：") + _("；").join(finding.problems))
    if finding.note:
        parts.append(_("说明：") + finding.note)
    return _("。").join(parts)


def _clue_of_finding(actor: Any, inspection: Inspection, finding: Finding) -> Clue:
    from weijian.clues.services import clue_create

    line = _line(inspection, finding.item_code, finding.line_no)
    evidence_list = [{"kind": "finding", "ref": f"inspection:{inspection.pk}/{finding.item_code}:{finding.line_no}",
                      "label": (line.requirement if line else "")[:200]}]  # fmt: skip
    evidence_list += [
        {"kind": a.kind, "ref": f"attachment:{a.pk}", "sha256": a.sha256, "label": a.original_name}
        for a in finding.attachments.order_by("pk")
    ]
    return clue_create(
        actor=actor, source_kind="inspection", source_id=inspection.pk,
        source_ref=f"{finding.item_code}:{finding.line_no}",
        source_label=_("现场检查 #%(pk)s · %(item_code)s 第 %(line_no)s 项")
        % {"pk": inspection.pk, "item_code": finding.item_code, "line_no": finding.line_no},
        facts=_clue_facts(inspection, finding, line), department=inspection.department,
        region=inspection.institution.district, institution=inspection.institution, evidence=evidence_list,
    )  # fmt: skip


@transaction.atomic
def clue_from_finding(*, actor: Any, inspection_id: int, item_code: str, line_no: str) -> Clue:
    """Turn one non-compliant line of a closed inspection into a clue (once: a second call gives the same clue)."""
    inspection = _locked(actor, inspection_id)
    if membership(actor, inspection) is None and not can_manage(actor):
        raise InspectionError(_("检查 %(pk)s：只有本次检查的检查人员或科室负责人可以移送线索") % {"pk": inspection.pk})
    if inspection.status != InspectionStatus.CLOSED:
        raise InspectionError(_("检查 %(pk)s 尚未办结，办结后才能把不合规项转为案源线索") % {"pk": inspection.pk})
    finding = inspection.findings.filter(item_code=item_code, line_no=line_no).first()
    if finding is None:
        raise InspectionError(
            _("检查内容：%(item_code)s 第 %(line_no)s 项不在本次检查的检查表中")
            % {"item_code": item_code, "line_no": line_no}
        )
    if finding.outcome != FindingOutcome.NONCOMPLIANT:
        raise InspectionError(
            _("检查内容：%(item_code)s 第 %(line_no)s 项不是不合规项，不能转为线索")
            % {"item_code": item_code, "line_no": line_no}
        )
    return _clue_of_finding(actor, inspection, finding)


@transaction.atomic
def clues_from_inspection(*, actor: Any, inspection_id: int) -> list[Clue]:
    """One clue per non-compliant line of a closed inspection (lines already turned into clues keep theirs)."""
    inspection = _locked(actor, inspection_id)
    if inspection.status != InspectionStatus.CLOSED:
        raise InspectionError(_("检查 %(pk)s 尚未办结，办结后才能把不合规项转为案源线索") % {"pk": inspection.pk})
    findings = inspection.findings.filter(outcome=FindingOutcome.NONCOMPLIANT).order_by("pk")
    return [_clue_of_finding(actor, inspection, finding) for finding in findings]
