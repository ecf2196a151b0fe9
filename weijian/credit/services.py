"""Writes of the credit app: 校验 records, bad-practice points with their notice and objection, 医保 points, grades.

Each service runs in one transaction with one audit event. Bad input is refused with :class:`CreditError`, naming
the field and the reason (Chinese), before anything is written. Scoring never replaces a penalty: a point event
may point at the penalty's credit record, and both stand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core import deadlines
from weijian.core.audit import audit_record
from weijian.core.models import Role
from weijian.core.scope import require_writable, scope_of
from weijian.credit import insurance
from weijian.credit.models import (
    CreditRecord,
    InsurancePointEvent,
    LicenceCheck,
    Objection,
    ObjectionDecision,
    PointEvent,
    PointNotice,
    PointStatus,
)
from weijian.credit.points import rulesets
from weijian.registry.models import Institution, Practitioner

OFFICERS = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR})


class CreditError(ValueError):
    """A credit write that cannot be done; the message names the field and the reason (Chinese)."""


class CreditForbidden(CreditError):
    """The writer's role may not do this write at all (pages answer 403)."""


def _is_user(actor: Any) -> bool:
    return getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) is not None


def _user(actor: Any) -> Any:
    return actor if _is_user(actor) else None


def _guard(actor: Any, obj: Any, *, officers_only: bool = True, linked: tuple[Any, ...] = ()) -> None:
    """Users write only inside their scope (and only officers score); the system (CLI, demo, sync) writes freely."""
    if not _is_user(actor):
        return
    if officers_only and scope_of(actor).role not in OFFICERS:
        raise CreditForbidden(_("权限：只有卫生监督人员可以办理"))
    require_writable(actor, obj, linked=linked)


def configured_rule_set() -> str:
    """The rule set this office uses (setting ``CREDIT_POINT_RULE_SET``)."""
    return str(getattr(settings, "CREDIT_POINT_RULE_SET", "shanghai_2007"))


def _not_after_today(day: dt.date, field: str) -> None:
    today = timezone.localdate()
    if day > today:
        raise CreditError(_("%(field)s：不能晚于今天 %(day)s") % {"field": field, "day": today.isoformat()})


def _regrade(institution_id: int) -> dict[str, Any]:
    """Grade one institution as of today inside the caller's transaction (a new CreditGrade row only where the
    grade or score changed); what the caller's audit event records about it."""
    from weijian.credit.recompute import grades_as_of, write_changes

    on = timezone.localdate()
    results = grades_as_of(on, [institution_id])
    changed = write_changes(results, on)
    result = results[institution_id].result
    return {"on": on.isoformat(), "grade": result.grade, "score": result.score, "changed": bool(changed)}


def licence_check_record(*, actor: Any, institution: Institution, checked_on: dt.date, passed: bool = True,
                         note: str = "") -> LicenceCheck:  # fmt: skip
    """Record one 校验 (a passed one starts a new point cycle on its date) and regrade the institution."""
    _not_after_today(checked_on, _("校验日期"))
    note = (note or "").strip()
    limit = LicenceCheck._meta.get_field("note").max_length or 0
    if len(note) > limit:
        raise CreditError(_("说明：不能超过 %(n)s 个字") % {"n": limit})
    check = LicenceCheck(institution=institution, checked_on=checked_on, passed=passed, note=note,
                         recorded_by=_user(actor))  # fmt: skip
    _guard(actor, check)
    with transaction.atomic():
        check.save()
        grade = _regrade(institution.pk)
        audit_record(actor=actor, action="credit.licence_check.record", object_type="credit.licencecheck",
                     object_id=check.pk, data={"institution": institution.pk, "checked_on": checked_on.isoformat(),
                                               "passed": passed, "grade": grade})  # fmt: skip
    return check


