"""The downloadable import template: a workbook that teaches each column.

- the first sheet (the one an import reads) holds the header, required columns in bold, and a drop-down
  for every coded column: allowed values in Chinese, regions as "浦东新区 310115", departments by name,
  是/否 for booleans (the lists live on a hidden sheet, so their length does not matter);
- 填写说明 says for every column what it means, its format, whether it is required, its allowed values
  and an example, then how the file is read;
- 示例 holds one example row under the same header. It imports cleanly for the user who downloaded the
  template (its regions, institution and practitioner are ones they may write), and it sits on its own
  sheet so that it is never imported by accident: only the first sheet is read.

Everything is derived from the spec's columns (their parsers' :class:`~weijian.registry.imports.cells.Format`,
``hint`` and ``example``), so a new column or kind gets the same template without code of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.translation import gettext, gettext_lazy
from stdnum.cn import uscc as uscc_mod

from weijian.core.models import Department, Region
from weijian.core.scope import Scope, department_writable, scope_of, scoped
from weijian.core.selectors import regions_writable
from weijian.core.xlsx import Choices, SheetData, workbook_of
from weijian.registry.imports import cells
from weijian.registry.imports.specs import SPECS, Column, KindSpec
from weijian.registry.models import Inspector, Institution, Practitioner

# The notes follow the user's language; the column headers they name stay as the import reads them (Chinese).
NOTES_TITLE, EXAMPLE_TITLE = gettext_lazy("填写说明"), gettext_lazy("示例")
NOTES_HEADERS = [
    gettext_lazy("列名"), gettext_lazy("字段名（也可作列名）"), gettext_lazy("是否必填"), gettext_lazy("含义与格式"),
    gettext_lazy("可选值"), gettext_lazy("示例"), gettext_lazy("说明"),
]  # fmt: skip
LISTED_IN_NOTES = 20  # a longer list (regions, departments) is summarised: the drop-down holds it
GENERAL_NOTES = [
    gettext_lazy("只读取第一个工作表；第一行为列名（可用中文列名或字段名），每行一条记录，空行跳过。"),
    gettext_lazy("加粗的列为必填列；其余列可以没有，或留空（留空时新增记录取默认值，更新时保留原值的除外见各列说明）。"),
    gettext_lazy("带下拉列表的列请从列表中选择；区划也可只填名称或代码，如“浦东新区”或“310115”。"),
    gettext_lazy("“示例”工作表中是一行可直接导入的示例，可复制到第一个工作表后修改；示例不会被自动导入。"),
    gettext_lazy("每一行都会校验，一行的所有问题会一并列出；未导入的行可在导入结果页下载，按原因修改后直接再次导入。"),
]


def _region_label(region: Region) -> str:
    return f"{region.name} {region.code}"


@dataclass
class Samples:
    """What the example row refers to: records the user may write."""

    user: Any
    scope: Scope
    _regions: dict[tuple[str, ...], list[Region]] = field(default_factory=dict)

    def regions(self, levels: tuple[str, ...]) -> list[Region]:
        if levels not in self._regions:
            qs = regions_writable(self.user).filter(level__in=levels).order_by("code")
            self._regions[levels] = list(qs)
        return self._regions[levels]

    @cached_property
    def district(self) -> Region | None:
        found = self.regions(("district",))
        return found[0] if found else None

    @property
    def district_code(self) -> str:
        return self.district.code if self.district is not None else "310115"

    @property
    def new_uscc(self) -> str:
        base = f"91{self.district_code}MA1EXAMP1"
        return base + uscc_mod.calc_check_digit(base)

    @property
    def new_street(self) -> str:
        return f"{self.district_code}999"

    @cached_property
    def institution(self) -> str:
        found = scoped(self.user, Institution.objects.filter(district__code__startswith=self.district_code))
        first = found.order_by("uscc").values_list("uscc", flat=True).first()
        return first or self.new_uscc

    @cached_property
    def inspector(self) -> str:
        found = scoped(self.user, Inspector.objects.filter(region__code__startswith=self.district_code[:4]))
        first = found.order_by("badge_no").values_list("badge_no", flat=True).first()
        return first or "31011500009999"

    @cached_property
    def practitioner(self) -> str:
        first = scoped(self.user, Practitioner.objects.all()).order_by("cert_no").values_list("cert_no", flat=True).first()
        return first or "110310115000099"

    @cached_property
    def departments(self) -> list[Department]:
        return [d for d in Department.objects.order_by("code") if department_writable(self.scope, d.code)]

    @property
    def department(self) -> str:
        own = next((d for d in self.departments if d.code == self.scope.department_code), None)
        chosen = own or (self.departments[0] if self.departments else None)
        return chosen.name if chosen is not None else "health"

    def region_example(self, levels: tuple[str, ...]) -> str:
        """The first listed region that agrees with the example district (itself, or one inside it)."""
        code = self.district_code
        found = [r for r in self.regions(levels) if r.code.startswith(code) or code.startswith(r.code)]
        return _region_label(found[0]) if found else ""


def listing(column: Column, samples: Samples) -> list[str]:
    """The values a column's drop-down offers (empty: no drop-down)."""
    fmt = cells.format_of(column.parse)
    if fmt.lookup == "regions":
        return [_region_label(r) for r in samples.regions(fmt.levels)]
    if fmt.lookup == "departments":
        return [d.name for d in samples.departments]
    return list(fmt.allowed)


