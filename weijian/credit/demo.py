"""The credit part of the demo city: records pulled from the demo's inspections, cases and complaints (the sync),
plus the story of issue 10 — a clinic at 14 bad-practice points under the Shanghai rule set, notified, objection
filed and decided, grade B → C; a physician at 9 医保 points; then the lists, the repair, the cross-region review
and a physician at 12 points (:mod:`weijian.credit.demo_lists`). Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core import workdays
from weijian.core.models import Role
from weijian.credit.demo_lists import demo_lists_setup
from weijian.credit.facts import CreditFact, credit_record_ingest
from weijian.credit.models import CreditRecord, ObjectionDecision
from weijian.credit.services import (
    credit_grade_recompute,
    insurance_point_record,
    notice_send,
    objection_decide,
    objection_file,
    point_event_record,
)
from weijian.credit.sync import credit_sync
from weijian.registry.models import Institution, InstitutionKind, Registration

MARKER = "demo-credit-story"


def _day(today: dt.date, back: int) -> dt.date:
    """``back`` days before today, but inside this calendar year (the Shanghai cycle)."""
    return max(dt.date(today.year, 1, 2), today - dt.timedelta(days=back))


def _later(day: dt.date, working_days: int) -> dt.date:
    """A story step ``working_days`` after ``day``; in calendar days while the working-day calendar lacks the year
    (early in a year nobody has added yet): the demo's dates are a story, not a deadline."""
    try:
        return workdays.add_working_days(day, working_days)
    except workdays.CalendarYearUnknown:
        return day + dt.timedelta(days=working_days)


def demo_credit_setup() -> list[str]:
    users = get_user_model().objects
    manager = users.filter(username="district_manager", profile__role=Role.DISTRICT_MANAGER).first()
    if manager is None or manager.profile.region is None:
        return []
    synced, _missing = credit_sync(actor="demo")
    lines = [_("信用档案：从检查、案件、投诉汇集 %(n)s 条信用记录") % {"n": synced.created}]
    today = timezone.localdate()
    clinic = (Institution.objects.filter(district=manager.profile.region, kind=InstitutionKind.CLINIC, beds__lt=100)
              .order_by("uscc").first())  # fmt: skip
    if clinic is not None and not CreditRecord.objects.filter(source_kind="partner", source_key=MARKER).exists():
        before = _day(today, 75)
        credit_record_ingest(actor="demo", facts=[CreditFact(
            source_kind="partner", source_key=MARKER, occurred_on=before - dt.timedelta(days=30), severity="general",
            category="penalty", title=_("价格违法行为：未明码标价，警告并罚款"), region_code=clinic.district.code,
            department_code="market", institution_id=clinic.pk, reported_by="partner:market",
        )])  # fmt: skip
        credit_grade_recompute(actor="demo", on=before, institution_ids=[clinic.pk])
        events = [point_event_record(actor=manager, institution=clinic, item_code=item, occurred_on=_day(today, back),
                                     count=count)
                  for item, back, count in (("L07", 60, 1), ("L08", 45, 1), ("L04", 30, 1))]  # fmt: skip
        for event in events:
            sent = _later(event.confirmed_on, 2)
            notice_send(actor=manager, notice=event.notice, sent_on=min(sent, today))
        last = events[-1].notice
        filed = min(_later(last.sent_on, 2), today)
        objection = objection_file(actor="demo", notice=last, filed_on=filed, grounds=_("该科目已有医师执业，系排班原因当日未出诊"))
        objection_decide(actor=manager, objection=objection, decision=ObjectionDecision.REJECTED,
                         reasons=_("经核查，该科目连续三个月未安排执业医师，申辩不成立"),
                         decided_on=min(_later(filed, 3), today))  # fmt: skip
        lines.append(_("信用档案：%(name)s 本周期记分14分（暂缓校验），已送达、申辩并决定，信用等级 B→C")
                     % {"name": clinic.name})
    registration = (Registration.objects.filter(institution__district=manager.profile.region, is_primary=True,
                                                practitioner__kind="physician")
                    .select_related("practitioner", "institution").order_by("pk").first())  # fmt: skip
    if registration is not None and not registration.practitioner.insurance_points.exists():
        for band, points, back, reason in (("general", 5, 50, _("串换药品收费")), ("general", 4, 20, _("超医保限定支付范围用药"))):
            insurance_point_record(actor="demo", practitioner=registration.practitioner, band=band, points=points,
                                   occurred_on=_day(today, back), reason=reason, institution=registration.institution)
        lines.append(_("一医一档：%(name)s 本年度医保支付资格记分9分（拟暂停）") % {"name": registration.practitioner.name})
    lines += demo_lists_setup(manager, clinic)
    counts = credit_grade_recompute(actor="demo", on=today)
    lines.append(_("信用等级：评定 %(graded)s 家，变化 %(changed)s 家") % counts)
    return lines