def point_event_record(*, actor: Any, institution: Institution, item_code: str, occurred_on: dt.date,
                       confirmed_on: dt.date | None = None, count: int = 1, note: str = "",
                       record: CreditRecord | None = None, rule_set_code: str | None = None) -> PointEvent:  # fmt: skip
    """Score one behaviour under the office's rule set, open its notice (due within the working days of
    ``deadlines.yaml`` credit.points_notice from the day the behaviour was confirmed) and regrade the institution,
    all in one transaction with one audit event."""
    confirmed_on = confirmed_on or occurred_on
    _not_after_today(occurred_on, _("行为日期"))
    _not_after_today(confirmed_on, _("确认日期"))
    if confirmed_on < occurred_on:
        raise CreditError(_("确认日期：不能早于行为日期 %(day)s") % {"day": occurred_on.isoformat()})
    if count < 1:
        raise CreditError(_("人数或科目数：至少为1"))
    try:
        chosen = rulesets.rule_set(rule_set_code or configured_rule_set(), occurred_on)
    except rulesets.RuleSetError as exc:
        raise CreditError(str(exc)) from exc
    if not chosen.covers(institution.district.code):
        raise CreditError(_("记分规则：“%(set)s”不适用于 %(region)s 的机构") % {"set": chosen.label,
                                                                     "region": institution.district.name})
    try:
        item = chosen.item(item_code)
    except rulesets.RuleSetError as exc:
        raise CreditError(str(exc)) from exc
    count = 1 if item.unit == "per_event" else count
    event = PointEvent(
        institution=institution, rule_set=chosen.code, rule_version=chosen.effective_from, item_code=item.code,
        behaviour=item.behaviour[:200], count=count, points=item.points * count, occurred_on=occurred_on,
        confirmed_on=confirmed_on, record=record, note=note[:300], rules=chosen.record(), created_by=_user(actor),
    )  # fmt: skip
    _guard(actor, event, linked=(record,))
    notice_due, notice_rules = _due("credit.points_notice", confirmed_on)
    with transaction.atomic():
        event.save()
        notice = PointNotice.objects.create(event=event, due_on=notice_due, rules=notice_rules)
        grade = _regrade(institution.pk)
        audit_record(actor=actor, action="credit.points.record", object_type="credit.pointevent", object_id=event.pk,
                     data={"institution": institution.pk, "rule_set": chosen.code, "item": item.code,
                           "points": event.points, "occurred_on": occurred_on.isoformat(),
                           "notice_due": _iso(notice.due_on), "grade": grade})  # fmt: skip
    return event


def _due(code: str, start: dt.date) -> tuple[dt.date | None, dict[str, Any]]:
    """The last day of deadline ``code`` counted from ``start``, and what the record keeps of it. No day, and
    the reason, while the working-day calendar does not know that day's year: never guessed, never a 500 (the
    record is made; the day is counted again when the notice is served or the objection decided)."""
    found, why = deadlines.deadline_or_reason(code, start)
    if found is None:
        return None, {"deadline": code, "note": why}
    return found.due_date(), {"deadline": code, "basis": found.basis}


def _recounted(kept: dict[str, Any] | None, counted: dict[str, Any]) -> dict[str, Any]:
    """A record's rules after its deadline was counted again: the old reason it was open goes."""
    return {**{k: v for k, v in (kept or {}).items() if k != "note"}, **counted}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def notice_send(*, actor: Any, notice: PointNotice, sent_on: dt.date) -> PointNotice:
    """Record the day the 记分通知书 was served (late when after its due day, kept so)."""
    if notice.sent_on is not None:
        raise CreditError(_("送达日期：该通知已于 %(day)s 送达") % {"day": notice.sent_on.isoformat()})
    if sent_on < notice.event.confirmed_on:
        raise CreditError(_("送达日期：不能早于确认日期 %(day)s") % {"day": notice.event.confirmed_on.isoformat()})
    _guard(actor, notice.event)
    if notice.due_on is None:  # the calendar may know the year by now
        notice.due_on, rules = _due("credit.points_notice", notice.event.confirmed_on)
        notice.rules = _recounted(notice.rules, rules)
    with transaction.atomic():
        notice.sent_on, notice.sent_by = sent_on, _user(actor)
        notice.sent_late = notice.due_on is not None and sent_on > notice.due_on
        notice.save(update_fields=["sent_on", "sent_late", "sent_by", "due_on", "rules"])
        audit_record(actor=actor, action="credit.notice.send", object_type="credit.pointnotice", object_id=notice.pk,
                     data={"sent_on": sent_on.isoformat(), "late": notice.sent_late})  # fmt: skip
    return notice


