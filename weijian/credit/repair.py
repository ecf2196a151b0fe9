"""Credit repair (信用修复) of a published penalty: request, review with its deadline, decision with reasons, notice.

A request is possible only once the record's minimum period is over and while it is still shown, only where the
rules let it go early at all (not 特定严重, not 吊销 / 停产停业 …: ``publication_windows.yaml``), and only when the
conditions of the 信用修复管理办法 hold: the 失信 act corrected, the penalty's obligations fully performed, a public
信用承诺 made. Otherwise it is refused with the reason and, where there is one, the date it becomes possible.

The review deadline is ``deadlines.yaml`` ``credit.repair_review`` from the filing day. On approval the disclosure
leaves the public view at once (status ``removed_early``, through :func:`weijian.portal.disclosure.
disclosure_remove_early`, which records its own event); the decision's notice is kept on the request for the
applicant. Writes: :func:`repair_request_file`, :func:`repair_request_decide` (one transaction, one audit event of
their own each).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core import deadlines
from weijian.core.audit import audit_record
from weijian.core.models import Role
from weijian.core.scope import OutOfScope, require_writable, scope_of, scoped
from weijian.credit.models_lists import RepairRequest, RepairStatus
from weijian.portal import disclosure as disclosures
from weijian.portal.models import Disclosure, DisclosureStatus
from weijian.registry.models import Institution

MAX_TEXT = 2000
REVIEWERS = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER})


class RepairError(ValueError):
    """A repair request or decision that cannot be made; the message names the field and the reason (Chinese)."""


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def possible_from(disclosure: Disclosure, on: dt.date | None = None) -> tuple[dt.date | None, str]:
    """(the first day a repair request is possible, why not today); ``(None, reason)`` when it never is; the
    reason is "" when a request is possible on ``on``."""
    day = _today(on)
    if disclosure.status != DisclosureStatus.PUBLISHED or disclosure.published_at is None:
        return None, _("公示记录现为%(status)s，无需也不能申请信用修复") % {"status": disclosure.get_status_display()}
    if disclosure.max_until is not None and day > disclosure.max_until:
        return None, _("公示期已于 %(day)s 届满，记录已不再公示") % {"day": disclosure.max_until}
    if not disclosure.early_removal:
        return None, _("按公示规则该记录不得提前移除（特定严重失信或所列处罚种类），公示至 %(day)s 期满自动移除") % {
            "day": disclosure.max_until}  # fmt: skip
    first = (disclosure.min_until + dt.timedelta(days=1)) if disclosure.min_until else day
    if day < first:
        return first, _("最短公示期至 %(min)s，%(day)s 起方可申请信用修复") % {"min": disclosure.min_until, "day": first}
    return first, ""


def _text(value: str, label: str) -> str:
    text = (value or "").strip()
    if len(text) < 2:
        raise RepairError(_("%(label)s：必须填写") % {"label": label})
    if len(text) > MAX_TEXT:
        raise RepairError(_("%(label)s：不能超过 %(n)d 个字") % {"label": label, "n": MAX_TEXT})
    return text


def party_institution(disclosure: Disclosure) -> Institution | None:
    """The registered institution a disclosure is about (by its 统一社会信用代码), if any."""
    code = (disclosure.fields or {}).get("party_code")
    return Institution.objects.filter(uscc=code).first() if code else None


@transaction.atomic
def repair_request_file(
    *, actor: Any, disclosure: Disclosure, correction: str, obligations_done: bool, commitment: str,
    on: dt.date | None = None,
) -> RepairRequest:
    """File a repair request against ``disclosure`` (the institution's user, or an officer for the party)."""
    day = _today(on)
    locked = Disclosure.objects.select_for_update().filter(pk=disclosure.pk).first()
    if locked is None:
        raise RepairError(_("公示记录：不存在"))
    institution = party_institution(locked)
    scope = scope_of(actor)
    if scope.role == Role.INSTITUTION_USER and (institution is None or institution.pk != scope.institution_id):
        raise OutOfScope()
    first, reason = possible_from(locked, day)
    if reason:
        raise RepairError(_("信用修复申请：%(reason)s") % {"reason": reason})
    text_correction = _text(correction, _("失信行为纠正情况"))
    if not obligations_done:
        raise RepairError(_("已履行处罚决定规定的义务：须全部履行后方可申请信用修复（信用修复管理办法）"))
    text_commitment = _text(commitment, _("信用承诺"))
    if RepairRequest.objects.filter(disclosure=locked, status=RepairStatus.FILED).exists():
        raise RepairError(_("信用修复申请：该记录已有待审核的申请"))
    rules: dict[str, Any] = {"possible_from": first.isoformat() if first else None}
    found, why = deadlines.deadline_or_reason("credit.repair_review", day)
    due = found.due_date() if found else None
    if found:
        rules["review"] = {"amount": found.amount, "unit": found.unit, "basis": found.basis}
    else:
        rules["review_note"] = why
    request = RepairRequest(disclosure=locked, institution=institution, region=locked.region,
                            correction=text_correction, obligations_done=True, commitment=text_commitment,
                            filed_on=day, filed_by=actor if getattr(actor, "pk", None) else None, review_due=due,
                            rules=rules)  # fmt: skip
    if scope.role != Role.INSTITUTION_USER:
        require_writable(actor, request, linked=(locked,))
    request.save()
    audit_record(actor=actor, action="credit.repair.file", object_type="repair_request", object_id=request.pk,
                 data={"disclosure": locked.pk, "decision_number": locked.decision_number, "on": day.isoformat(),
                       "review_due": due.isoformat() if due else None})  # fmt: skip
    return request


def _notice(request: RepairRequest, approve: bool, reasons: str, day: dt.date) -> str:
    values = {"number": request.disclosure.decision_number, "party": request.disclosure.party_name,
              "filed": request.filed_on, "day": day, "reasons": reasons}  # fmt: skip
    if approve:
        return _("%(party)s：你单位于 %(filed)s 提出的关于 %(number)s 的信用修复申请，经审核准予修复，"
                 "该行政处罚信息自 %(day)s 起停止公示。理由：%(reasons)s") % values  # fmt: skip
    return _("%(party)s：你单位于 %(filed)s 提出的关于 %(number)s 的信用修复申请，经审核不予修复。"
             "理由：%(reasons)s。如不服，可依法申请行政复议或者提起行政诉讼。") % values  # fmt: skip


@transaction.atomic
def repair_request_decide(
    *, actor: Any, request: RepairRequest, approve: bool, reasons: str, on: dt.date | None = None
) -> RepairRequest:
    """Decide a repair request (an officer of the disclosure's region): approve — the record leaves the public view
    early — or refuse; the reasons are required either way, and the notice is kept on the request."""
    if scope_of(actor).role not in REVIEWERS:
        raise RepairError(_("您的角色不能审核信用修复申请"))
    locked = RepairRequest.objects.select_for_update().select_related("disclosure").filter(pk=request.pk).first()
    if locked is None:
        raise RepairError(_("信用修复申请 %(pk)s 不存在") % {"pk": request.pk})
    require_writable(actor, locked)
    if locked.status != RepairStatus.FILED:
        raise RepairError(_("信用修复申请：已于 %(day)s 作出决定") % {"day": locked.decided_on})
    day = _today(on)
    text = _text(reasons, _("决定理由"))
    if approve:
        try:
            disclosures.disclosure_remove_early(actor=actor, disclosure=locked.disclosure,
                                                reason=_("信用修复：%(reasons)s") % {"reasons": text}, on=day)  # fmt: skip
        except disclosures.DisclosureError as exc:
            raise RepairError(str(exc)) from None
    locked.status = RepairStatus.APPROVED if approve else RepairStatus.REFUSED
    locked.reasons, locked.decided_on = text, day
    locked.decided_late = locked.review_due is not None and day > locked.review_due
    locked.decided_by = actor if getattr(actor, "pk", None) else None
    locked.notice = _notice(locked, approve, text, day)
    locked.save()
    audit_record(actor=actor, action="credit.repair.decide", object_type="repair_request", object_id=locked.pk,
                 data={"approve": approve, "on": day.isoformat(), "reasons": text, "late": locked.decided_late,
                       "disclosure": locked.disclosure_id})  # fmt: skip
    return locked


# --------------------------------------------------------------------------- reads


def request_list(user: Any, *, status: str | None = None) -> QuerySet[RepairRequest]:
    qs = scoped(user, RepairRequest.objects.select_related("disclosure", "institution", "region"))
    if status in RepairStatus.values:
        qs = qs.filter(status=status)
    return qs


def request_detail(user: Any, pk: int) -> RepairRequest:
    found = request_list(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope()
    return found


def repairable_for(user: Any, pk: int) -> Disclosure:
    """A published disclosure the user may file a repair request against (404 otherwise)."""
    scope = scope_of(user)
    qs = Disclosure.objects.filter(pk=pk, published_at__isnull=False)
    if scope.role == Role.INSTITUTION_USER:
        institution = Institution.objects.filter(pk=scope.institution_id).first()
        found = qs.filter(fields__party_code=institution.uscc).first() if institution else None
    else:
        found = scoped(user, qs).first()
    if found is None:
        raise OutOfScope()
    return found


def own_disclosures(user: Any) -> QuerySet[Disclosure]:
    """An institution user's published penalties (what it may ask to repair)."""
    scope = scope_of(user)
    if scope.role != Role.INSTITUTION_USER or scope.institution_id is None:
        return scoped(user, Disclosure.objects.filter(status=DisclosureStatus.PUBLISHED))
    institution = Institution.objects.filter(pk=scope.institution_id).first()
    if institution is None:
        return Disclosure.objects.none()
    return Disclosure.objects.filter(fields__party_code=institution.uscc, status=DisclosureStatus.PUBLISHED)
