"""The complaint queue, declared once with the list component (:mod:`weijian.core.lists`)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from weijian.complaints import selectors
from weijian.complaints.models import ComplaintStatus
from weijian.core.lists import Column, Filter, ListSpec
from weijian.core.selectors import districts_in_scope


def _districts(request: HttpRequest) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in districts_in_scope(request.user)]


def _categories(request: HttpRequest) -> list[tuple[str, str]]:
    return list(selectors.category_names().items())


COMPLAINTS = ListSpec(
    columns=(
        Column("code", _("查询码"), sort=("tracking_code",), cell="complaints/cells/code.html", title=True),
        Column("subject", _("被投诉对象"), sort=("subject_name",), attr="subject_label", css="wide"),
        Column("category", _("类别"), sort=("category",), cell="complaints/cells/category.html"),
        Column("district", _("承办区"), attr="district.name", sort=("district__code",), phone=False),
        Column("department", _("承办部门"), cell="complaints/cells/department.html", phone=False),
        Column("received", _("收到时间"), sort=("received_at",), cell="complaints/cells/received.html"),
        Column("due", _("期限"), cell="complaints/cells/due.html"),
        Column("status", _("状态"), sort=("status",), cell="complaints/cells/status.html"),
    ),
    filters=(
        Filter("q", _("搜索投诉"), kind="search", placeholder=_("查询码、被投诉对象或内容")),
        Filter("status", _("状态"), choices=ComplaintStatus.choices, any_label=_("全部状态")),
        Filter("category", _("类别"), choices=_categories, any_label=_("全部类别")),
        Filter("district", _("区"), choices=_districts, any_label=_("全部区")),
    ),
    default_sort="received",
    keep=("view",),
    empty=_("没有符合条件的投诉"),
)