def objection_due(notice: PointNotice) -> dt.date | None:
    """The last day to object: the working days of credit.objection after the notice was served (None before it
    is served, or while the working-day calendar does not know the year of that day)."""
    return _due("credit.objection", notice.sent_on)[0] if notice.sent_on else None


def objection_file(*, actor: Any, notice: PointNotice, filed_on: dt.date, grounds: str) -> Objection:
    """File the 申辩: after the notice is served and on or before its last day; refused with the dates otherwise."""
    grounds = (grounds or "").strip()
    if len(grounds) < 2:
        raise CreditError(_("申辩理由：必须填写"))
    if Objection.objects.filter(notice=notice).exists():
        raise CreditError(_("申辩：该记分已提出过申辩"))
    if notice.sent_on is None:
        raise CreditError(_("提出日期：记分通知书尚未送达，送达后方可申辩"))
    if filed_on < notice.sent_on:
        raise CreditError(_("提出日期：记分通知书于 %(day)s 送达，自该日起方可申辩") % {"day": notice.sent_on.isoformat()})
    last = objection_due(notice)  # a limit the calendar cannot count yet refuses nobody
    if last is not None and filed_on > last:
        raise CreditError(_("提出日期：申辩期限已于 %(day)s 届满，不再受理") % {"day": last.isoformat()})
    decide_due, decide_rules = _due("credit.objection_decide", filed_on)
    objection = Objection(notice=notice, filed_on=filed_on, grounds=grounds, decide_due=decide_due,
                          filed_by=_user(actor), rules={**decide_rules, "filed_by_due": _iso(last)})  # fmt: skip
    _guard(actor, notice.event, officers_only=False)
    with transaction.atomic():
        objection.save()
        audit_record(actor=actor, action="credit.objection.file", object_type="credit.objection",
                     object_id=objection.pk, data={"notice": notice.pk, "filed_on": filed_on.isoformat(),
                                                   "decide_due": _iso(objection.decide_due)})  # fmt: skip
    return objection


def objection_decide(*, actor: Any, objection: Objection, decision: str, reasons: str,
                     decided_on: dt.date) -> Objection:  # fmt: skip
    """Decide the 申辩 with reasons: upheld cancels the points (kept, marked), rejected keeps them; the institution
    is regraded in the same transaction."""
    reasons = (reasons or "").strip()
    if objection.decision:
        raise CreditError(_("决定：该申辩已于 %(day)s 作出决定") % {"day": objection.decided_on})
    if decision not in ObjectionDecision.values:
        raise CreditError(_("决定：请选择申辩成立或不成立"))
    if len(reasons) < 2:
        raise CreditError(_("决定理由：必须填写"))
    if decided_on < objection.filed_on:
        raise CreditError(_("决定日期：不能早于申辩日期 %(day)s") % {"day": objection.filed_on.isoformat()})
    event = objection.notice.event
    _guard(actor, event)
    if objection.decide_due is None:  # the calendar may know the year by now
        objection.decide_due, rules = _due("credit.objection_decide", objection.filed_on)
        objection.rules = _recounted(objection.rules, rules)
    with transaction.atomic():
        objection.decision, objection.reasons, objection.decided_on = decision, reasons, decided_on
        objection.decided_by = _user(actor)
        objection.decided_late = objection.decide_due is not None and decided_on > objection.decide_due
        objection.save(update_fields=["decision", "reasons", "decided_on", "decided_late", "decided_by",
                                      "decide_due", "rules"])  # fmt: skip
        if decision == ObjectionDecision.UPHELD:
            event.status = PointStatus.CANCELLED
            event.save(update_fields=["status"])
        grade = _regrade(event.institution_id)
        audit_record(actor=actor, action="credit.objection.decide", object_type="credit.objection",
                     object_id=objection.pk, data={"decision": decision, "decided_on": decided_on.isoformat(),
                                                   "late": objection.decided_late, "grade": grade})  # fmt: skip
    return objection


