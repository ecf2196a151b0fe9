"""The registry's list pages, declared once with the list component (:mod:`weijian.core.lists`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from weijian.core.lists import Column, Filter, ListSpec
from weijian.core.models import Department
from weijian.core.selectors import districts_in_scope
from weijian.registry import selectors
from weijian.registry.imports.specs import SPECS
from weijian.registry.models import (
    InstitutionKind,
    InstitutionLevel,
    InstitutionStatus,
    PractitionerKind,
    PractitionerStatus,
    Sector,
)

GRADE_CHOICES = (("A", _("A 低风险")), ("B", _("B 较低风险")), ("C", _("C 较高风险")), ("D", _("D 高风险")))
LICENCE_CHOICES = (
    ("valid", _("有效")), ("expiring", _("即将到期")), ("expired", _("已过期仍在执业")), ("none", _("未登记有效期")),
)  # fmt: skip


def _districts(request: HttpRequest) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in districts_in_scope(request.user)]


def _departments(request: HttpRequest) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in Department.objects.order_by("code")]


def _institution(request: HttpRequest, code: str) -> str | None:
    return selectors.institution_name(request.user, code)


def _by_grade(queryset: QuerySet[Any], descending: bool, request: HttpRequest) -> QuerySet[Any]:
    return selectors.order_by_grade(request.user, queryset, descending)


INSTITUTIONS = ListSpec(
    columns=(
        Column("name", _("机构名称"), sort=("name_sort", "name"), cell="registry/cells/institution_name.html", title=True),
        Column("kind", _("类别"), sort=("kind",)),
        Column("sector_label", _("监督专业"), phone=False),
        Column("level", _("级别"), phone=False),
        Column("district", _("所在区"), sort=("district__code", "name_sort"), cell="registry/cells/institution_district.html"),
        Column("grade", _("风险等级"), sort=_by_grade, cell="registry/cells/grade.html"),
        Column("licence", _("许可证"), sort=("licence_valid_to",), cell="registry/cells/licence.html"),
        Column("status", _("状态"), sort=("status",), cell="registry/cells/institution_status.html"),
    ),
    filters=(
        Filter("q", _("搜索机构"), kind="search", placeholder=_("名称、地址或统一社会信用代码（繁简体均可）")),
        Filter("district", _("区"), choices=_districts, any_label=_("全部区")),
        Filter("sector", _("监督专业"), choices=Sector.choices, any_label=_("全部专业")),
        Filter("kind", _("类别"), choices=InstitutionKind.choices, any_label=_("全部类别")),
        Filter("level", _("级别"), choices=InstitutionLevel.choices, any_label=_("全部级别")),
        Filter("status", _("状态"), choices=InstitutionStatus.choices, any_label=_("全部状态")),
        Filter("grade", _("风险等级"), choices=GRADE_CHOICES, any_label=_("全部等级")),
        Filter("licence", _("许可证"), choices=LICENCE_CHOICES, any_label=_("全部许可证状态")),
    ),
    default_sort="name",
    exportable=True,
    empty=_("没有符合条件的单位"),
)

PRACTITIONERS = ListSpec(
    columns=(
        Column("name", _("姓名"), sort=("name_sort", "name"), cell="registry/cells/practitioner_name.html", title=True),
        Column("cert_no", _("执业证书编码"), sort=("cert_no",)),
        Column("id_masked", _("身份证号"), phone=False),
        Column("kind", _("类别"), sort=("kind",)),
        Column("licence_valid_to", _("执业证有效期止"), sort=("licence_valid_to",), cell="registry/cells/practitioner_licence.html",
               phone=False),
        Column("status", _("状态"), sort=("status",), cell="registry/cells/practitioner_status.html"),
    ),
    filters=(
        Filter("q", _("搜索人员"), kind="search", placeholder=_("姓名或执业证书编码")),
        Filter("kind", _("类别"), choices=PractitionerKind.choices, any_label=_("全部类别")),
        Filter("status", _("状态"), choices=PractitionerStatus.choices, any_label=_("全部状态")),
        Filter("institution", _("执业机构"), kind="lookup", lookup=_institution),
    ),
    default_sort="name",
    exportable=True,
    empty=_("没有符合条件的人员"),
)

INSPECTORS = ListSpec(
    columns=(
        Column("name", _("姓名"), sort=("name_sort", "name"), cell="registry/cells/inspector_name.html", title=True),
        Column("badge_no", _("执法证号"), sort=("badge_no",)),
        Column("department", _("部门"), attr="department.name", sort=("department__code", "name_sort")),
        Column("region", _("所属区域"), attr="region.name", sort=("region__code", "name_sort")),
        Column("fields", _("执法领域"), cell="registry/cells/inspector_fields.html", phone=False),
        Column("active", _("在岗"), sort=("-active",), cell="registry/cells/inspector_active.html"),
    ),
    filters=(
        Filter("q", _("搜索执法人员"), kind="search", placeholder=_("姓名或执法证号")),
        Filter("region", _("区"), choices=_districts, any_label=_("全部区")),
        Filter("department", _("部门"), choices=_departments, any_label=_("全部部门")),
        Filter("active", _("在岗"), choices=(("1", _("在岗")), ("0", _("不在岗"))), any_label=_("全部")),
    ),
    default_sort="name",
    exportable=True,
    empty=_("没有符合条件的执法人员"),
)

IMPORT_BATCHES = ListSpec(
    columns=(
        Column("created_at", _("时间"), sort=("created_at",), cell="registry/cells/batch_time.html", title=True),
        Column("kind", _("类型"), sort=("kind",), cell="registry/cells/batch_kind.html"),
        Column("filename", _("文件"), sort=("filename",)),
        Column("rows", _("行数"), sort=("rows",), css="num"),
        Column("created", _("新增"), sort=("created",), css="num"),
        Column("updated", _("更新"), sort=("updated",), css="num"),
        Column("unchanged", _("未变"), sort=("unchanged",), css="num", phone=False),
        Column("rejected", _("未导入"), sort=("rejected",), cell="registry/cells/batch_rejected.html", css="num"),
    ),
    filters=(
        Filter("kind", _("类型"), choices=tuple((kind, spec.title) for kind, spec in SPECS.items()), any_label=_("全部类型")),
        Filter("rejected", _("未导入"), kind="check", choices=(("1", _("仅有未导入行的批次")),)),
    ),
    default_sort="-created_at",
    page_sizes=(20, 50, 100),
    empty=_("暂无"),
)
