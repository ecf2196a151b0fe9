"""Writes of the complaints app. Each service runs in one transaction and writes one audit event in it.

Filing (:func:`complaint_file`) validates everything the filer gave and reports every problem at once (field →
message), so a form can show them in place and keep what was typed; a complaint that is accepted is routed
(:mod:`weijian.complaints.routing`), linked to an open complaint about the same subject and category when there
is one (a duplicate is linked, never dropped), and gets its tracking code.

Handling — received → accepted | not accepted (reason) → replied → closed, or turned into a clue — is done by
the staff whose scope holds the complaint (department × district); the triage queue (no department) is the
city office's, which routes it (:func:`complaint_route`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.clues.services import ClueError, clue_create
from weijian.complaints import codes, routing, rules, validation
from weijian.complaints.errors import ComplaintError
from weijian.complaints.models import (
    OPEN_STATUSES,
    OTHER_CATEGORY,
    ApiKey,
    Complaint,
    ComplaintChannel,
    ComplaintPhoto,
    ComplaintSource,
    ComplaintStatus,
)
from weijian.core import responsibility
from weijian.core.audit import audit_record
from weijian.core.models import Department, Region, Role
from weijian.core.scope import OutOfScope, require_writable, scope_of, scoped, writable
from weijian.core.text import search_key
from weijian.inspections import evidence
from weijian.registry.models import Institution

STAFF_ENTRY_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR, Role.PARTNER_OFFICER})
REASON_MIN = 4
REPLY_MIN = 10
CODE_TRIES = 5


@dataclass(frozen=True)
class Photo:
    """An uploaded photo: its bytes (already read within the upload limit) and the name it came with."""

    data: bytes
    name: str = ""


def _actor_label(actor: Any, api_key: ApiKey | None) -> Any:
    if api_key is not None:
        return f"open311:{api_key.prefix}"
    return actor if getattr(actor, "is_authenticated", False) else "public"


def _coordinate(value: Any, low: int, high: int, key: str, field: str, errors: dict[str, str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[key] = _("%(field)s：应为数字") % {"field": field}
        return None
    if not (low <= number <= high):
        errors[key] = _("%(field)s：应在 %(low)s 到 %(high)s 之间") % {"field": field, "low": low, "high": high}
        return None
    return number.quantize(Decimal("0.000001"))


def _check_photos(photos: Sequence[Photo], limits: rules.Limits, errors: dict[str, str]) -> list[evidence.CheckedImage]:
    label = _("照片")
    if len(photos) > limits.max_photos:
        errors["photos"] = _("%(field)s：最多 %(max)s 张，现为 %(n)s 张") % {
            "field": label, "max": limits.max_photos, "n": len(photos)}  # fmt: skip
        return []
    checked = []
    for number, photo in enumerate(photos, start=1):
        field = _("照片 %(n)s（%(name)s）") % {"n": number, "name": photo.name[:60] or "-"}
        if len(photo.data) > limits.max_photo_bytes:
            errors["photos"] = _("%(field)s：文件过大（%(size)s KB），上限为 %(limit)s KB") % {
                "field": field, "size": len(photo.data) // 1024, "limit": limits.max_photo_bytes // 1024}  # fmt: skip
            return []
        try:
            checked.append(evidence.check_image(photo.data, field=field))
        except evidence.EvidenceError as exc:
            errors["photos"] = str(exc)
            return []
    return checked


def _name_key(name: str) -> str:
    """A free-text subject name for comparison: simplified script, NFKC, lower case, no blanks at all."""
    return search_key(name).replace(" ", "")[:200]


def find_duplicate(*, institution: Institution | None, subject_name: str, district: str, category: str,
                   on: dt.datetime) -> Complaint | None:  # fmt: skip
    """The earliest open complaint about the same subject and category received within the duplicate window."""
    if not category or category == OTHER_CATEGORY:
        return None
    window = rules.limits(timezone.localtime(on).date()).duplicate_window_days
    qs = Complaint.objects.filter(category=category, status__in=(*OPEN_STATUSES, ComplaintStatus.TO_CLUE), duplicate_of__isnull=True,
                                  received_at__gte=on - dt.timedelta(days=window))  # fmt: skip
    if institution is not None:
        qs = qs.filter(institution=institution)
    else:
        key = _name_key(subject_name)
        if not key:
            return None
        qs = qs.filter(institution__isnull=True, district__code=district, subject_key=key)
    return qs.order_by("received_at", "pk").first()


@transaction.atomic
def complaint_file(
    *,
    actor: Any,
    source: str,
    description: str,
    region: Region | None,
    category: str = "",
    institution: Institution | None = None,
    subject_name: str = "",
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
    anonymous: bool = False,
    complainant_name: str = "",
    complainant_phone: str = "",
    complainant_email: str = "",
    photos: Sequence[Photo] = (),
    api_key: ApiKey | None = None,
    external_id: str = "",
    subject_known: bool = True,
    channel: str = "",
    now: dt.datetime | None = None,
) -> Complaint:
    """File one complaint; every problem is reported at once (:class:`ComplaintError` with field → message).

    ``channel`` (来电, 来访, 来信) is required for an entry by staff (source ``staff``) and given by no other source.
    """
    now = now or timezone.now()
    on = timezone.localtime(now).date()
    limits = rules.limits(on)
    errors: dict[str, str] = {}
    if source not in ComplaintSource.values:
        raise ComplaintError(_("来源：%(source)s 不是已知的来源") % {"source": source}, "source")
    if source == ComplaintSource.STAFF and scope_of(actor).role not in STAFF_ENTRY_ROLES:
        raise OutOfScope()
    channel = (channel or "").strip()
    if source == ComplaintSource.STAFF and channel not in ComplaintChannel.values:
        errors["channel"] = _("受理渠道：请选择来电、来访或来信")
    elif source != ComplaintSource.STAFF:
        channel = ""
    try:
        description = validation.clean_description(description, limits)
    except ValueError as exc:
        errors["description"] = str(exc)
    categories = responsibility.complaint_categories(on)
    category = (category or "").strip()
    if category and category != OTHER_CATEGORY and category not in categories:
        errors["category"] = _("投诉类别：%(code)s 不是可选的类别") % {"code": category[:40]}
    if region is None:
        errors["region"] = _("发生地：请选择发生的区或街道")
    elif region.level not in (Region.Level.DISTRICT, Region.Level.STREET, Region.Level.GRID):
        errors["region"] = _("发生地：请选择区或街道，而不是 %(name)s") % {"name": region.name}
    subject_name = " ".join((subject_name or "").split())[:200]
    if institution is None and not subject_name:
        errors["subject"] = _("被投诉对象：请从名录中选择单位，或填写名称（个人或未登记的诊所也可）")
    address = " ".join((address or "").split())[:300]
    lat = _coordinate(latitude, -90, 90, "latitude", _("纬度"), errors)
    lon = _coordinate(longitude, -180, 180, "longitude", _("经度"), errors)
    name = phone = email = ""
    if not anonymous:
        try:
            name = validation.clean_name(complainant_name)
        except ValueError as exc:
            errors["complainant_name"] = str(exc)
        try:
            phone = validation.clean_phone(complainant_phone)
        except ValueError as exc:
            errors["complainant_phone"] = str(exc)
        email = (complainant_email or "").strip()[:120]
    checked = _check_photos(photos, limits, errors)
    if errors:
        raise ComplaintError(errors)
    assert region is not None
    route = routing.route(category=category, region=region, institution=institution, text=description, on=on)
    district = Region.objects.get(code=route.district)
    department = Department.objects.filter(code=route.department).first() if route.department else None
    complaint = Complaint(
        source=source, api_key=api_key, external_id=(external_id or "")[:60], category=category or route.category,
        description=description, region=region, address=address, latitude=lat, longitude=lon,
        institution=institution, subject_name=subject_name or (institution.name if institution else ""),
        subject_key=_name_key(subject_name) if institution is None and subject_known else "",
        anonymous=anonymous, complainant_name=name, complainant_phone=phone, complainant_email=email,
        entered_by=actor if source == ComplaintSource.STAFF else None, channel=channel, district=district,
        department=department,
        routing={**route.as_json(), "at": now.isoformat(), "history": []}, received_at=now,
    )  # fmt: skip
    if source == ComplaintSource.STAFF:
        require_writable(actor, complaint, linked=(institution,))
    if subject_known:  # a placeholder subject ("see the description") matches nothing
        complaint.duplicate_of = find_duplicate(institution=institution, subject_name=complaint.subject_name,
                                                district=district.code, category=complaint.category, on=now)  # fmt: skip
    for _attempt in range(CODE_TRIES):
        complaint.tracking_code = codes.new_code()
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:
            complaint.pk = None
    else:  # pragma: no cover - 50 random bits
        raise ComplaintError(_("查询码：生成冲突，请重试"))
    stored = []
    for image in checked:
        name_, _written = evidence.store(image)
        stored.append(ComplaintPhoto(complaint=complaint, sha256=image.sha256, stored_name=name_,
                                     content_type=image.content_type, size=len(image.data), width=image.width,
                                     height=image.height))  # fmt: skip
    ComplaintPhoto.objects.bulk_create(stored)
    audit_record(
        actor=_actor_label(actor, api_key), action="complaints.complaint.file", object_type="complaint",
        object_id=complaint.pk,
        data={"source": source, "category": complaint.category, "department": route.department,
              "district": district.code, "routed_by": route.by, "confidence": route.confidence,
              "institution": institution.uscc if institution else None, "anonymous": anonymous,
              "duplicate_of": complaint.duplicate_of_id, "photos": [i.sha256 for i in checked],
              "api_key": api_key.prefix if api_key else None, "channel": channel or None},
    )  # fmt: skip
    return complaint


# --------------------------------------------------------------------------- handling by staff


def _locked(actor: Any, complaint_id: Any) -> Complaint:
    """The complaint, locked, if the actor's scope holds it and the actor may write it; else 404 (OutOfScope)."""
    found = scoped(actor, Complaint.objects.select_for_update(of=("self",))).filter(pk=complaint_id).first()
    if found is None or not writable(actor, found):
        raise OutOfScope()
    return found