def insurance_recorders(on: dt.date) -> frozenset[str]:
    """The departments whose officers record 医保 points (``insurance_points.yaml`` rules ``recorded_by``)."""
    return frozenset(str(code) for code in insurance.rules(on).get("recorded_by", ()))


def may_record_insurance_points(actor: Any, on: dt.date | None = None) -> bool:
    """Users record 医保 points only as officers of a department the rules name; the system records freely."""
    if not _is_user(actor):
        return True
    scope = scope_of(actor)
    return scope.role == Role.PARTNER_OFFICER and scope.department_code in insurance_recorders(
        on or timezone.localdate())  # fmt: skip


def insurance_point_record(*, actor: Any, practitioner: Practitioner, band: str, points: int, occurred_on: dt.date,
                           reason: str, institution: Institution | None = None,
                           record: CreditRecord | None = None) -> InsurancePointEvent:  # fmt: skip
    """Score a practitioner's 医保 points (the band's range, 医保发〔2024〕23号), entered by the departments the rules
    name (``recorded_by``); the institution the act happened at must be one the practitioner is registered at."""
    if not may_record_insurance_points(actor, occurred_on):
        raise CreditForbidden(_("权限：医保支付资格记分由医保部门录入，卫生健康部门查阅"))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise CreditError(_("记分事由：必须填写"))
    limit = InsurancePointEvent._meta.get_field("reason").max_length or 0
    if len(reason) > limit:
        raise CreditError(_("记分事由：不能超过 %(n)s 个字") % {"n": limit})
    _not_after_today(occurred_on, _("行为日期"))
    try:
        insurance.check_points(band, points, occurred_on)
    except insurance.InsurancePointsError as exc:
        raise CreditError(str(exc)) from exc
    registrations = practitioner.registrations.select_related("institution__district")
    if institution is not None and not registrations.filter(institution=institution).exists():
        raise CreditError(_("发生机构：该执业人员未在 %(name)s 执业注册") % {"name": institution.name})
    region = institution.district if institution is not None else None
    if region is None:
        registration = registrations.order_by("-is_primary", "-pk").first()
        if registration is None:
            raise CreditError(_("发生机构：该执业人员没有执业注册，请指明发生机构"))
        region = registration.institution.district
    event = InsurancePointEvent(practitioner=practitioner, institution=institution, region=region, band=band,
                                points=points, occurred_on=occurred_on, reason=reason, record=record,
                                rules={"file": "insurance_points.yaml"}, created_by=_user(actor))  # fmt: skip
    _guard(actor, event, officers_only=False)
    with transaction.atomic():
        event.save()
        audit_record(actor=actor, action="credit.insurance_points.record", object_type="credit.insurancepointevent",
                     object_id=event.pk, data={"practitioner": practitioner.pk, "band": band, "points": points,
                                               "occurred_on": occurred_on.isoformat(),
                                               "institution": institution.pk if institution else None})  # fmt: skip
    return event


def credit_grade_recompute(*, actor: Any, on: dt.date | None = None,
                           institution_ids: Iterable[int] | None = None) -> dict[str, int]:  # fmt: skip
    """Grade every institution (or those given) as of ``on``; a new CreditGrade row only where the grade or score changed."""
    from weijian.credit.recompute import grades_as_of, write_changes

    on = on or timezone.localdate()
    with transaction.atomic():
        results = grades_as_of(on, institution_ids)
        changed = write_changes(results, on)
        audit_record(actor=actor, action="credit.grade.recompute", object_type="credit.creditgrade",
                     data={"on": on.isoformat(), "graded": len(results), "changed": changed})  # fmt: skip
    return {"graded": len(results), "changed": changed}
