"""Demo accounts, one per role, for ``make demo``. Never used outside the demo."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext

from weijian.core import otp
from weijian.core.audit import audit_record
from weijian.core.models import Department, Profile, Region, Role
from weijian.core.roles import STAFF_ROLES, role_groups_sync
from weijian.core.selectors import city_districts, home_city_code

DEMO_PASSWORD = "weijian-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    description: str


def _busiest_districts() -> list[Region]:
    return list(
        city_districts(home_city_code())
        .annotate(n=Count("institutions"))
        .filter(n__gt=0)
        .order_by("-n", "code")[:2]
    )


@transaction.atomic
def demo_accounts_setup() -> list[DemoAccount]:
    """Create (or reset) the demo users; returns what to print."""
    from weijian.registry.models import Institution

    districts = _busiest_districts() or list(city_districts(home_city_code())[:2])
    district_a, district_b = districts[0], districts[-1]
    city = district_a.parent
    health = Department.objects.get(code="health")
    market = Department.objects.get(code="market")
    insurance = Department.objects.filter(code="insurance").first()
    institution = Institution.objects.filter(district=district_a, kind="clinic").order_by("uscc").first()
    city_name = city.name if city else gettext("全市")
    institution_name = institution.name if institution else gettext("未绑定")
    plan = [
        ("city_admin", Role.CITY_ADMIN, health, city, None,
         gettext("市级管理员（%(city)s，可进入后台维护主体库）") % {"city": city_name}),
        ("district_manager", Role.DISTRICT_MANAGER, health, district_a, None,
         gettext("%(district)s卫生监督所科室负责人") % {"district": district_a.name}),
        ("inspector_a", Role.INSPECTOR, health, district_a, None, gettext("%(district)s监督员") % {"district": district_a.name}),
        ("inspector_b", Role.INSPECTOR, health, district_b, None, gettext("%(district)s监督员") % {"district": district_b.name}),
        ("partner_market", Role.PARTNER_OFFICER, market, city, None, gettext("市场监管部门工作人员")),
        *([("partner_insurance", Role.PARTNER_OFFICER, insurance, city, None,
            gettext("医保部门工作人员（录入医保支付资格记分）"))] if insurance else []),
        ("institution_user", Role.INSTITUTION_USER, None, None, institution,
         gettext("医疗机构用户（%(institution)s）") % {"institution": institution_name}),
        ("public_user", Role.PUBLIC, None, None, None, gettext("公众")),
        ("system_admin", Role.SYSTEM_ADMIN, None, None, None, gettext("系统管理员（账号、参考数据；不接触业务数据与审计日志）")),
        ("security_admin", Role.SECURITY_ADMIN, None, None, None, gettext("安全管理员（角色、权限、登录锁定；不接触业务数据）")),
        ("audit_admin", Role.AUDIT_ADMIN, None, None, None, gettext("审计管理员（只读、校验、导出审计日志）")),
    ]  # fmt: skip
    # The demo people's names are synthetic data (pages show people by name), not messages.
    names = {"city_admin": "陈建国", "district_manager": "周敏", "inspector_a": "王强", "inspector_b": "赵磊",  # i18n: data
             "partner_market": "钱芳", "partner_insurance": "何静", "institution_user": "孙丽", "system_admin": "吴刚", "security_admin": "郑洁",  # i18n: data
             "audit_admin": "冯涛"}  # i18n: data
    groups = role_groups_sync()
    accounts = []
    user_model = get_user_model()
    for username, role, department, region, inst, description in plan:
        user, _ = user_model.objects.get_or_create(username=username)
        demo_password_set(user)
        user.first_name = names.get(username, "")
        user.is_staff = role in STAFF_ROLES
        user.is_superuser = False  # no superuser in daily use: the three administrators split its powers
        user.save()
        user.groups.set([groups[role]] if role in groups else [])
        user.user_permissions.clear()
        Profile.objects.update_or_create(
            user=user, defaults={"role": role, "department": department, "region": region, "institution": inst}
        )
        if role == Role.INSPECTOR and department is not None and region is not None:
            _link_inspector(user, department, region)
        accounts.append(DemoAccount(username, Role(role).label, description))
    audit_record(actor="demo", action="core.demo_accounts.setup", data={"users": [a.username for a in accounts]})
    return accounts


def demo_password_set(user: Any, password: str = DEMO_PASSWORD) -> None:
    """Give a demo account the demo password (unchanged when it has it already: the history rule refuses
    setting the same password again)."""
    if not user.has_usable_password() or not user.check_password(password):
        user.set_password(password)


def demo_second_factors_setup(usernames: Iterable[str]) -> list[str]:
    """Enrol the demo accounts that need a second factor with fixed, known secrets (``weijian demo totp``
    prints their current code); returns who was enrolled."""
    enrolled = []
    for user in get_user_model().objects.filter(username__in=list(usernames)).order_by("username"):
        user._weijian_scope = None
        if otp.second_factor_required(user):
            otp.otp_enrol_fixed(user=user, key_hex=otp.demo_secret(user.username))
            enrolled.append(user.username)
    return enrolled


def demo_totp(username: str) -> str | None:
    """The current code of a demo account's authenticator, or None when it has none."""
    device = otp.totp_device(get_user_model().objects.filter(username=username).first())
    return otp.current_code(device) if device is not None else None


def _link_inspector(user: object, department: Department, region: Region) -> None:
    """The demo 监督员 is an officer of the 执法人员名录: the first active inspector of the district and department
    whose 执法证 is valid today (linked once; the record takes the account's name so pages agree)."""
    import datetime as dt

    from weijian.registry.models import Inspector

    if Inspector.objects.filter(user=user).exists():
        return
    today = dt.date.today()
    candidates = Inspector.objects.filter(
        department=department, region=region, active=True, user__isnull=True, badge_valid_from__lte=today
    ).exclude(badge_valid_to__lt=today).order_by("badge_no")
    inspector = candidates.first()
    if inspector is None:
        return
    inspector.user = user
    inspector.name = getattr(user, "first_name", "") or inspector.name
    inspector.refresh_derived()
    inspector.save(update_fields=["user", "name", "search_text", "updated_at"])
