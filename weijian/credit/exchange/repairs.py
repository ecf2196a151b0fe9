"""The issuing department's repair results for the records it pushed (谁认定、谁修复).

Records imported from 市场监管, 药监 or other regions have no disclosure of this platform, so the portal's repair
request (:mod:`weijian.credit.repair`) cannot reach them: the department that decided the penalty repairs it, and
sends its result through the same exchange (xlsx, CSV or the JSON API's ``repairs``). A row names the earlier record
(its 数据标识, as that department pushed it) and the day it stops being published; it becomes a correction record
(source ``correction``, pointing at the earlier record — history is never rewritten), and the record leaves the
public view from that day (:func:`weijian.credit.exchange.partner_windows.partner_window`, computed when read). The rows go
through the registry's strict importer: each checked whole and rejected with its column and reason, nothing
half-saved, the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from weijian.core.models import Role
from weijian.core.scope import Scope, department_writable
from weijian.credit.exchange.imports import json_sheet
from weijian.credit.facts import CreditFact, credit_record_ingest
from weijian.credit.models import Category, CreditRecord, SourceKind
from weijian.registry.imports import cells
from weijian.registry.imports.limits import Limits
from weijian.registry.imports.readers import Sheet, open_sheet
from weijian.registry.imports.service import ImportResult, import_sheet
from weijian.registry.imports.specs import Column, Context, KindSpec, Problems, RowError

KIND = "credit_repairs"
IMPORTERS = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.PARTNER_OFFICER})


class RepairAction(models.TextChoices):
    REPAIR = "repair", gettext_lazy("信用修复")
    WITHDRAW = "withdraw", gettext_lazy("撤销公示")


class RepairSpec(KindSpec):
    """One repair or withdrawal, by the department that decided the penalty, of a record it pushed earlier."""

    kind, title, model = KIND, gettext_lazy("部门信用修复结果"), CreditRecord
    editors = IMPORTERS
    columns = [
        Column("record_id", "数据标识", cells.text(80), example="SCJG-XF-2026-0001",  # i18n: data (header)
               hint=gettext_lazy("本条修复结果在报送部门内唯一；再次报送不会重复")),
        Column("department", "报送部门", cells.text(30), example="market",  # i18n: data (header)
               hint=gettext_lazy("作出处罚决定的部门代码（谁认定、谁修复）")),
        Column("repair_of", "原记录数据标识", cells.text(80), example="SCJG-2026-0001",  # i18n: data (header)
               hint=gettext_lazy("该部门此前报送的处罚记录的数据标识")),
        Column("action", "修复类型", cells.choice(RepairAction), example="信用修复"),  # i18n: data (header, example)
        Column("effective_on", "停止公示日期", cells.date, example=dt.date(2026, 6, 1)),  # i18n: data (header)
        Column("decision_number", "修复决定文号", cells.text(100), False, example=""),  # i18n: data (header)
        Column("reason", "说明", cells.text(300), False, example=""),  # i18n: data (header)
    ]
    key_fields = ("source_kind", "source_key")
    compare_fields = ()

    def existing(self) -> dict[tuple[Any, ...], tuple[int, dict[str, Any]]]:
        rows = CreditRecord.objects.filter(source_kind=SourceKind.CORRECTION).values("pk", "source_kind", "source_key")
        return {(r["source_kind"], r["source_key"]): (r["pk"], r) for r in rows.iterator(chunk_size=5000)}

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        p = Problems(row, self)
        department = ctx.departments.get(row.get("department") or "")
        if department is None and "department" in row:
            p.add(RowError("department", row["department"], gettext("未知的部门代码")))
        key = f"{department.code if department else ''}:repair:{row.get('record_id', '')}"[:120]
        earlier = None
        if department is not None and row.get("repair_of"):
            earlier = (CreditRecord.objects.select_related("region")
                       .filter(source_kind=SourceKind.PARTNER, source_key=f"{department.code}:{row['repair_of']}").first())  # fmt: skip
            if earlier is None:
                p.add(RowError("repair_of", row["repair_of"], gettext("没有该部门报送的这一数据标识的记录")))
            elif earlier.category != Category.PENALTY:
                p.add(RowError("repair_of", row["repair_of"], gettext("原记录不是行政处罚，无需修复")))
            else:
                done = CreditRecord.objects.filter(corrects=earlier).exclude(source_key=key).first()
                if done is not None:
                    p.add(RowError("repair_of", row["repair_of"],
                                   gettext("该记录已于 %(day)s 修复或撤销") % {"day": done.occurred_on.isoformat()}))  # fmt: skip
        day = row.get("effective_on")
        if day and day > timezone.localdate():
            p.add(RowError("effective_on", day, gettext("不能晚于今天")))
        if day and earlier is not None and day < earlier.occurred_on:
            p.add(RowError("effective_on", day, gettext("不能早于处罚决定日期 %(day)s")
                           % {"day": earlier.occurred_on.isoformat()}))  # fmt: skip
        p.done()
        assert department is not None and earlier is not None
        return {"source_kind": SourceKind.CORRECTION, "source_key": key, "_department": department.code,
                "_earlier": earlier, "_district": earlier.region.code, "_row": row}  # fmt: skip

    def guard(self, ctx: Context, obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
        if not department_writable(ctx.scope, obj["_department"]):
            raise RowError("department", obj["_department"], gettext("只能报送本部门作出的处罚的修复结果"))
        if ctx.scope.role != Role.PARTNER_OFFICER and not ctx.in_scope(obj["_district"]):
            raise RowError("repair_of", obj["_row"].get("repair_of") or "", gettext("该主体不在您的数据权限范围内"))

    def apply(self, to_create: list[dict[str, Any]], to_update: list[tuple[int, dict[str, Any]]]) -> None:
        facts = [_fact(obj) for obj in to_create]
        if facts:
            credit_record_ingest(actor=f"import:{KIND}", facts=facts)


def _fact(obj: dict[str, Any]) -> CreditFact:
    row, earlier = obj["_row"], obj["_earlier"]
    with translation.override("zh-hans"):
        label = str(RepairAction(row["action"]).label)
    return CreditFact(
        source_kind=SourceKind.CORRECTION, source_key=obj["source_key"], occurred_on=row["effective_on"],
        severity=earlier.severity, category=earlier.category, title=f"{label}：{earlier.title}"[:300],  # i18n: data
        region_code=earlier.region.code, department_code=obj["_department"], institution_id=earlier.institution_id,
        practitioner_id=earlier.practitioner_id, reported_by=f"partner:{obj['_department']}",
        detail={"repair": row["action"], "effective_on": row["effective_on"].isoformat(),
                "decision_number": row.get("decision_number") or "", "reason": row.get("reason") or "",
                "issuer": obj["_department"]},
        corrects_kind=SourceKind.PARTNER, corrects_key=earlier.source_key,
    )  # fmt: skip


SPEC = RepairSpec()


def import_repairs(*, data: bytes, filename: str, actor: Any, scope: Scope | None = None) -> ImportResult:
    """Import a file (xlsx or CSV) of repair results: the registry importer's rules and limits."""
    with open_sheet(data, filename, Limits.from_settings()) as sheet:
        return _run(sheet, filename, hashlib.sha256(data).hexdigest(), actor, scope)


def import_repair_rows(*, rows: list[dict[str, Any]], name: str, actor: Any, scope: Scope) -> ImportResult:
    """Import repair results given as JSON objects (the partner API's ``repairs``)."""
    sheet, digest = json_sheet(rows)
    return _run(sheet, name, digest, actor, scope)


def _run(sheet: Sheet, filename: str, sha256: str, actor: Any, scope: Scope | None) -> ImportResult:
    from weijian.core.scope import scope_of

    try:
        return import_sheet(kind=KIND, sheet=sheet, filename=filename, sha256=sha256, actor=actor,
                            scope=scope or scope_of(actor), spec=SPEC)  # fmt: skip
    finally:
        sheet.close()