def _refuse_step(complaint: Complaint, doing: str, needed: str) -> ComplaintError:
    return ComplaintError(_("不能%(doing)s：投诉 %(code)s 当前为“%(status)s”，须先%(needed)s") % {
        "doing": doing, "code": codes.display(complaint.tracking_code), "status": complaint.get_status_display(),
        "needed": needed})  # fmt: skip


@transaction.atomic
def complaint_accept(*, actor: Any, complaint_id: int) -> Complaint:
    complaint = _locked(actor, complaint_id)
    if complaint.status != ComplaintStatus.RECEIVED:
        raise ComplaintError(_("不能受理：投诉当前为“%(status)s”") % {"status": complaint.get_status_display()})
    if complaint.department_id is None:
        raise _refuse_step(complaint, _("受理"), _("分派到承办部门"))
    complaint.status, complaint.accepted_at = ComplaintStatus.ACCEPTED, timezone.now()
    complaint.save(update_fields=["status", "accepted_at", "updated_at"])
    audit_record(actor=actor, action="complaints.complaint.accept", object_type="complaint", object_id=complaint.pk,
                 data={"status": complaint.status, **{}})  # fmt: skip
    return complaint


@transaction.atomic
def complaint_not_accept(*, actor: Any, complaint_id: int, reason: str) -> Complaint:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ComplaintError(_("不予受理理由：必须写明理由（至少 %(n)s 字）") % {"n": REASON_MIN}, "reason")
    complaint = _locked(actor, complaint_id)
    if complaint.status != ComplaintStatus.RECEIVED:
        raise ComplaintError(_("不能决定不予受理：投诉当前为“%(status)s”") % {"status": complaint.get_status_display()})
    complaint.status, complaint.not_accepted_reason = ComplaintStatus.NOT_ACCEPTED, reason[:2000]
    complaint.closed_at = timezone.now()
    complaint.save(update_fields=["status", "not_accepted_reason", "closed_at", "updated_at"])
    audit_record(actor=actor, action="complaints.complaint.not_accept", object_type="complaint", object_id=complaint.pk,
                 data={"status": complaint.status, **{"reason": reason[:2000]}})  # fmt: skip
    return complaint


