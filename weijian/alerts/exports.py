"""The alert queue as a workbook (what an office hands to a meeting); the export is audited."""

from __future__ import annotations

from typing import Any

from weijian.alerts.models import Alert
from weijian.core.audit import audit_record
from weijian.core.xlsx import workbook_bytes

HEADERS = ["规则", "对象", "机构", "机构代码", "责任部门", "区", "分析期起", "分析期止", "数值", "阈值", "严重程度",
           "处置期限", "状态", "处置人", "处置说明"]  # fmt: skip


def _row(a: Alert) -> list[Any]:
    return [
        a.rule_name, a.subject_id, a.institution.name if a.institution else "", a.institution_code,
        a.department.name, a.district.name if a.district else "", a.period_start, a.period_end, a.value,
        a.threshold, a.get_severity_display(), a.due_date, a.get_status_display(), a.disposed_by,
        a.disposition_reason,
    ]  # fmt: skip


def alert_queue_export(*, actor: Any, queryset: Any, query: dict[str, str]) -> bytes:
    audit_record(actor=actor, action="alerts.export", object_type="alert", data={"query": query})
    return workbook_bytes("预警", HEADERS, (_row(a) for a in queryset.iterator(chunk_size=2000)))