def example(column: Column, samples: Samples) -> Any:
    fmt = cells.format_of(column.parse)
    if callable(column.example):
        return column.example(samples)
    if column.example is not None:
        return column.example
    if fmt.lookup == "regions":
        return samples.region_example(fmt.levels)
    return fmt.example


def _allowed_text(values: Sequence[str]) -> str:
    if not values:
        return ""
    if len(values) <= LISTED_IN_NOTES:
        return gettext("、").join(values)
    return gettext("见下拉列表（共%(count)d项，如 %(first)s …）") % {
        "count": len(values), "first": gettext("、").join(values[:3]),
    }  # fmt: skip


def _notes(spec: KindSpec, lists: list[list[str]], examples: list[Any]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for column, values, sample in zip(spec.columns, lists, examples, strict=True):
        fmt = cells.format_of(column.parse)
        default = ""
        if not column.required and column.default not in (None, ""):
            default = gettext("留空时默认为“%(value)s”") % {"value": _default_text(column)}
        hint = gettext("；").join(str(part) for part in (column.hint, default) if part)
        rows.append([column.header, column.key, gettext("必填") if column.required else gettext("选填"), str(fmt.text),
                     _allowed_text(values), sample, hint])  # fmt: skip
    rows.append([])
    rows.extend([[str(note)] for note in GENERAL_NOTES])
    return rows


def _default_text(column: Column) -> str:
    """A default as the user would type it: the Chinese label of a coded default, 是/否 for a boolean."""
    if isinstance(column.default, bool):
        return "是" if column.default else "否"  # i18n: data (the value typed in the cell)
    return _label_of(column, column.default)


def _label_of(column: Column, value: Any) -> str:
    """The label whose parse gives ``value`` (``none`` → 未定级); the value itself when none does."""
    for label in cells.format_of(column.parse).allowed:
        if column.parse(label) == value:
            return label
    return str(value)


def import_template(kind: str, user: Any) -> bytes:
    """The teaching template of one import kind, for ``user`` (drop-downs and example within their scope)."""
    spec = SPECS[kind]
    samples = Samples(user=user, scope=scope_of(user))
    columns = spec.columns
    headers = [c.header for c in columns]
    lists = [listing(c, samples) for c in columns]
    examples = [example(c, samples) for c in columns]
    widths = [
        max(12, len(c.header) * 2 + 4, *(min(len(str(v)) * 2 + 2, 40) for v in values[:50]))
        for c, values in zip(columns, lists, strict=True)
    ]
    choices = [
        Choices(index, values, title=column.header, prompt=str(cells.format_of(column.parse).text))
        for index, (column, values) in enumerate(zip(columns, lists, strict=True))
        if values
    ]
    bold = [c.required for c in columns]
    return workbook_of([
        SheetData(str(spec.title), headers, [], bold=bold, widths=widths, choices=choices),
        SheetData(str(NOTES_TITLE), [str(h) for h in NOTES_HEADERS], _notes(spec, lists, examples),
                  widths=[22, 24, 10, 48, 40, 26, 48], filter=False),
        SheetData(str(EXAMPLE_TITLE), headers, [examples], bold=bold, widths=widths, filter=False),
    ])  # fmt: skip