@transaction.atomic
def complaint_reply(*, actor: Any, complaint_id: int, text: str) -> Complaint:
    """Record the reply to the complainant (shown under the tracking code)."""
    text = (text or "").strip()
    if len(text) < REPLY_MIN:
        raise ComplaintError(_("答复内容：必须填写（至少 %(n)s 字）") % {"n": REPLY_MIN}, "reply")
    complaint = _locked(actor, complaint_id)
    if complaint.status == ComplaintStatus.RECEIVED:
        raise _refuse_step(complaint, _("答复"), _("受理"))
    if complaint.status not in (ComplaintStatus.ACCEPTED, ComplaintStatus.TO_CLUE):
        raise ComplaintError(_("不能答复：投诉当前为“%(status)s”") % {"status": complaint.get_status_display()})
    complaint.reply, complaint.replied_at = text[:5000], timezone.now()
    if complaint.status == ComplaintStatus.ACCEPTED:
        complaint.status = ComplaintStatus.REPLIED
    complaint.save(update_fields=["status", "reply", "replied_at", "updated_at"])
    audit_record(actor=actor, action="complaints.complaint.reply", object_type="complaint", object_id=complaint.pk,
                 data={"status": complaint.status, **{"chars": len(text)}})  # fmt: skip
    return complaint


