"""Workbooks an office hands to a meeting: the queue of work items, and every line of one item.

Both go through the one workbook helper and are audited; the lines are masked for the reader exactly
as on the page (``disclosure.py``). Each starts with the line saying who exported which filter when.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from weijian.alerts.evidence import Presenter
from weijian.alerts.models import Severity, WorkItem
from weijian.alerts.people import person_name
from weijian.analytics.registry import RULES
from weijian.core.audit import audit_record
from weijian.core.models import Region
from weijian.core.xlsx import export_line, workbook_bytes
from weijian.i18n import in_language

# No import reads these workbooks back: every header follows the user's language.
HEADERS = [
    gettext_lazy("规则"), gettext_lazy("机构"), gettext_lazy("机构代码"), gettext_lazy("责任部门"),
    gettext_lazy("所属区域"), gettext_lazy("分析期起"), gettext_lazy("分析期止"), gettext_lazy("预警条数"),
    gettext_lazy("涉及金额（元）"), gettext_lazy("最早日期"), gettext_lazy("最晚日期"), gettext_lazy("严重程度"),
    gettext_lazy("处置期限"), gettext_lazy("承办人"), gettext_lazy("承办期限"), gettext_lazy("状态"),
    gettext_lazy("查处结果"), gettext_lazy("处置人"), gettext_lazy("处置说明"),
]  # fmt: skip
LINE_HEADERS = [
    gettext_lazy("对象类型"), gettext_lazy("对象"), gettext_lazy("日期"), gettext_lazy("金额（元）"),
    gettext_lazy("实际情况"), gettext_lazy("来源"), gettext_lazy("证据"),
]  # fmt: skip


def _row(i: WorkItem) -> list[Any]:
    return [
        i.rule_name, i.institution.name if i.institution else "", i.institution_code,
        i.department.name if i.department else gettext("待分派"), i.region.name if i.region else "", i.period_start,
        i.period_end, i.line_count, float(i.amount) if i.amount is not None else None, i.first_date, i.last_date,
        i.get_severity_display(), i.deadline, person_name(i.assignee), i.due_date, i.get_status_display(),
        i.get_outcome_display() if i.outcome else "", person_name(i.disposed_by), i.disposition_reason,
    ]  # fmt: skip


VIEW_NAMES = {"open": gettext_lazy("待处置"), "mine": gettext_lazy("我的工作项"), "referred": gettext_lazy("已移交待结果"),
              "closed": gettext_lazy("已办结"), "triage": gettext_lazy("待分派"), "all": gettext_lazy("全部")}  # fmt: skip


def _rule_name(rule_id: str) -> str:
    rule = RULES.get(rule_id)
    return in_language(rule.name_zh, rule.name_en) if rule is not None else rule_id


def _region_name(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.name if region is not None else code


def queue_filter_words(query: dict[str, str]) -> list[tuple[str, str]]:
    """The queue's filters in words, as the page's query names them (视图=待处置；规则=…；区=浦东新区)."""
    severities = {str(v): str(label) for v, label in Severity.choices}
    shown = [
        (gettext("视图"), str(VIEW_NAMES.get(query.get("view") or "open", VIEW_NAMES["open"]))),
        (gettext("规则"), _rule_name(query["rule"]) if query.get("rule") else ""),
        (gettext("严重程度"), severities.get(query.get("severity") or "", "")),
        (gettext("区"), _region_name(query["district"]) if query.get("district") else ""),
        (gettext("关键词"), (query.get("q") or "")[:100]),
        (gettext("超期"), gettext("是") if query.get("overdue") == "1" else ""),
    ]
    return [(label, value) for label, value in shown if value]


def item_queue_export(*, actor: Any, queryset: Any, query: dict[str, str]) -> bytes:
    audit_record(actor=actor, action="alerts.export", object_type="work_item", data={"query": query})
    rows = (_row(i) for i in queryset.select_related("disposed_by").iterator(chunk_size=2000))
    title = gettext("预警工作项")
    line = export_line(actor=actor, filters=[(gettext("名录"), title), *queue_filter_words(query)])
    return workbook_bytes(title, [str(h) for h in HEADERS], rows, line=line)


def _line_rows(lines: Any, presenter: Presenter) -> Iterator[list[Any]]:
    for line in lines.iterator(chunk_size=2000):
        view = presenter.line(line)
        facts = gettext("；").join(gettext("%(label)s：%(text)s") % {"label": f.label, "text": f.text} for f in view.facts)
        yield [view.subject_label, line.subject_id, line.fact_date,
               float(line.amount) if line.amount is not None else None, view.found, view.source, facts]  # fmt: skip


def item_lines_export(*, actor: Any, item: WorkItem, lines: Any, presenter: Presenter) -> bytes:
    audit_record(
        actor=actor, action="alerts.item.lines_export", object_type="work_item", object_id=item.pk,
        data={"lines": item.line_count, "masked": presenter.mask},
    )  # fmt: skip
    filters = [(gettext("工作项"), str(item.pk)), (gettext("规则"), item.rule_name),
               (gettext("机构"), item.institution.name if item.institution else item.institution_code),
               (gettext("个人信息"), gettext("已脱敏") if presenter.mask else gettext("未脱敏"))]  # fmt: skip
    line = export_line(actor=actor, filters=filters)
    headers = [str(h) for h in LINE_HEADERS]
    return workbook_bytes(gettext("预警明细"), headers, _line_rows(lines, presenter), line=line)
