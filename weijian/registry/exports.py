"""Excel out: any registry list, an import's rejected rows, and the import templates.

Each export is a document: its first line says who exported which filter (in words) when, the header
below it is frozen and filtered (``weijian.core.xlsx``). The institution list carries each institution's
platform grade as its reader sees it (``weijian.risk.selectors``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from weijian.core.audit import audit_record
from weijian.core.models import Department, Region
from weijian.core.xlsx import Marked, SheetData, export_line, workbook_bytes, workbook_of
from weijian.registry.imports import teaching
from weijian.registry.imports.service import REJECT_COLUMNS, decode_cell
from weijian.registry.models import (
    ImportBatch,
    Inspector,
    Institution,
    InstitutionKind,
    InstitutionLevel,
    InstitutionStatus,
    Practitioner,
    PractitionerKind,
    PractitionerStatus,
)

Row = Callable[[Any], list[Any]]
GRADE_BATCH = 1000

# A header that is also an import column's header is the file format (a list exported here imports back), so
# it stays in Chinese in every language (``i18n: data``); the other headers follow the user's language.
INSTITUTION_COLUMNS: list[tuple[Any, Row]] = [
    ("统一社会信用代码", lambda i: [i.uscc]),  # i18n: data (import header)
    ("机构名称", lambda i: [i.name]),  # i18n: data (import header)
    ("机构类别", lambda i: [i.get_kind_display()]),  # i18n: data (import header)
    ("级别", lambda i: [i.get_level_display()]),  # i18n: data (import header)
    ("举办性质", lambda i: [i.get_ownership_display()]),  # i18n: data (import header)
    ("所在区", lambda i: [i.district.name]),  # i18n: data (import header)
    ("地址", lambda i: [i.address]),  # i18n: data (import header)
    ("核定床位", lambda i: [i.beds]),  # i18n: data (import header)
    ("执业许可证登记号", lambda i: [i.licence_no]),  # i18n: data (import header alias)
    ("许可证有效期止", lambda i: [i.licence_valid_to]),  # i18n: data (import header)
    ("状态", lambda i: [i.get_status_display()]),  # i18n: data (import header)
]
GRADE_HEADERS = [gettext_lazy("风险等级"), gettext_lazy("风险分值"), gettext_lazy("评级数据截至")]
PRACTITIONER_COLUMNS: list[tuple[Any, Row]] = [
    ("执业证书编码", lambda p: [p.cert_no]),  # i18n: data (import header)
    ("姓名", lambda p: [p.name]),  # i18n: data (import header)
    (gettext_lazy("身份证号（脱敏）"), lambda p: [p.id_masked]),
    ("类别", lambda p: [p.get_kind_display()]),  # i18n: data (import header)
    ("状态", lambda p: [p.get_status_display()]),  # i18n: data (import header)
    ("执业证有效期止", lambda p: [p.licence_valid_to]),  # i18n: data (import header)
]
INSPECTOR_COLUMNS: list[tuple[Any, Row]] = [
    ("执法证号", lambda i: [i.badge_no]),  # i18n: data (import header)
    ("姓名", lambda i: [i.name]),  # i18n: data (import header)
    ("部门", lambda i: [i.department.name]),  # i18n: data (import header)
    (gettext_lazy("所属区域"), lambda i: [i.region.name]),
    ("执法领域", lambda i: [i.fields]),  # i18n: data (import header)
    ("在岗", lambda i: [gettext("是") if i.active else gettext("否")]),  # i18n: data (import header; 是/否 or yes/no both import)
]
COLUMNS: dict[type, list[tuple[Any, Row]]] = {
    Institution: INSTITUTION_COLUMNS,
    Practitioner: PRACTITIONER_COLUMNS,
    Inspector: INSPECTOR_COLUMNS,
}


def _choice(choices: Any) -> Callable[[str], str]:
    """A value's label in the language active when the export is written."""
    return lambda value: str({str(v): label for v, label in choices.choices}.get(value, value))


