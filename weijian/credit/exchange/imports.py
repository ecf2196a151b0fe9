"""Import of partner departments' and other regions' penalty records into the credit archive, through the
registry's strict importer (:func:`weijian.registry.imports.service.import_sheet`): every row checked whole and
rejected with its reasons, nothing half-saved (the valid rows go in one transaction with the batch and its rejects),
re-importing the same file changes nothing. Valid rows become :class:`~weijian.credit.models.CreditRecord` through
:func:`weijian.credit.facts.credit_record_ingest` (source ``partner``, the key ``<department>:<数据标识>``), then the
cross-region check runs on what was created (:mod:`weijian.credit.exchange.crossregion`).

The subject must be in the registry: an institution by its 统一社会信用代码, a practitioner by 执业证书编码 or
居民身份证号码 (matched by its keyed hash, never stored). A partner officer imports for their own department.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from weijian.core.identifiers import clean_cert_no, clean_ric, clean_uscc, id_digest
from weijian.core.models import Role
from weijian.core.scope import Scope, department_writable
from weijian.credit.facts import CreditFact, credit_record_ingest
from weijian.credit.models import Category, CreditRecord, SourceKind
from weijian.portal.models import Severity
from weijian.portal.windows import penalty_kind_codes
from weijian.registry import models as registry
from weijian.registry.imports import cells
from weijian.registry.imports.limits import Limits
from weijian.registry.imports.readers import Sheet, open_sheet
from weijian.registry.imports.service import ImportResult, import_sheet
from weijian.registry.imports.specs import Column, Context, KindSpec, Problems, RowError

KIND = "credit_records"
FULL_WIDTH_SEMICOLON = "；"  # i18n: data (a separator a cell may hold)
IMPORTERS = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.PARTNER_OFFICER})
SEVERITY = cells.choice(Severity)
USCC = cells.identifier(clean_uscc, gettext_lazy("18位统一社会信用代码"))
REGION_CODE = cells.code_text(r"\d{6}", gettext_lazy("应为6位行政区划代码（作出处罚的地区）"), "310101")
VIOLATION = cells.code_text(r"[0-9A-Za-z._-]{1,60}", gettext_lazy("违法行为代码：字母、数字、点、横线，最多60位"), "med.unlicensed")


def _cert(value: str) -> str:
    return clean_cert_no(value)


def _ric(value: str) -> str:
    return clean_ric(value)


class CreditRecordSpec(KindSpec):
    """One penalty decided by a partner department or another region (双公示 fields, keyed by 统一社会信用代码)."""

    kind, title, model = KIND, gettext_lazy("部门及异地信用记录"), CreditRecord
    editors = IMPORTERS
    columns = [
        Column("record_id", "数据标识", cells.text(80), example="SCJG-2026-0001",  # i18n: data (header)
               hint=gettext_lazy("报送部门内唯一；同一记录再次报送不会重复")),
        Column("department", "报送部门", cells.text(30), example="market",  # i18n: data (header)
               hint=gettext_lazy("部门代码（如 market、drug、insurance）")),
        Column("party_code", "行政相对人代码（统一社会信用代码）", USCC, False, example=""),  # i18n: data (header)
        Column("cert_no", "执业证书编码", cells.identifier(_cert), False, example=""),  # i18n: data (header)
        Column("id_number", "证件号码", cells.identifier(_ric), False, sensitive=True, example=""),  # i18n: data (header)
        Column("decision_number", "行政处罚决定书文号", cells.text(100), example="沪市监黄处〔2026〕1号"),  # i18n: data
        Column("violation_code", "违法行为代码", VIOLATION, False, example="med.unlicensed"),  # i18n: data (header)
        Column("violation_type", "违法行为类型", cells.text(200), example="未取得医疗机构执业许可证擅自执业"),  # i18n: data
        Column("penalty_kinds", "处罚类别", cells.text(200), False, example="fine",  # i18n: data (header)
               hint=gettext_lazy("处罚种类代码，多个以“;”分隔")),
        Column("severity", "严重程度", SEVERITY, example="一般"),  # i18n: data (header, example)
        Column("decided_on", "处罚决定日期", cells.date, example=dt.date(2026, 3, 2)),  # i18n: data (header)
        Column("origin_region", "处罚地区划代码", REGION_CODE, example="310101"),  # i18n: data (header)
        Column("authority", "处罚机关", cells.text(200), example="上海市黄浦区市场监督管理局"),  # i18n: data (header)
    ]
    key_fields = ("source_kind", "source_key")
    compare_fields = ()

    def existing(self) -> dict[tuple[Any, ...], tuple[int, dict[str, Any]]]:
        rows = CreditRecord.objects.filter(source_kind=SourceKind.PARTNER).values("pk", "source_kind", "source_key")
        return {(r["source_kind"], r["source_key"]): (r["pk"], r) for r in rows.iterator(chunk_size=5000)}

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        if not ctx.institutions:
            for pk, uscc, district in registry.Institution.objects.values_list("pk", "uscc", "district__code"):
                ctx.institutions[uscc] = pk
                ctx.institution_districts[pk] = district
            ctx.practitioners = dict(registry.Practitioner.objects.values_list("cert_no", "pk"))
        p = Problems(row, self)
        department = ctx.departments.get(row.get("department") or "")
        if department is None and "department" in row:
            p.add(RowError("department", row["department"], gettext("未知的部门代码")))
        subjects = [k for k in ("party_code", "cert_no", "id_number") if row.get(k)]
        institution = practitioner = None
        if len(subjects) != 1:
            p.add(RowError("party_code", "", gettext("当事人：须填写统一社会信用代码、执业证书编码或证件号码之一（且只填一项）")))
        elif subjects[0] == "party_code":
            institution = ctx.institutions.get(row["party_code"])
            if institution is None:
                p.add(RowError("party_code", row["party_code"], gettext("主体库中没有该统一社会信用代码")))
        elif subjects[0] == "cert_no":
            practitioner = ctx.practitioners.get(row["cert_no"])
            if practitioner is None:
                p.add(RowError("cert_no", row["cert_no"], gettext("人员库中没有该执业证书编码")))
        else:
            practitioner = (registry.Practitioner.objects.filter(id_digest=id_digest(row["id_number"]))
                            .values_list("pk", flat=True).first())  # fmt: skip
            if practitioner is None:
                p.add(RowError("id_number", row["id_number"], gettext("人员库中没有该证件号码的执业人员")))
        typed = str(row.get("penalty_kinds") or "").replace(FULL_WIDTH_SEMICOLON, ";")
        kinds = [k.strip() for k in typed.split(";") if k.strip()]
        known = penalty_kind_codes(row["decided_on"]) if row.get("decided_on") else []
        unknown = [k for k in kinds if known and k not in known]
        if unknown:
            p.add(RowError("penalty_kinds", ";".join(unknown), gettext("不是已知的处罚种类")))
        if row.get("decided_on") and row["decided_on"] > timezone.localdate():
            p.add(RowError("decided_on", row["decided_on"], gettext("不能晚于今天")))
        p.done()
        assert department is not None
        district = (ctx.institution_districts[institution] if institution is not None
                    else _practitioner_district(practitioner))  # fmt: skip
        return {
            "source_kind": SourceKind.PARTNER, "source_key": f"{department.code}:{row['record_id']}"[:120],
            "_department": department.code, "_institution": institution, "_practitioner": practitioner,
            "_district": district, "_row": row, "_kinds": kinds,
        }  # fmt: skip

    def guard(self, ctx: Context, obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
        if not department_writable(ctx.scope, obj["_department"]):
            raise RowError("department", obj["_department"], gettext("只能导入本部门的记录"))
        if ctx.scope.role != Role.PARTNER_OFFICER and not ctx.in_scope(obj["_district"]):
            raise RowError("party_code", obj["_row"].get("party_code") or "", gettext("该主体不在您的数据权限范围内"))

    def apply(self, to_create: list[dict[str, Any]], to_update: list[tuple[int, dict[str, Any]]]) -> None:
        from weijian.credit.exchange.crossregion import cross_region_scan

        facts = [_fact(obj) for obj in to_create]
        if not facts:
            return
        credit_record_ingest(actor="import:credit_records", facts=facts)
        keys = [f.source_key for f in facts]
        created = CreditRecord.objects.select_related("region", "institution", "practitioner").filter(
            source_kind=SourceKind.PARTNER, source_key__in=keys)  # fmt: skip
        cross_region_scan(records=list(created), actor="import:credit_records")


def _practitioner_district(pk: int | None) -> str:
    if pk is None:
        return ""
    owner = registry.keepers(registry.Registration.objects.filter(practitioner_id=pk)).get(pk)
    return owner or ""


def _fact(obj: dict[str, Any]) -> CreditFact:
    row = obj["_row"]
    return CreditFact(
        source_kind=SourceKind.PARTNER, source_key=obj["source_key"], occurred_on=row["decided_on"],
        severity=row["severity"], category=Category.PENALTY,
        title=f"{row['authority']} {row['decision_number']} {row['violation_type']}"[:300],
        region_code=obj["_district"] or _home_district(), department_code=obj["_department"],
        institution_id=obj["_institution"], practitioner_id=obj["_practitioner"],
        detail={"decision_number": row["decision_number"], "violation_type": row["violation_type"],
                "penalty_kinds": obj["_kinds"], "authority": row["authority"], "origin_region": row["origin_region"]},
        violation_code=row.get("violation_code") or "", reported_by=f"partner:{obj['_department']}",
    )  # fmt: skip


def _home_district() -> str:
    from weijian.core.selectors import home_city_code

    return home_city_code()


SPEC = CreditRecordSpec()


def import_records(*, data: bytes, filename: str, actor: Any, scope: Scope | None = None) -> ImportResult:
    """Import a file (xlsx or CSV) of partner or other-region records: the registry importer's rules and limits."""
    with open_sheet(data, filename, Limits.from_settings()) as sheet:
        return _run(sheet, filename, hashlib.sha256(data).hexdigest(), actor, scope)


def json_sheet(rows: list[dict[str, Any]]) -> tuple[Sheet, str]:
    """JSON objects as an import sheet (each object a row, its keys the column names) and its content digest."""
    headers: list[str] = list(dict.fromkeys(k for r in rows if isinstance(r, dict) for k in r))
    values = [(n, [r.get(h) if isinstance(r, dict) else None for h in headers]) for n, r in enumerate(rows, start=1)]
    return Sheet(headers=headers, rows=iter(values), format="json"), hashlib.sha256(repr(values).encode("utf-8")).hexdigest()


def import_rows(*, rows: list[dict[str, Any]], name: str, actor: Any, scope: Scope) -> ImportResult:
    """Import records given as JSON objects (the partner API): each object a row, its keys the column names."""
    sheet, digest = json_sheet(rows)
    return _run(sheet, name, digest, actor, scope)


def _run(sheet: Sheet, filename: str, sha256: str, actor: Any, scope: Scope | None) -> ImportResult:
    from weijian.core.scope import scope_of

    try:
        return import_sheet(kind=KIND, sheet=sheet, filename=filename, sha256=sha256, actor=actor,
                            scope=scope or scope_of(actor), spec=SPEC)  # fmt: skip
    finally:
        sheet.close()