EXTENSION_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER})


def may_extend(actor: Any, complaint: Complaint) -> bool:
    """Whether the page offers the extension: a manager of the complaint's queue, accepted, not replied, not extended."""
    return (scope_of(actor).role in EXTENSION_ROLES and writable(actor, complaint) and complaint.extended_at is None
            and complaint.replied_at is None and complaint.status in (ComplaintStatus.ACCEPTED, ComplaintStatus.TO_CLUE))  # fmt: skip


@transaction.atomic
def complaint_extend(*, actor: Any, complaint_id: int, days: Any, reason: str, approver: str,
                     now: dt.datetime | None = None) -> Complaint:  # fmt: skip
    """Extend the reply deadline once, with a reason and the approval of the office's head (信访工作条例 art. 34:
    情况复杂的，经批准可以适当延长，延长不得超过 30 日 — the figure is ``complaint.reply_extension`` in
    deadlines.yaml). Only before the reply deadline has passed; a second extension is refused."""
    from weijian.complaints import deadlines

    now = now or timezone.now()
    if scope_of(actor).role not in EXTENSION_ROLES:
        raise OutOfScope()
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    approver = " ".join((approver or "").split())
    if len(reason) < REASON_MIN:
        errors["extension_reason"] = _("延期理由：必须写明理由（至少 %(n)s 字）") % {"n": REASON_MIN}
    if len(approver) < 2:
        errors["extension_approver"] = _("批准人：必须填写批准延期的负责人")
    most = deadlines.extension_limit(timezone.localtime(now).date())
    try:
        count = int(str(days).strip())
    except (TypeError, ValueError):
        errors["extension_days"] = _("延期天数：应为整数")
    else:
        if not 1 <= count <= most:
            errors["extension_days"] = _("延期天数：应为 1 到 %(most)s 日（%(basis)s）") % {
                "most": most, "basis": deadlines.extension_basis(timezone.localtime(now).date())}  # fmt: skip
    if errors:
        raise ComplaintError(errors)
    complaint = _locked(actor, complaint_id)
    if complaint.extended_at is not None:
        raise ComplaintError(_("不能再次延期：答复期限已于 %(day)s 延期 %(n)s 日，只能延期一次") % {
            "day": f"{timezone.localtime(complaint.extended_at):%Y-%m-%d}", "n": complaint.extension_days}, "extension_days")  # fmt: skip
    if complaint.status == ComplaintStatus.RECEIVED:
        raise _refuse_step(complaint, _("延期答复"), _("受理"))
    if complaint.replied_at is not None or complaint.status not in (ComplaintStatus.ACCEPTED, ComplaintStatus.TO_CLUE):
        raise ComplaintError(_("不能延期：投诉当前为“%(status)s”，已答复或已办结") % {"status": complaint.get_status_display()})
    running = deadlines.reply_deadline(complaint, now=now)
    if running is None or running.due is None:
        raise ComplaintError(_("不能延期：答复期限无法计算（工作日历未发布）"), "extension_days")
    if now > running.due:
        raise ComplaintError(_("不能延期：答复期限已于 %(day)s 届满，延期须在期限届满前批准") % {
            "day": f"{timezone.localtime(running.due):%Y-%m-%d}"}, "extension_days")  # fmt: skip
    complaint.extension_days, complaint.extension_reason, complaint.extension_approver = count, reason[:2000], approver[:60]
    complaint.extended_at = now
    complaint.save(update_fields=["extension_days", "extension_reason", "extension_approver", "extended_at",
                                  "updated_at"])  # fmt: skip
    extended = deadlines.reply_deadline(complaint, now=now)
    audit_record(actor=actor, action="complaints.complaint.extend", object_type="complaint", object_id=complaint.pk,
                 data={"status": complaint.status, "days": count, "reason": reason[:2000], "approver": approver[:60],
                       "from": f"{timezone.localtime(running.due):%Y-%m-%d}",
                       "to": f"{timezone.localtime(extended.due):%Y-%m-%d}" if extended and extended.due else None})  # fmt: skip
    return complaint


