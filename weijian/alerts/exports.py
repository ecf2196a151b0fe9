"""Workbooks an office hands to a meeting: the queue of work items, and every line of one item.

Both go through the one workbook helper and are audited; the lines are masked for the reader exactly
as on the page (``disclosure.py``). Each starts with the line saying who exported which filter when.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from weijian.alerts.evidence import Presenter
from weijian.alerts.models import Severity, WorkItem
from weijian.alerts.people import person_name
from weijian.analytics.registry import RULES
from weijian.core.audit import audit_record
from weijian.core.models import Region
from weijian.core.xlsx import export_line, workbook_bytes

HEADERS = ["规则", "机构", "机构代码", "责任部门", "所属区域", "分析期起", "分析期止", "预警条数", "涉及金额（元）",
           "最早日期", "最晚日期", "严重程度", "处置期限", "承办人", "承办期限", "状态", "查处结果", "处置人",
           "处置说明"]  # fmt: skip
LINE_HEADERS = ["对象类型", "对象", "日期", "金额（元）", "实际情况", "来源", "证据"]


def _row(i: WorkItem) -> list[Any]:
    return [
        i.rule_name, i.institution.name if i.institution else "", i.institution_code,
        i.department.name if i.department else "待分派", i.region.name if i.region else "", i.period_start,
        i.period_end, i.line_count, float(i.amount) if i.amount is not None else None, i.first_date, i.last_date,
        i.get_severity_display(), i.deadline, person_name(i.assignee), i.due_date, i.get_status_display(),
        i.get_outcome_display() if i.outcome else "", person_name(i.disposed_by), i.disposition_reason,
    ]  # fmt: skip


VIEW_NAMES = {"open": "待处置", "mine": "我的工作项", "referred": "已移交待结果", "closed": "已办结", "triage": "待分派",
              "all": "全部"}  # fmt: skip


def _rule_name(rule_id: str) -> str:
    rule = RULES.get(rule_id)
    return rule.name_zh if rule is not None else rule_id


def _region_name(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.name if region is not None else code


def queue_filter_words(query: dict[str, str]) -> list[tuple[str, str]]:
    """The queue's filters in words, as the page's query names them (视图=待处置；规则=…；区=浦东新区)."""
    severities = {str(v): str(label) for v, label in Severity.choices}
    shown = [
        ("视图", VIEW_NAMES.get(query.get("view") or "open", VIEW_NAMES["open"])),
        ("规则", _rule_name(query["rule"]) if query.get("rule") else ""),
        ("严重程度", severities.get(query.get("severity") or "", "")),
        ("区", _region_name(query["district"]) if query.get("district") else ""),
        ("关键词", (query.get("q") or "")[:100]),
        ("超期", "是" if query.get("overdue") == "1" else ""),
    ]
    return [(label, value) for label, value in shown if value]


def item_queue_export(*, actor: Any, queryset: Any, query: dict[str, str]) -> bytes:
    audit_record(actor=actor, action="alerts.export", object_type="work_item", data={"query": query})
    rows = (_row(i) for i in queryset.select_related("disposed_by").iterator(chunk_size=2000))
    line = export_line(actor=actor, filters=[("名录", "预警工作项"), *queue_filter_words(query)])
    return workbook_bytes("预警工作项", HEADERS, rows, line=line)


def _line_rows(lines: Any, presenter: Presenter) -> Iterator[list[Any]]:
    for line in lines.iterator(chunk_size=2000):
        view = presenter.line(line)
        facts = "；".join(f"{f.label}：{f.text}" for f in view.facts)
        yield [view.subject_label, line.subject_id, line.fact_date,
               float(line.amount) if line.amount is not None else None, view.found, view.source, facts]  # fmt: skip


def item_lines_export(*, actor: Any, item: WorkItem, lines: Any, presenter: Presenter) -> bytes:
    audit_record(
        actor=actor, action="alerts.item.lines_export", object_type="work_item", object_id=item.pk,
        data={"lines": item.line_count, "masked": presenter.mask},
    )  # fmt: skip
    filters = [("工作项", str(item.pk)), ("规则", item.rule_name),
               ("机构", item.institution.name if item.institution else item.institution_code),
               ("个人信息", "已脱敏" if presenter.mask else "未脱敏")]  # fmt: skip
    line = export_line(actor=actor, filters=filters)
    return workbook_bytes("预警明细", LINE_HEADERS, _line_rows(lines, presenter), line=line)
