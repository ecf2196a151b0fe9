"""The list pages of the credit lists, repair and exchange, declared once with the list component."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from weijian.core.lists import Column, Filter, ListSpec
from weijian.credit.models_lists import ListKind, RepairStatus, ReviewStatus, TaskStatus

ENTRY_VIEWS = (("active", _("名单中")), ("pending", _("已告知待决定")), ("ended", _("已移出或不予列入")), ("all", _("全部")))

ENTRIES = ListSpec(
    columns=(
        Column("subject", _("主体"), cell="credit_lists/cells/link.html", title=True, css="wide"),
        Column("list_kind", _("名单"), sort=("list_kind",)),
        Column("subject_kind", _("主体类别"), phone=False),
        Column("rule_label", _("列入情形"), phone=False),
        Column("notified_on", _("告知日期"), sort=("notified_on",)),
        Column("listed_until", _("列入期限至"), sort=("listed_until",)),
        Column("status", _("状态"), sort=("status",)),
    ),
    filters=(
        Filter("q", _("搜索"), kind="search", placeholder=_("名称、姓名或统一社会信用代码")),
        Filter("list_kind", _("名单"), choices=ListKind.choices, any_label=_("全部名单")),
        Filter("view", _("范围"), choices=ENTRY_VIEWS, any_label=_("名单中")),
    ),
    default_sort="notified_on",
    empty=_("没有符合条件的名单条目"),
)

TASKS = ListSpec(
    columns=(
        Column("label", _("惩戒措施"), title=True, css="wide"),
        Column("subject", _("主体"), cell="credit_lists/cells/link.html"),
        Column("department", _("实施部门"), attr="department.name"),
        Column("status", _("状态"), sort=("status",)),
        Column("action", _("落实"), cell="credit_lists/cells/task_done.html"),
    ),
    filters=(Filter("status", _("状态"), choices=TaskStatus.choices, any_label=_("全部状态")),),
    default_sort="status",
    empty=_("没有联合惩戒任务"),
)

REPAIRS = ListSpec(
    columns=(
        Column("subject", _("公示记录"), cell="credit_lists/cells/link.html", title=True, css="wide"),
        Column("filed_on", _("申请日期"), sort=("filed_on",)),
        Column("review_due", _("审核期限"), sort=("review_due",)),
        Column("status", _("状态"), sort=("status",)),
    ),
    filters=(Filter("status", _("状态"), choices=RepairStatus.choices, any_label=_("全部状态")),),
    default_sort="filed_on",
    empty=_("没有信用修复申请"),
)

REVIEWS = ListSpec(
    columns=(
        Column("subject", _("当事人"), cell="credit_lists/cells/link.html", title=True, css="wide"),
        Column("violation_code", _("违法行为代码")),
        Column("earlier_region", _("前一次处罚地"), phone=False),
        Column("later_region", _("后一次处罚地"), phone=False),
        Column("review_due", _("审查期限"), sort=("review_due",)),
        Column("status", _("状态"), sort=("status",)),
    ),
    filters=(Filter("status", _("状态"), choices=ReviewStatus.choices, any_label=_("全部状态")),),
    default_sort="status",
    empty=_("没有异地两次处罚审查事项"),
)
