"""Writes of the alerts app: dispose of work items (one or many), assign them, route them out of triage,
record the outcome of a referral.

Every write fetches its item through :func:`_locked_item` — scoped to the actor and locked — so an
item outside the actor's scope is refused exactly like one that does not exist. Each service runs in
one transaction and writes one audit event per item it changes. Loading an analytics run is
``weijian.alerts.loading.analytics_run_load`` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.alerts import routing
from weijian.alerts.models import REFERRALS, ItemStatus, Outcome, WorkItem
from weijian.alerts.people import person_name
from weijian.core.audit import audit_record
from weijian.core.models import Department, Role
from weijian.core.scope import scope_of, scoped, writable

DISPOSING_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR, Role.PARTNER_OFFICER}
ASSIGNING_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_MANAGER}
ROUTING_ROLES = {Role.CITY_ADMIN}
DISPOSALS_ORDER = (ItemStatus.CLUE, ItemStatus.INSPECTION, ItemStatus.DISMISSED)
DISPOSALS = set(DISPOSALS_ORDER)
BULK_LIMIT = 200
MIN_REASON = 4


class WorkItemError(ValueError):
    """A change the workflow does not allow; the message says why (in Chinese), ``field`` which input it is
    about (the form's field name, where there is one), so a page can show it beside that field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class WorkItemNotFound(WorkItemError):
    """The item does not exist, or lies outside the actor's data scope (the two are not told apart)."""

    def __init__(self, item_id: Any = "") -> None:
        super().__init__(_("工作项 %(item)s 不存在或不在您的数据权限范围内") % {"item": item_id})


def can_dispose(user: Any) -> bool:
    """Officials dispose of the items in their queue; institutions and the public only read."""
    return scope_of(user).role in DISPOSING_ROLES


def can_assign(user: Any) -> bool:
    return scope_of(user).role in ASSIGNING_ROLES


def can_route(user: Any) -> bool:
    """Only the city office routes items by hand (out of triage, or from one department to another)."""
    return scope_of(user).role in ROUTING_ROLES


def may_work_on(user: Any, item: WorkItem) -> bool:
    """Dispose of it or record its outcome: an inspector only when it is theirs or nobody's."""
    role = scope_of(user).role
    if role not in DISPOSING_ROLES:
        return False
    return role != Role.INSPECTOR or item.assignee_id in (None, getattr(user, "pk", None))


def eligible_assignees(item: WorkItem) -> Any:
    """Active users with the inspector role in the item's department, inside its region (district)."""
    users = get_user_model().objects.filter(is_active=True, profile__role=Role.INSPECTOR)
    if item.department_id is None or item.region_id is None:
        return users.none()
    return users.filter(
        profile__department_id=item.department_id, profile__region__code__startswith=item.region.prefix
    ).select_related("profile")


def start_clock(item: WorkItem, now: dt.datetime) -> None:
    """The item reached a department's queue: its disposal deadline is counted from today (rules data)."""
    deadline = routing.deadline(item.severity, timezone.localtime(now).date())
    item.queued_at, item.deadline, item.deadline_note = now, deadline.due, deadline.note
    item.rules = {**(item.rules or {}), "deadline": deadline.record}


def _locked_item(actor: Any, item_id: Any) -> WorkItem:
    """The one fetch of every write: the item as the actor may see it, locked for the transaction."""
    try:
        pk = int(item_id)
    except (TypeError, ValueError):
        raise WorkItemNotFound(item_id) from None
    item = scoped(actor, WorkItem.objects.select_for_update(of=("self",))).filter(pk=pk).first()
    if item is None or not writable(actor, item):  # the write-side guard: read scope is not enough
        raise WorkItemNotFound(pk)
    return item


def _audit(actor: Any, item: WorkItem, action: str, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor, action=f"alerts.item.{action}", object_type="work_item", object_id=item.pk,
        data={"rule_id": item.rule_id, "institution_code": item.institution_code,
              "period": [item.period_start.isoformat(), item.period_end.isoformat()], **data},
    )  # fmt: skip


def _clean_due(due_date: dt.date | None, *, required: bool) -> dt.date | None:
    if due_date is None:
        if required:
            raise WorkItemError(_("承办期限：必须填写"), "due_date")
        return None
    if due_date < timezone.localdate():
        raise WorkItemError(_("承办期限：不能早于今天（%(date)s）") % {"date": f"{due_date:%Y-%m-%d}"}, "due_date")
    return due_date


def _dispose(item: WorkItem, *, actor: Any, status: str, reason: str, due_date: dt.date | None) -> None:
    if not may_work_on(actor, item):
        raise WorkItemError(_("工作项 %(item)s：该项已指派给他人，您不能处置") % {"item": item.pk})
    if item.in_triage:
        raise WorkItemError(_("工作项 %(item)s：尚在待分派队列，须先由市级分派到责任部门") % {"item": item.pk})
    if item.status != ItemStatus.OPEN:
        raise WorkItemError(
            _("工作项 %(item)s 已处置（%(status)s），不能重复处置") % {"item": item.pk, "status": item.get_status_display()}
        )
    today = timezone.localdate()
    overdue = item.is_overdue(today)
    item.status = status
    item.disposition_reason = reason
    item.disposed_at = timezone.now()
    item.disposed_by = actor if getattr(actor, "pk", None) else None
    # A referral's due date is that of its outcome (none given: none); the assignment's date no longer applies.
    item.due_date = due_date
    item.save(update_fields=["status", "disposition_reason", "disposed_at", "disposed_by", "due_date", "updated_at"])
    _audit(actor, item, str(status), {"reason": reason, "overdue": overdue,
                                      "due_date": due_date.isoformat() if due_date else None})  # fmt: skip


def _refer(item: WorkItem, *, actor: Any, status: str, inspectors: Sequence[Any] | None,
           item_codes: Sequence[str] | None, due_date: dt.date | None) -> None:
    """A referral starts its follow-up in the same transaction: 转定向检查 creates the targeted inspection
    (weijian.inspections), 转为案源线索 the clue (weijian.clues)."""
    if status == ItemStatus.INSPECTION:
        from weijian.inspections.services import (
            InspectionError,
            NoInspectionPossible,
            inspection_from_work_item,
        )

        try:
            inspection_from_work_item(actor=actor, item=item, inspectors=list(inspectors or []),
                                      due_date=due_date, item_codes=list(item_codes or []))  # fmt: skip
        except NoInspectionPossible as exc:  # the referral stands; the office arranges the inspection by hand
            _audit(actor, item, "inspection_pending", {"reason": str(exc)})
        except InspectionError as exc:
            raise WorkItemError(_("工作项 %(pk)s：%(exc)s") % {"pk": item.pk, "exc": exc}) from None
    elif status == ItemStatus.CLUE:
        from weijian.clues.services import ClueError, clue_create

        period = _("%(period_start)s 至 %(period_end)s") % {
            "period_start": f"{item.period_start:%Y-%m-%d}",
            "period_end": f"{item.period_end:%Y-%m-%d}",
        }
        label = _("预警工作项 #%(pk)s · %(rule_name)s") % {"pk": item.pk, "rule_name": item.rule_name}
        facts = _("%(rule_name)s：分析期 %(period)s 共 %(line_count)s 条预警。%(disposition_reason)s") % {
            "rule_name": item.rule_name, "period": period, "line_count": item.line_count,
            "disposition_reason": item.disposition_reason,
        }  # fmt: skip
        try:
            clue_create(
                actor=actor, source_kind="work_item", source_id=item.pk, source_label=label, facts=facts.strip(),
                department=item.department, region=item.region, institution=item.institution,
                subject_name=item.institution.name if item.institution else (item.institution_code or item.group_key),
                evidence=[{"kind": "work_item", "ref": f"work_item:{item.pk}", "label": item.rule_name}],
            )  # fmt: skip
        except ClueError as exc:
            raise WorkItemError(_("工作项 %(pk)s：%(exc)s") % {"pk": item.pk, "exc": exc}) from None


def _check_disposal(actor: Any, status: str, reason: str) -> str:
    if not can_dispose(actor):
        raise WorkItemError(_("您的角色不能处置预警"))
    if status not in DISPOSALS:
        raise WorkItemError(_("处置方式：应为 排除、转为案源线索 或 转定向检查"), "status")
    reason = (reason or "").strip()
    if status == ItemStatus.DISMISSED and len(reason) < MIN_REASON:
        raise WorkItemError(_("处置说明：排除预警必须填写理由（至少%(n)d个字）") % {"n": MIN_REASON}, "reason")
    return reason


@transaction.atomic
def work_item_dispose(
    *, actor: Any, item_id: int, status: str, reason: str, due_date: dt.date | None = None,
    inspectors: Sequence[Any] | None = None, item_codes: Sequence[str] | None = None,
) -> WorkItem:  # fmt: skip
    """Dismiss an item (with a reason), confirm it as a clue for a case, or send it for a targeted inspection.

    A referral (clue, inspection) may set the date by which its outcome is due. 转定向检查 creates the inspection
    (team: ``inspectors``, else the assignee and the disposer; items: ``item_codes``, else the department's first
    item for the unit's kind); 转为案源线索 creates the clue.
    """
    reason = _check_disposal(actor, status, reason)
    due = _clean_due(due_date, required=False) if status in REFERRALS else None
    item = _locked_item(actor, item_id)
    assigned_due = item.due_date
    _dispose(item, actor=actor, status=status, reason=reason, due_date=due)
    _refer(item, actor=actor, status=status, inspectors=inspectors, item_codes=item_codes,
           due_date=due or assigned_due)
    return item


@transaction.atomic
def work_items_dispose(
    *, actor: Any, item_ids: Sequence[Any], status: str, reason: str, due_date: dt.date | None = None,
    inspectors: Sequence[Any] | None = None,
) -> list[WorkItem]:
    """The same disposal for several items at once: all of them, or — if any one is refused — none."""
    reason = _check_disposal(actor, status, reason)
    due = _clean_due(due_date, required=False) if status in REFERRALS else None
    wanted = []
    for raw in item_ids:
        try:
            wanted.append(int(raw))
        except (TypeError, ValueError):
            raise WorkItemNotFound(raw) from None
    wanted = sorted(set(wanted))  # a fixed lock order
    if not wanted:
        raise WorkItemError(_("请至少选择一个工作项"))
    if len(wanted) > BULK_LIMIT:
        raise WorkItemError(
            _("一次最多批量处置 %(limit)d 个工作项（已选 %(n)d 个）") % {"limit": BULK_LIMIT, "n": len(wanted)}
        )
    done, refused = [], []
    for pk in wanted:
        item = _locked_item(actor, pk)
        try:
            assigned_due = item.due_date
            _dispose(item, actor=actor, status=status, reason=reason, due_date=due)
            _refer(item, actor=actor, status=status, inspectors=inspectors, item_codes=None,
                   due_date=due or assigned_due)
        except WorkItemError as exc:
            refused.append(str(exc))
        else:
            done.append(item)
    if refused:
        raise WorkItemError(_("批量处置未执行，以下工作项不能处置：%(reasons)s") % {"reasons": _("；").join(refused)})
    return done


@transaction.atomic
def work_item_assign(*, actor: Any, item_id: int, assignee_id: Any, due_date: dt.date | None) -> WorkItem:
    """Assign an item to a named inspector of its department and district, with the date it is due."""
    if not can_assign(actor):
        raise WorkItemError(_("您的角色不能指派工作项"))
    due = _clean_due(due_date, required=True)
    item = _locked_item(actor, item_id)
    if item.finished:
        raise WorkItemError(_("工作项 %(item)s 已办结，不能再指派") % {"item": item.pk})
    if item.in_triage:
        raise WorkItemError(_("工作项 %(item)s：尚在待分派队列，须先分派到责任部门") % {"item": item.pk})
    if item.deadline is not None and due is not None and due > item.deadline:
        raise WorkItemError(
            _("承办期限：不能晚于处置期限 %(deadline)s（规则 alert_disposal.yaml）") % {"deadline": f"{item.deadline:%Y-%m-%d}"},
            "due_date",
        )
    try:
        assignee = eligible_assignees(item).get(pk=int(assignee_id))
    except (TypeError, ValueError, get_user_model().DoesNotExist):
        raise WorkItemError(_("承办人：应为该工作项责任部门、所属区域内的监督员"), "assignee") from None
    previous = item.assignee
    item.assignee, item.assigned_by, item.assigned_at, item.due_date = assignee, actor, timezone.now(), due
    item.save(update_fields=["assignee", "assigned_by", "assigned_at", "due_date", "updated_at"])
    _audit(actor, item, "assign", {
        "assignee": assignee.username, "assignee_name": person_name(assignee), "due_date": due.isoformat() if due else None,
        "previous": previous.username if previous else None})  # fmt: skip
    return item


@transaction.atomic
def work_item_route(*, actor: Any, item_id: int, department_code: str, note: str) -> WorkItem:
    """Route an item by hand (out of triage, or to another department); the earlier routing stays in its history."""
    if not can_route(actor):
        raise WorkItemError(_("只有市级管理员可以分派工作项"))
    note = (note or "").strip()
    if len(note) < 2:
        raise WorkItemError(_("分派说明：必须填写分派依据"), "note")
    department = Department.objects.filter(code=department_code).first()
    if department is None:
        raise WorkItemError(_("责任部门：%(code)s 不存在") % {"code": department_code or _("（空）")}, "department")
    item = _locked_item(actor, item_id)
    if item.status != ItemStatus.OPEN:
        raise WorkItemError(_("工作项 %(item)s 已处置，不能再分派") % {"item": item.pk})
    if item.department_id == department.pk:
        raise WorkItemError(_("工作项 %(item)s 已在 %(department)s 的队列中") % {"item": item.pk, "department": department.name})
    now = timezone.now()
    before = {**(item.routing or {}), "until": now.isoformat()}
    item.routing_history = [*(item.routing_history or []), before]
    item.routing = {"source": "manual", "department": department.code, "at": now.isoformat(),
                    "by": getattr(actor, "username", str(actor)), "by_name": person_name(actor), "note": note}
    item.department = department
    if not writable(actor, item):  # the new department × region must be inside the actor's scope too
        raise WorkItemNotFound(item.pk)
    item.assignee, item.assigned_by, item.assigned_at, item.due_date = None, None, None, None
    start_clock(item, now)
    item.save()
    _audit(actor, item, "route", {"from": before.get("department"), "to": department.code, "note": note,
                                  "deadline": item.deadline.isoformat() if item.deadline else None})  # fmt: skip
    return item


@transaction.atomic
def work_item_record_outcome(*, actor: Any, item_id: int, outcome: str, note: str) -> WorkItem:
    """Record what came of a referred item (查实 / 未查实, with a note); the item is then finished."""
    if not can_dispose(actor):
        raise WorkItemError(_("您的角色不能登记查处结果"))
    if outcome not in Outcome.values:
        raise WorkItemError(_("查处结果：应为 查实 或 未查实"), "outcome")
    note = (note or "").strip()
    if len(note) < 2:
        raise WorkItemError(_("结果说明：必须填写"), "note")
    item = _locked_item(actor, item_id)
    if not may_work_on(actor, item):
        raise WorkItemError(_("工作项 %(item)s：该项已指派给他人，您不能登记结果") % {"item": item.pk})
    if not item.awaiting_outcome:
        raise WorkItemError(
            _("工作项 %(item)s 不在等待查处结果（%(status)s）") % {"item": item.pk, "status": item.get_status_display()}
        )
    overdue = item.is_overdue(timezone.localdate())
    item.outcome, item.outcome_note, item.outcome_at, item.outcome_by = outcome, note, timezone.now(), actor
    item.save(update_fields=["outcome", "outcome_note", "outcome_at", "outcome_by", "updated_at"])
    _audit(actor, item, "outcome", {"outcome": outcome, "note": note, "overdue": overdue})
    return item


@transaction.atomic
def work_item_outcome_from_inspection(
    *, actor: Any, item_id: int, confirmed: bool, inspection_id: int, note: str
) -> WorkItem | None:
    """The targeted inspection of a referred item has closed: its outcome is the item's (查实 when a line was
    non-compliant, else 未查实). Written by whoever closed the inspection, whether or not the item is theirs;
    an item that already has an outcome keeps it (None returned)."""
    item = WorkItem.objects.select_for_update(of=("self",)).filter(pk=item_id).first()
    if item is None or not item.awaiting_outcome:
        return None
    outcome = Outcome.CONFIRMED if confirmed else Outcome.UNFOUNDED
    overdue = item.is_overdue(timezone.localdate())
    item.outcome, item.outcome_note, item.outcome_at = outcome, note[:2000], timezone.now()
    item.outcome_by = actor if getattr(actor, "pk", None) else None
    item.save(update_fields=["outcome", "outcome_note", "outcome_at", "outcome_by", "updated_at"])
    _audit(actor, item, "outcome", {"outcome": outcome, "note": item.outcome_note, "overdue": overdue,
                                    "inspection": inspection_id})  # fmt: skip
    return item


def analytics_run_load(*, folder: Any, actor: Any) -> Any:
    """Load an analytics output folder (see :mod:`weijian.alerts.loading`)."""
    from weijian.alerts.loading import analytics_run_load as load

    return load(folder=folder, actor=actor)