@transaction.atomic
def complaint_close(*, actor: Any, complaint_id: int) -> Complaint:
    complaint = _locked(actor, complaint_id)
    if complaint.replied_at is None:
        raise _refuse_step(complaint, _("办结"), _("答复投诉人"))
    if complaint.status == ComplaintStatus.CLOSED:
        raise ComplaintError(_("不能办结：投诉已办结"))
    complaint.status, complaint.closed_at = ComplaintStatus.CLOSED, timezone.now()
    complaint.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(actor=actor, action="complaints.complaint.close", object_type="complaint", object_id=complaint.pk,
                 data={"status": complaint.status, **{}})  # fmt: skip
    return complaint


@transaction.atomic
def complaint_to_clue(*, actor: Any, complaint_id: int, facts: str = "") -> Complaint:
    """Turn an accepted complaint into a clue (案源线索, source ``complaint``) of its department and district."""
    complaint = _locked(actor, complaint_id)
    if complaint.status == ComplaintStatus.RECEIVED:
        raise _refuse_step(complaint, _("转为案源线索"), _("受理"))
    if complaint.status != ComplaintStatus.ACCEPTED or complaint.clue_id is not None:
        raise ComplaintError(_("不能转为案源线索：投诉当前为“%(status)s”") % {"status": complaint.get_status_display()})
    assert complaint.department is not None
    photos = [{"kind": "complaint_photo", "ref": p.stored_name, "sha256": p.sha256, "label": _("投诉照片")}
              for p in complaint.photos.all()]  # fmt: skip
    try:
        clue = clue_create(
            actor=actor, source_kind="complaint", source_id=complaint.pk, facts=(facts or complaint.description),
            department=complaint.department, region=complaint.district, institution=complaint.institution,
            subject_name=complaint.subject_name,
            source_label=_("投诉举报 %(code)s") % {"code": codes.display(complaint.tracking_code)}, evidence=photos,
        )  # fmt: skip
    except ClueError as exc:
        raise ComplaintError(str(exc)) from exc
    complaint.clue, complaint.status = clue, ComplaintStatus.TO_CLUE
    complaint.save(update_fields=["clue", "status", "updated_at"])
    audit_record(actor=actor, action="complaints.complaint.to_clue", object_type="complaint", object_id=complaint.pk,
                 data={"status": complaint.status, **{"clue": clue.number}})  # fmt: skip
    return complaint


@transaction.atomic
def complaint_link_duplicate(*, actor: Any, complaint_id: int, original_code: str) -> Complaint:
    """Mark a complaint as a duplicate of another one in the actor's scope (both stay; each shows the other)."""
    complaint = _locked(actor, complaint_id)
    code = codes.normalise(original_code)
    original = scoped(actor, Complaint.objects.all()).filter(tracking_code=code).first()
    if original is None:
        raise ComplaintError(_("原投诉查询码：%(code)s 不存在或不在您的数据权限范围内") % {"code": original_code[:20]}, "original")
    while original.duplicate_of_id is not None:
        original = original.duplicate_of  # type: ignore[assignment]
    if original.pk == complaint.pk:
        raise ComplaintError(_("原投诉查询码：不能标记为自身的重复"), "original")
    complaint.duplicate_of = original
    complaint.save(update_fields=["duplicate_of", "updated_at"])
    Complaint.objects.filter(duplicate_of=complaint).update(duplicate_of=original)
    audit_record(actor=actor, action="complaints.complaint.duplicate", object_type="complaint", object_id=complaint.pk,
                 data={"status": complaint.status, **{"duplicate_of": original.pk}})  # fmt: skip
    return complaint


def may_route(actor: Any) -> bool:
    return scope_of(actor).role == Role.CITY_ADMIN


