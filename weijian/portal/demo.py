"""Demo data of the disclosures (``weijian demo``): a few penalty disclosures of the demo district, so the portal's
penalty pages and the staff list have something to show before the case workflow publishes real decisions. Each
uses a registry institution as its source (a throwaway source, as the tests do). Idempotent; never used outside
the demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from weijian.portal import disclosure
from weijian.portal.models import Disclosure
from weijian.registry.models import Institution

DEMO_RIC = "11010519491231002X"  # a made-up 居民身份证 number with a valid check character (shown masked)


def _authority_code(district_code: str) -> str:
    base = f"11{district_code}002419800"
    return base + uscc.calc_check_digit(base)


TEXT = {
    "representative": "演示法定代表人",  # i18n: data
    "number": "演示卫罚〔{year}〕{n:03d}号",  # i18n: data
    "violation": "使用非卫生技术人员从事医疗卫生技术工作",  # i18n: data
    "facts": "演示数据：安排未取得执业资格的人员从事诊疗活动。",  # i18n: data
    "basis": "《医疗机构管理条例》第四十七条",  # i18n: data
    "content": "警告，罚款人民币5000元",  # i18n: data
    "authority": "{district}卫生健康委员会",  # i18n: data
    "warning": "警告",  # i18n: data
}
PERSON = {
    "party_name": "刘某某",  # i18n: data
    "id_type": "居民身份证",  # i18n: data
    "violation_type": "非医师行医",  # i18n: data
    "penalty_content": "没收违法所得并处罚款",  # i18n: data
    "party_type": "natural_person", "party_code": None, "legal_representative": None, "id_number": DEMO_RIC,
    "penalty_kinds": ["fine", "confiscate_income"], "fine_amount": "2", "confiscated_amount": "0.12",
}


def _fields(institution: Institution, number: int, **changes: Any) -> dict[str, Any]:
    region = institution.district
    fields: dict[str, Any] = {
        "party_name": institution.name, "party_type": "legal_person", "party_code": institution.uscc,
        "legal_representative": TEXT["representative"],
        "decision_number": TEXT["number"].format(year=timezone.localdate().year, n=number),
        "violation_type": TEXT["violation"], "facts": TEXT["facts"], "basis": TEXT["basis"],
        "penalty_kinds": ["warning", "fine"], "penalty_content": TEXT["content"], "fine_amount": "0.5",
        "authority": TEXT["authority"].format(district=region.name), "authority_code": _authority_code(region.code),
    }  # fmt: skip
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


@transaction.atomic
def demo_disclosures_setup() -> list[str]:
    """Publish the demo's disclosures (once); returns lines to print."""
    manager = get_user_model().objects.filter(username="district_manager").first()
    if manager is None or not hasattr(manager, "profile") or Disclosure.objects.exists():
        return []
    region, department = manager.profile.region, manager.profile.department
    institutions = list(Institution.objects.filter(district__code__startswith=region.prefix).order_by("pk")[:4])
    if len(institutions) < 4:
        return []
    today = timezone.localdate()
    plan = [
        (institutions[0], _fields(institutions[0], 1), "general", today - dt.timedelta(days=3)),
        (institutions[1], _fields(institutions[1], 2, **PERSON), "serious", today - dt.timedelta(days=30)),
        (institutions[2], _fields(institutions[2], 3, penalty_kinds=["warning"], fine_amount=None,
                                  penalty_content=TEXT["warning"]), "general", today - dt.timedelta(days=10)),
        (institutions[3], _fields(institutions[3], 4), "general", today - dt.timedelta(days=20)),
    ]  # fmt: skip
    made = [
        disclosure.disclosure_publish(actor=manager, kind="penalty", source=source, fields=fields,
                                      decided_on=decided_on, severity=severity, department=department)
        for source, fields, severity, decided_on in plan
    ]  # fmt: skip
    disclosure.disclosure_withdraw(actor=manager, disclosure=made[3], reason=_("演示：行政复议决定撤销"))
    return [_("  演示行政处罚公示：%(count)s 项（/portal/penalties/，一项不予公示，一项已撤下）") % {"count": len(made)}]
