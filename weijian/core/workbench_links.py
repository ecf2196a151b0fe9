"""The core's own workbench cards: the back office for the administrators and the city office, the public
pages for the public."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from weijian.core.models import ADMINISTRATOR_ROLES, Role
from weijian.core.scope import scope_of
from weijian.core.workbench import Card, CardRow, Group, provider

BACK_OFFICE_ROLES = frozenset({Role.CITY_ADMIN, *ADMINISTRATOR_ROLES})


def _duties(role: str) -> list[str]:
    if role == Role.SYSTEM_ADMIN:
        return [_("账号（新建、停用、重置密码）"), _("参考数据：行政区划、部门及其职责、诊疗科目")]
    if role == Role.SECURITY_ADMIN:
        return [_("角色（用户身份）与权限组"), _("登录失败锁定记录")]
    if role == Role.AUDIT_ADMIN:
        return [_("审计日志：查看、校验哈希链、导出")]
    return [_("主体库：医疗机构、执业人员、执法人员的维护"), _("分析运行与风险分（只读）")]


@provider
def back_office(user: Any) -> Card | None:
    """The city office and the three administrators keep part of their work in the back office."""
    role = scope_of(user).role
    if role not in BACK_OFFICE_ROLES or not getattr(user, "is_staff", False):
        return None
    note = (
        _("管理员不查看、不处理业务数据（三权分立）；您的工作在后台管理中完成。")
        if role in ADMINISTRATOR_ROLES else _("主体库的维护与分析结果在后台管理中。")
    )  # fmt: skip
    return Card(
        key="core.back_office", title=_("进入后台管理"), url=reverse("admin:index"), note=note,
        rows=tuple(CardRow(text) for text in _duties(role)), group=Group.LINKS, rank=10,
    )  # fmt: skip


def portal_url() -> str | None:
    """The public portal's home page, once the portal app is installed."""
    try:
        return reverse("portal:home")
    except NoReverseMatch:
        return None


@provider
def public_pages(user: Any) -> Card | None:
    """The public see no supervision records here: point them to what is published for them."""
    if scope_of(user).role != Role.PUBLIC:
        return None
    url = portal_url()
    if url:
        return Card(
            key="core.portal", title=_("公众服务"), url=url, group=Group.LINKS, rank=10,
            note=_("查看随机抽查计划、抽取记录（可下载复核）和公示的检查结果。"),
        )  # fmt: skip
    return Card(
        key="core.portal", title=_("公众服务"), group=Group.LINKS, rank=10,
        note=_("公众账号不查看监管业务数据。机构信息、行政处罚和抽查结果的公示，以及投诉举报，将在公众门户提供。"),
        rows=(CardRow(_("医疗机构、执业人员的执业登记信息，以卫生健康行政部门公开的名录为准。")),),
    )  # fmt: skip
