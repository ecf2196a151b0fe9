"""Demo data of the cases (``weijian demo``): five cases of the demo district at different stages — registered with a
referral to the market department, notified and under the city's 督办, decided and served, transferred to the
police as a suspected crime, and closed after payment. Idempotent: a second run changes nothing. Demo only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.cases import services, transfers
from weijian.cases.models import Case
from weijian.clues.models import ClueSource, ClueStatus
from weijian.clues.services import clue_create
from weijian.core.models import Department, Role
from weijian.core.workdays import CalendarYearUnknown
from weijian.registry.models import Inspector, InspectorConflict, Institution

STAGES = ("registered", "notified", "served", "crime", "closed")
FACTS = {  # i18n: data (synthetic demo facts)
    "registered": "投诉反映该机构超出登记的诊疗科目开展医疗美容项目",  # i18n: data
    "notified": "现场检查发现使用未取得执业资格的人员从事诊疗活动",  # i18n: data
    "served": "医疗废物未分类收集，暂存处无警示标识",  # i18n: data
    "crime": "未取得医疗机构执业许可证擅自执业，涉嫌非法行医罪",  # i18n: data
    "closed": "未按规定公示医疗服务价格",  # i18n: data
}


def _officers(clue: Any) -> list[Inspector]:
    """Two officers of the clue's department and district, 执法证 valid today, no declared conflict with the party."""
    today = timezone.localdate()
    pool = Inspector.objects.filter(department=clue.department, region=clue.region, active=True).order_by("badge_no")
    conflicted = set(InspectorConflict.objects.filter(institution=clue.institution).values_list("inspector_id", flat=True))
    candidates = [*pool.filter(user__isnull=False)[:10], *pool.filter(user__isnull=True)[:50]]  # demo logins first
    return [o for o in candidates if o.badge_valid_on(today) and o.pk not in conflicted][:2]


VIOLATION = "physician_outside_registration"  # 医师法 art. 57, the demo cases' cause


def _photo() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buffer, format="PNG")
    return buffer.getvalue()


def _suggested(case: Case) -> dict[str, Any]:
    """The discretion table's suggestion for the demo violation, general circumstances: its kinds, its lowest fine."""
    from weijian.cases.discretion import suggest

    found = suggest(VIOLATION, "general", illegal_income=None, on=timezone.localdate())
    return {"violation_code": VIOLATION, "circumstance": "general", "kinds": list(found.kinds),
            "fine": str(found.fine_min) if found.fine_min is not None else None}


def _advance(stage: str, case: Case, actor: Any, city: Any) -> None:
    if stage == "registered":
        transfers.case_refer(actor=actor, case=case, department_code="market", note=_("涉及医疗服务价格，请依职责处理"))
        return
    case = services.case_investigate(actor=actor, case=case)
    if stage == "crime":
        transfers.case_transfer_crime(actor=actor, case=case, note=FACTS["crime"])
        return
    services.case_add_evidence(actor=actor, case=case, data=_photo(), kind="photo", note=_("现场照片（演示）"))
    penalty = _suggested(case)
    case = services.case_notify(actor=actor, case=case, **penalty)
    if stage != "notified":  # the demo's older cases: notified three weeks ago, so their statement period has run
        past = timezone.localdate() - dt.timedelta(days=21)
        Case.objects.filter(pk=case.pk).update(registered_on=past - dt.timedelta(days=14), notified_on=past)
        case.refresh_from_db()
    if stage == "notified":
        if city is not None:
            transfers.supervision_start(actor=city, case=case, reason=_("群众反映强烈，市级督办"))
        return
    case = services.case_decide(actor=actor, case=case, **penalty)
    case = services.case_serve(actor=actor, case=case)
    if stage == "closed":
        case = services.case_pay(actor=actor, case=case, paid_on=case.served_on, amount=penalty["fine"])
        services.case_close(actor=actor, case=case)


def demo_cases_setup() -> list[str]:
    """Make the demo cases once; returns what to print."""
    users = get_user_model().objects
    manager = users.filter(username="district_manager", profile__role=Role.DISTRICT_MANAGER).first()
    city = users.filter(username="city_admin", profile__role=Role.CITY_ADMIN).first()
    if manager is None or manager.profile.region is None:
        return []
    health = Department.objects.get(code="health")
    institutions = list(Institution.objects.filter(district=manager.profile.region).order_by("uscc")[: len(STAGES)])
    made, stuck = 0, []
    for number, (stage, institution) in enumerate(zip(STAGES, institutions, strict=False), start=1):
        with transaction.atomic():
            clue = clue_create(actor=manager, source_kind=ClueSource.OTHER, source_id=number, source_ref="demo-case",
                               facts=FACTS[stage], department=health, institution=institution,
                               source_label=_("演示案件"))  # fmt: skip
            if clue.status != ClueStatus.NEW:
                continue
            officers = _officers(clue)
            if len(officers) < 2:
                return [_("演示案件：本区没有两名持有效执法证的执法人员，未生成")]
            case = services.case_register(actor=manager, clue=clue, cause=FACTS[stage][:40],
                                          handler_ids=[o.pk for o in officers],
                                          representative=_("演示负责人"))  # fmt: skip
            try:  # a step refused (late in December, a time limit reaching a year the calendar lacks) ends its story
                with transaction.atomic():
                    _advance(stage, case, manager, city)
            except (services.CaseError, CalendarYearUnknown) as exc:
                stuck.append(_("演示案件：%(case)s 停在立案：%(reason)s") % {"case": case, "reason": exc})
            made += 1
    return [_("演示案件：新建 %(made)s 件（立案、事先告知并督办、已送达、涉嫌犯罪移送、已结案）") % {"made": made}, *stuck]
