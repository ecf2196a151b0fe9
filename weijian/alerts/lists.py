"""The work-item queue, declared once with the list component (:mod:`weijian.core.lists`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from weijian.alerts import selectors
from weijian.alerts.evidence import english
from weijian.alerts.models import Severity
from weijian.analytics.registry import RULES
from weijian.core.lists import Column, Filter, ListSpec
from weijian.core.selectors import districts_in_scope


def _view(request: HttpRequest) -> str:
    view = request.GET.get("view", "open")
    return view if view in selectors.VIEWS else "open"


def _rules(request: HttpRequest) -> list[tuple[str, str]]:
    """Every analytics rule, those with items in the current tab first (with their counts): a rule without
    items here still filters (to nothing) instead of being ignored."""
    counted = selectors.item_rule_counts(request.user, _view(request))
    seen = {r["rule_id"] for r in counted}
    options = [(r["rule_id"], _("%(name)s（%(n)s）") % {"name": r["rule_name"], "n": r["n"]}) for r in counted]
    en = english()
    return options + [(rule_id, rule.name_en if en else rule.name_zh) for rule_id, rule in RULES.items()
                      if rule_id not in seen]  # fmt: skip


def _districts(request: HttpRequest) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in districts_in_scope(request.user)]


def _by_due(queryset: QuerySet[Any], descending: bool, request: HttpRequest) -> QuerySet[Any]:
    due = selectors.DUE.desc(nulls_last=True) if descending else selectors.DUE.asc(nulls_last=True)
    return queryset.order_by(due, selectors.SEVERITY_RANK, "pk")


def _by_severity(queryset: QuerySet[Any], descending: bool, request: HttpRequest) -> QuerySet[Any]:
    rank = selectors.SEVERITY_RANK.desc() if descending else selectors.SEVERITY_RANK.asc()
    return queryset.order_by(rank, selectors.DUE.asc(nulls_last=True), "pk")


DUE_CHOICES = (("soon", _("即将到期")), ("overdue", _("已超期")))

WORK_ITEMS = ListSpec(
    columns=(
        Column("rule", _("规则"), sort=("rule_id",), cell="alerts/cells/rule.html", title=True),
        Column("institution", _("机构"), sort=("institution__name_sort", "institution_code"),
               cell="alerts/cells/institution.html", css="wide"),
        Column("lines", _("明细"), sort=("-line_count",), cell="alerts/cells/lines.html"),
        Column("dates", _("日期范围"), sort=("first_date",), cell="alerts/cells/dates.html", phone=False),
        Column("department", _("责任部门"), cell="alerts/cells/department.html", phone=False),
        Column("severity", _("严重程度"), sort=_by_severity, cell="alerts/cells/severity.html"),
        Column("due", _("期限"), sort=_by_due, cell="alerts/cells/due.html"),
        Column("assignee", _("承办人"), cell="alerts/cells/assignee.html"),
        Column("status", _("状态"), cell="alerts/cells/state.html"),
    ),
    filters=(
        Filter("q", _("搜索工作项"), kind="search", placeholder=_("机构名称或代码")),
        Filter("rule", _("规则"), choices=_rules, any_label=_("全部规则")),
        Filter("severity", _("严重程度"), choices=Severity.choices, any_label=_("全部程度")),
        Filter("district", _("区"), choices=_districts, any_label=_("全部区")),
        Filter("due", _("期限"), choices=DUE_CHOICES, any_label=_("全部期限")),
        Filter("assignee", _("承办人"), kind="check", choices=(("me", _("仅我承办的")),)),
        Filter("overdue", _("超期"), kind="check", choices=(("1", _("仅超期")),), form=False),  # older links
    ),
    default_sort="due",
    keep=("view",),
    exportable=True,
    empty=_("没有符合条件的工作项"),
)