@transaction.atomic
def complaint_route(*, actor: Any, complaint_id: int, department_code: str, district_code: str = "",
                    category: str = "", note: str) -> Complaint:  # fmt: skip
    """Route by hand (out of triage, or to another department or district); the earlier routing stays in history."""
    if not may_route(actor):
        raise ComplaintError(_("只有市级管理员可以分派投诉"))
    note = (note or "").strip()
    if len(note) < 2:
        raise ComplaintError(_("分派说明：必须填写分派依据"), "note")
    department = Department.objects.filter(code=department_code).first()
    if department is None:
        raise ComplaintError(_("承办部门：%(code)s 不存在") % {"code": department_code or _("（空）")}, "department")
    complaint = _locked(actor, complaint_id)
    if not complaint.is_open or complaint.status == ComplaintStatus.TO_CLUE:
        raise ComplaintError(_("不能分派：投诉当前为“%(status)s”") % {"status": complaint.get_status_display()})
    if district_code:
        district = Region.objects.filter(code=district_code, level=Region.Level.DISTRICT).first()
        if district is None:
            raise ComplaintError(_("承办区：%(code)s 不是区县代码") % {"code": district_code}, "district")
        complaint.district = district
    if category:
        on = timezone.localtime(complaint.received_at).date()
        if category not in responsibility.complaint_categories(on):
            raise ComplaintError(_("投诉类别：%(code)s 不是可选的类别") % {"code": category}, "category")
        complaint.category = category
    now = timezone.now()
    before = {k: v for k, v in (complaint.routing or {}).items() if k != "history"}
    complaint.routing = {"by": "manual", "department": department.code, "district": complaint.district.code,
                         "category": complaint.category, "note": note[:500], "at": now.isoformat(),
                         "user": getattr(actor, "username", ""),
                         "history": [*(complaint.routing or {}).get("history", []), {**before, "until": now.isoformat()}]}  # fmt: skip
    complaint.department = department
    if not writable(actor, complaint):
        raise OutOfScope()
    complaint.save(update_fields=["department", "district", "category", "routing", "updated_at"])
    audit_record(actor=actor, action="complaints.complaint.route", object_type="complaint", object_id=complaint.pk,
                 data={"status": complaint.status, "from": before.get("department"), "to": department.code,
                       "district": complaint.district.code, "note": note[:500]})  # fmt: skip
    return complaint


# --------------------------------------------------------------------------- API keys


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _system_user(prefix: str, department: Department) -> Any:
    """The key's system user: a partner officer of its department over the whole city, who cannot sign in."""
    from django.contrib.auth import get_user_model

    from weijian.core.models import Profile
    from weijian.core.selectors import home_city_code

    user = get_user_model().objects.create_user(f"apikey-{prefix}", password=None, is_active=False)
    Profile.objects.create(user=user, role=Role.PARTNER_OFFICER, department=department,
                           region=Region.objects.filter(code=home_city_code()).first())  # fmt: skip
    return user


@transaction.atomic
def api_key_create(*, actor: Any, name: str, department_code: str, per_minute: int | None = None) -> tuple[ApiKey, str]:
    """A new partner key; returns the record and the key itself, which is shown once and never stored."""
    department = Department.objects.filter(code=department_code).first()
    if department is None:
        raise ComplaintError(_("部门：%(code)s 不存在") % {"code": department_code}, "department")
    name = (name or "").strip() or department.name
    limit = per_minute if per_minute is not None else rules.limits(timezone.localdate()).open311_per_minute
    if limit < 1:
        raise ComplaintError(_("每分钟请求上限：应为正整数"), "per_minute")
    for _attempt in range(CODE_TRIES):
        key = "wj_" + secrets.token_urlsafe(30)
        prefix = key[3:11]
        if not prefix.startswith("-") and not ApiKey.objects.filter(prefix=prefix).exists():
            break  # (a prefix starting with "-" would read as an option on the command line: `apikey revoke`)
    record = ApiKey.objects.create(name=name[:100], prefix=prefix, key_sha256=hash_key(key), department=department,
                                   per_minute=limit, user=_system_user(prefix, department))  # fmt: skip
    audit_record(actor=actor, action="complaints.apikey.create", object_type="apikey", object_id=record.pk,
                 data={"name": record.name, "prefix": prefix, "department": department.code, "per_minute": limit})  # fmt: skip
    return record, key


def api_key_lookup(key: str) -> ApiKey | None:
    """The active key with this value (compared by its SHA-256), or None."""
    key = (key or "").strip()
    if not key.startswith("wj_") or len(key) > 100:
        return None
    found = ApiKey.objects.select_related("department", "user").filter(prefix=key[3:11], active=True).first()
    if found is None or not secrets.compare_digest(found.key_sha256, hash_key(key)):
        return None
    return found