def _region_name(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.name if region is not None else code


def _department_name(code: str) -> str:
    department = Department.objects.filter(code=code).first()
    return department.name if department is not None else code


_LICENCE = {"expired": gettext_lazy("已过期"), "expiring": gettext_lazy("即将到期")}
_YES_NO = {"1": gettext_lazy("是"), "0": gettext_lazy("否")}
_KEYWORD = ("q", gettext_lazy("关键词"), str)
# Each list's filters as the page's query names them: parameter, label, the value in words.
FILTERS: dict[type, list[tuple[str, Any, Callable[[str], str]]]] = {
    Institution: [
        _KEYWORD, ("district", gettext_lazy("区"), _region_name), ("kind", gettext_lazy("类别"), _choice(InstitutionKind)),
        ("status", gettext_lazy("状态"), _choice(InstitutionStatus)), ("level", gettext_lazy("级别"), _choice(InstitutionLevel)),
        ("licence", gettext_lazy("许可证"), lambda v: str(_LICENCE.get(v, v))),
    ],
    Practitioner: [_KEYWORD, ("kind", gettext_lazy("类别"), _choice(PractitionerKind)),
                   ("status", gettext_lazy("状态"), _choice(PractitionerStatus))],
    Inspector: [
        _KEYWORD, ("region", gettext_lazy("区域"), _region_name), ("department", gettext_lazy("部门"), _department_name),
        ("active", gettext_lazy("在岗"), lambda v: str(_YES_NO.get(v, v))),
    ],
}  # fmt: skip


def filter_words(model: type, query: dict[str, str]) -> list[tuple[str, str]]:
    """The list's filters in words (区=浦东新区; 类别=诊所/门诊部), in the page's order."""
    words = []
    for param, label, show in FILTERS.get(model, []):
        value = (query.get(param) or "").strip()
        if value:
            words.append((str(label), show(value)[:100]))
    return words


def _grade_cells(grade: Any) -> list[Any]:
    if grade is None:
        return ["", None, None]
    shown = gettext("%(grade)s（%(label)s）") % {"grade": grade.grade, "label": grade.grade_label}
    return [shown if grade.grade_label else grade.grade, grade.score, grade.as_of]


def _graded_rows(user: Any, objects: Iterable[Institution]) -> Iterator[list[Any]]:
    """Institution rows with their platform grade, as the reader would see it on the profile, in batches."""
    from weijian.core.models import Role
    from weijian.core.scope import scope_of
    from weijian.risk.selectors import grade_for_reader, institution_grades
    from weijian.rules.loader import RulesError

    official = scope_of(user).role not in (Role.INSTITUTION_USER, Role.PUBLIC)
    batch: list[Institution] = []

    def flush() -> Iterator[list[Any]]:
        try:
            grades = institution_grades(user, batch)
        except RulesError:  # a broken rules file: the list still exports, without grades
            grades = {}
        for institution in batch:
            grade = grades.get(institution.pk)
            if grade is not None:
                grade = grade_for_reader(grade, official=official)
            yield [value for _, get in INSTITUTION_COLUMNS for value in get(institution)] + _grade_cells(grade)
        batch.clear()

    for institution in objects:
        batch.append(institution)
        if len(batch) >= GRADE_BATCH:
            yield from flush()
    if batch:
        yield from flush()


def export_list(model: type, objects: Iterable[Any], title: str, *, user: Any = None, line: str | None = None) -> bytes:
    columns = COLUMNS[model]
    headers = [str(header) for header, _ in columns]
    if model is Institution and user is not None:
        grade_headers = [str(h) for h in GRADE_HEADERS]
        return workbook_bytes(title, [*headers, *grade_headers], _graded_rows(user, objects), line=line)
    rows = ([value for _, get in columns for value in get(obj)] for obj in objects)
    return workbook_bytes(title, headers, rows, line=line)


def list_export(*, actor: Any, model: type, queryset: Any, title: str, query: dict[str, str]) -> bytes:
    """A scoped list as a workbook; who exported what (the filters) goes into the audit chain and the first line."""
    audit_record(actor=actor, action="registry.export", object_type=model.__name__, data={"query": query})
    line = export_line(actor=actor, filters=[(gettext("名录"), title), *filter_words(model, query)])
    return export_list(model, queryset.iterator(chunk_size=2000), title, user=actor, line=line)


def _with_problems(originals: Iterable[Any], rejects: Iterable[Any]) -> Iterator[tuple[Any, list[Any]]]:
    """Pair each original row with its problems; both streams come in row order (bounded memory)."""
    pending = iter(rejects)
    ahead = next(pending, None)
    for original in originals:
        problems = []
        while ahead is not None and ahead.row <= original.row:
            if ahead.row == original.row:
                problems.append(ahead)
            ahead = next(pending, None)
        yield original, problems


def rejects_workbook(*, actor: Any, batch: ImportBatch, rejects: Iterable[Any], originals: Iterable[Any]) -> bytes:
    """An import's rejected rows as uploaded — every column under its own header — with the row number and
    every reason in front, the cells at fault highlighted: fix them and import the workbook again (the two
    added columns are ignored by the import). Batches from before the original rows were kept list one
    problem per line."""
    with transaction.atomic():
        audit_record(actor=actor, action="registry.import.rejects_export", object_type="import_batch", object_id=batch.pk)
    line = export_line(actor=actor, filters=[(gettext("导入类型"), str(batch.kind_title)),
                                             (gettext("文件"), batch.filename), (gettext("批次"), str(batch.pk))])  # fmt: skip
    headers = list(batch.headers or [])
    title = gettext("未导入的行")
    if not headers:
        rows = ([r.row, r.column, r.value, r.reason] for r in rejects)
        return workbook_bytes(title, [gettext("行号"), gettext("列"), gettext("值"), gettext("原因")], rows, line=line)

    def rows() -> Iterator[list[Any]]:
        for original, problems in _with_problems(originals, rejects):
            faulty = {p.column for p in problems}
            text = gettext("；").join(
                gettext("%(column)s：%(reason)s") % {"column": p.column, "reason": p.reason}
                if p.column and p.column not in p.reason else p.reason
                for p in problems
            )  # fmt: skip
            values = [decode_cell(v) for v in original.values]
            values += [None] * (len(headers) - len(values))
            cells = [Marked(v) if h in faulty else v for h, v in zip(headers, values, strict=False)]
            yield [original.row, text, *cells, *values[len(headers) :]]

    widths = [8, 48, *(max(10, min(len(h) * 2 + 4, 30)) for h in headers)]
    return workbook_of([SheetData(title, [*REJECT_COLUMNS, *headers], rows(), widths=widths, line=line)])


def import_template(kind: str, user: Any) -> bytes:
    """The teaching template of an import kind (``weijian.registry.imports.teaching``)."""
    return teaching.import_template(kind, user)
