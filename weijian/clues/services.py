"""Writes of the clues app: record a clue (案源线索) with its source and a number of its own.

A clue is numbered ``XS-<district code>-<year>-<6 digits>``, counted per district and year. One source record
(an inspection's checklist line, a work item) gives at most one clue: a second call returns the first.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.clues.models import Clue, ClueSource, ClueStatus
from weijian.core.audit import audit_record
from weijian.core.models import Department, Region
from weijian.core.scope import require_writable
from weijian.registry.models import Institution

NUMBER_TRIES = 5


class ClueError(ValueError):
    """A clue that cannot be recorded; the message names the field and the reason (Chinese)."""


def _next_number(district_code: str, year: int) -> str:
    prefix = f"XS-{district_code}-{year}-"
    last = (
        Clue.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def _district_of(region: Region) -> Region:
    """The district (6-digit code) a region lies in: numbering is per district."""
    current = region
    while current.level not in (Region.Level.DISTRICT, Region.Level.CITY, Region.Level.PROVINCE) and current.parent:
        current = current.parent
    return current


def clue_existing(*, source_kind: str, source_id: int, source_ref: str = "") -> Clue | None:
    return Clue.objects.filter(source_kind=source_kind, source_id=source_id, source_ref=source_ref).first()


@transaction.atomic
def clue_create(
    *,
    actor: Any,
    source_kind: str,
    source_id: int | None,
    facts: str,
    department: Department,
    region: Region | None = None,
    institution: Institution | None = None,
    subject_name: str = "",
    source_ref: str = "",
    source_label: str = "",
    evidence: list[dict[str, Any]] | None = None,
) -> Clue:
    """Record one clue; the same source (kind, id, ref) twice gives back the first clue, unchanged."""
    if source_kind not in ClueSource.values:
        raise ClueError(_("来源：%(source_kind)s 不是已知的线索来源") % {"source_kind": f'{source_kind!r}'})
    facts = (facts or "").strip()
    if len(facts) < 2:
        raise ClueError(_("违法事实：必须填写"))
    if institution is None and not (subject_name or "").strip():
        raise ClueError(_("当事人：未登记的当事人须填写名称"))
    region = region or (institution.district if institution else None)
    if region is None:
        raise ClueError(_("管辖区域：必须填写"))
    if source_id is not None:
        existing = clue_existing(source_kind=source_kind, source_id=source_id, source_ref=source_ref)
        if existing is not None:
            return existing
    clue = Clue(
        source_kind=source_kind, source_id=source_id, source_ref=source_ref, source_label=source_label[:300],
        institution=institution, subject_name=(subject_name or (institution.name if institution else ""))[:200],
        region=region, department=department, facts=facts, evidence=list(evidence or []),
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    require_writable(actor, clue, linked=(institution,))
    district = _district_of(region)
    year = timezone.localdate().year
    for _attempt in range(NUMBER_TRIES):
        clue.number = _next_number(district.code, year)
        try:
            with transaction.atomic():
                clue.save()
            break
        except IntegrityError:
            if source_id is not None:
                existing = clue_existing(source_kind=source_kind, source_id=source_id, source_ref=source_ref)
                if existing is not None:
                    return existing
            clue.pk = None
    else:
        raise ClueError(_("线索编号：生成编号冲突，请重试"))
    audit_record(
        actor=actor, action="clues.clue.create", object_type="clue", object_id=clue.pk,
        data={"number": clue.number, "source_kind": source_kind, "source_id": source_id, "source_ref": source_ref,
              "institution": institution.uscc if institution else None, "department": department.code,
              "region": region.code, "evidence": [e.get("sha256") for e in clue.evidence if e.get("sha256")]},
    )  # fmt: skip
    return clue


CLUE_FLOW = {
    ClueStatus.NEW: (ClueStatus.VERIFYING, ClueStatus.CASE, ClueStatus.CLOSED),
    ClueStatus.VERIFYING: (ClueStatus.CASE, ClueStatus.CLOSED),
}


@transaction.atomic
def clue_set_status(*, actor: Any, clue: Clue, status: str, reason: str = "") -> Clue:
    """Move a clue along its flow (待核查 → 核查中 → 已立案 / 不予立案); 不予立案 keeps its reason."""
    clue = Clue.objects.select_for_update(of=("self",)).get(pk=clue.pk)
    require_writable(actor, clue)
    if status not in CLUE_FLOW.get(clue.status, ()):
        raise ClueError(
            _("状态：线索处于「%(current)s」，不能改为「%(status)s」")
            % {"current": ClueStatus(clue.status).label, "status": ClueStatus(status).label if status in ClueStatus.values else status}
        )
    reason = (reason or "").strip()
    if status == ClueStatus.CLOSED and len(reason) < 2:
        raise ClueError(_("不予立案理由：必须填写"))
    clue.status, clue.status_reason = status, reason
    clue.save(update_fields=["status", "status_reason", "updated_at"])
    audit_record(actor=actor, action="clues.clue.status", object_type="clue", object_id=clue.pk,
                 data={"number": clue.number, "status": status, "reason": reason})  # fmt: skip
    return clue
