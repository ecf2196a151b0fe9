"""What each import kind accepts: columns (contract name, Chinese header, parser) and how a row maps to a model.

A file may use the contract's column names (``institution_id``) or the Chinese headers of the
downloadable template (``统一社会信用代码``). Extra columns are reported as ignored, never guessed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models

from weijian.core.identifiers import clean_badge_no, clean_cert_no, clean_ric, clean_uscc, mask_ric
from weijian.core.models import Department, Region
from weijian.core.scope import Scope
from weijian.core.text import search_key
from weijian.registry import models as m
from weijian.registry.imports import cells

DEPT_CODE = cells.code_text(r"\d{2}(\.\d{2})?", "诊疗科目代码应为两位数字，或两位数字加“.”加两位数字（如 03.01）")
REGION_CODE = cells.code_text(r"\d{6}", "区划代码应为6位数字")
STREET_CODE = cells.code_text(r"\d{9}", "街道代码应为9位数字")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: cells.Parser
    required: bool = True
    default: Any = None
    hint: str = ""
    sensitive: bool = False  # a personal identifier: masked wherever it is reported back


class RowError(ValueError):
    def __init__(self, column: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


@dataclass
class Context:
    """Look-ups shared by the rows of one import, loaded once."""

    scope: Scope
    regions: dict[str, Region] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    institutions: dict[str, int] = field(default_factory=dict)  # uscc → pk
    institution_districts: dict[int, str] = field(default_factory=dict)  # pk → district code
    practitioners: dict[str, int] = field(default_factory=dict)  # cert_no → pk

    def in_scope(self, region_code: str) -> bool:
        if self.scope.role == "city_admin" and self.scope.region_prefix is None:
            return True
        return self.scope.region_prefix is not None and region_code.startswith(self.scope.region_prefix)


def _region(ctx: Context, code: str, column: str, levels: tuple[str, ...]) -> Region:
    region = ctx.regions.get(code)
    if region is None or region.level not in levels:
        raise RowError(column, code, "未知的区划代码")
    return region


def _institution(ctx: Context, uscc: str, column: str = "institution_id") -> int:
    pk = ctx.institutions.get(uscc)
    if pk is None:
        raise RowError(column, uscc, "机构库中没有该统一社会信用代码，请先导入机构")
    if not ctx.in_scope(ctx.institution_districts[pk]):
        raise RowError(column, uscc, "该机构不在您的数据权限范围内")
    return pk


def _practitioner(ctx: Context, cert_no: str) -> int:
    pk = ctx.practitioners.get(cert_no)
    if pk is None:
        raise RowError("practitioner_id", cert_no, "人员库中没有该执业证书编码，请先导入执业人员")
    return pk


def _check_period(row: dict[str, Any], start: str, end: str) -> None:
    if row.get(start) and row.get(end) and row[end] < row[start]:
        raise RowError(end, row[end], "有效期止早于有效期起")


def id_digest(id_number: str) -> str:
    """A keyed hash of a 身份证 number: lets records be matched without keeping the number."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{id_number}".encode()).hexdigest()


class KindSpec:
    kind: str
    title: str
    model: type[models.Model]
    columns: list[Column]
    key_fields: tuple[str, ...]
    compare_fields: tuple[str, ...]

    def natural_key(self, obj: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(obj[f] for f in self.key_fields)

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        """Model field values for a parsed row, or RowError."""
        raise NotImplementedError

    def existing(self) -> dict[tuple[Any, ...], tuple[int, dict[str, Any]]]:
        rows = self.model._default_manager.values("pk", *self.key_fields, *self.compare_fields)
        return {tuple(r[f] for f in self.key_fields): (r["pk"], r) for r in rows.iterator(chunk_size=5000)}

    def header_map(self) -> dict[str, Column]:
        result: dict[str, Column] = {}
        for column in self.columns:
            result[column.key] = column
            result[column.header] = column
        return result


class InstitutionSpec(KindSpec):
    kind, title, model = "institutions", "医疗机构", m.Institution
    columns = [
        Column("institution_id", "统一社会信用代码", cells.identifier(clean_uscc)),
        Column("name", "机构名称", cells.text(200)),
        Column("kind", "机构类别", cells.choice(m.InstitutionKind)),
        Column("level", "级别", cells.choice(m.InstitutionLevel), False, "none"),
        Column("district_code", "所在区划代码", REGION_CODE),
        Column("street_code", "街道代码", STREET_CODE, False),
        Column("address", "地址", cells.text(300), False, ""),
        Column("beds", "核定床位", cells.non_negative_int, False, 0),
        Column("ownership", "举办性质", cells.choice(m.Ownership), False, "private"),
        Column("profit", "经营性质", cells.choice(m.ProfitStatus), False, "forprofit"),
        Column("licence_no", "执业许可证登记号", cells.text(40), False, ""),
        Column("licence_valid_from", "许可证有效期起", cells.date, False),
        Column("licence_valid_to", "许可证有效期止", cells.date, False),
        Column("status", "状态", cells.choice(m.InstitutionStatus), False, "active"),
        Column("status_since", "状态起始日", cells.date, False),
        Column("wastewater_class", "污水排放类别", cells.choice(m.WastewaterClass), False, ""),
    ]
    key_fields = ("uscc",)
    compare_fields = (
        "name", "kind", "level", "ownership", "profit", "district_id", "street_id", "address", "beds",
        "licence_no", "licence_valid_from", "licence_valid_to", "status", "status_since", "wastewater_class",
    )  # fmt: skip

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        district = _region(ctx, row["district_code"], "district_code", ("district",))
        if not ctx.in_scope(district.code):
            raise RowError("district_code", district.code, "该区不在您的数据权限范围内")
        street = None
        if row.get("street_code"):
            street = _region(ctx, row["street_code"], "street_code", ("street",))
            if street.parent_id != district.pk:
                raise RowError("street_code", row["street_code"], "该街道不属于所填的区")
        _check_period(row, "licence_valid_from", "licence_valid_to")
        return {
            "uscc": row["institution_id"], "name": row["name"], "kind": row["kind"], "level": row["level"],
            "ownership": row["ownership"], "profit": row["profit"], "district_id": district.pk,
            "street_id": street.pk if street else None, "address": row["address"], "beds": row["beds"],
            "licence_no": row["licence_no"], "licence_valid_from": row.get("licence_valid_from"),
            "licence_valid_to": row.get("licence_valid_to"), "status": row["status"],
            "status_since": row.get("status_since"), "wastewater_class": row["wastewater_class"] or "",
            "search_text": search_key(row["name"], row["address"], row["institution_id"]),
        }  # fmt: skip


class InstitutionDeptSpec(KindSpec):
    kind, title, model = "institution_depts", "核准诊疗科目", m.InstitutionDept
    columns = [
        Column("institution_id", "统一社会信用代码", cells.identifier(clean_uscc)),
        Column("dept_code", "诊疗科目代码", DEPT_CODE),
        Column("valid_from", "有效期起", cells.date),
        Column("valid_to", "有效期止", cells.date, False),
    ]
    key_fields = ("institution_id", "dept_code", "valid_from")
    compare_fields = ("valid_to",)

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        _check_period(row, "valid_from", "valid_to")
        return {
            "institution_id": _institution(ctx, row["institution_id"]),
            "dept_code": row["dept_code"],
            "valid_from": row["valid_from"],
            "valid_to": row.get("valid_to"),
        }


class PractitionerSpec(KindSpec):
    kind, title, model = "practitioners", "执业人员", m.Practitioner
    columns = [
        Column("practitioner_id", "执业证书编码", cells.identifier(clean_cert_no)),
        Column("name", "姓名", cells.text(50)),
        Column("kind", "类别", cells.choice(m.PractitionerKind)),
        Column("status", "状态", cells.choice(m.PractitionerStatus), False, "active"),
        Column("status_since", "状态起始日", cells.date, False),
        Column("licence_valid_to", "执业证有效期止", cells.date, False),
        Column("id_number", "身份证号码", cells.identifier(clean_ric), False, hint="只保存脱敏号码", sensitive=True),
    ]
    key_fields = ("cert_no",)
    compare_fields = ("name", "kind", "status", "status_since", "licence_valid_to", "id_masked", "id_digest")

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        id_number = row.get("id_number") or ""
        return {
            "cert_no": row["practitioner_id"], "name": row["name"], "kind": row["kind"], "status": row["status"],
            "status_since": row.get("status_since"), "licence_valid_to": row.get("licence_valid_to"),
            "id_masked": mask_ric(id_number) if id_number else "",
            "id_digest": id_digest(id_number) if id_number else "",
            "search_text": search_key(row["name"], row["practitioner_id"]),
        }  # fmt: skip

class PractitionerScopeSpec(KindSpec):
    kind, title, model = "practitioner_scopes", "执业范围", m.PractitionerScope
    columns = [
        Column("practitioner_id", "执业证书编码", cells.identifier(clean_cert_no)),
        Column("dept_code", "诊疗科目代码", DEPT_CODE),
    ]
    key_fields = ("practitioner_id", "dept_code")
    compare_fields = ()

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"practitioner_id": _practitioner(ctx, row["practitioner_id"]), "dept_code": row["dept_code"]}


class RegistrationSpec(KindSpec):
    kind, title, model = "registrations", "执业注册（含多点执业）", m.Registration
    columns = [
        Column("practitioner_id", "执业证书编码", cells.identifier(clean_cert_no)),
        Column("institution_id", "执业机构统一社会信用代码", cells.identifier(clean_uscc)),
        Column("is_primary", "是否主要执业机构", cells.boolean, False, False),
        Column("valid_from", "有效期起", cells.date),
        Column("valid_to", "有效期止", cells.date, False),
    ]
    key_fields = ("practitioner_id", "institution_id", "valid_from")
    compare_fields = ("is_primary", "valid_to")

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        _check_period(row, "valid_from", "valid_to")
        return {
            "practitioner_id": _practitioner(ctx, row["practitioner_id"]),
            "institution_id": _institution(ctx, row["institution_id"]),
            "is_primary": row["is_primary"],
            "valid_from": row["valid_from"],
            "valid_to": row.get("valid_to"),
        }


class InspectorSpec(KindSpec):
    kind, title, model = "inspectors", "执法人员", m.Inspector
    columns = [
        Column("badge_no", "执法证号", cells.identifier(clean_badge_no)),
        Column("name", "姓名", cells.text(50)),
        Column("department", "部门", cells.text(60)),
        Column("region_code", "所属区划代码", REGION_CODE),
        Column("fields", "执法领域", cells.text(300), False, ""),
        Column("active", "在岗", cells.boolean, False, True),
    ]
    key_fields = ("badge_no",)
    compare_fields = ("name", "department_id", "region_id", "fields", "active")

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        department = ctx.departments.get(row["department"])
        if department is None:
            raise RowError("department", row["department"], "未知的部门（填部门代码如 health，或部门名称）")
        region = _region(ctx, row["region_code"], "region_code", ("province", "city", "district"))
        if not ctx.in_scope(region.code):
            raise RowError("region_code", region.code, "该区域不在您的数据权限范围内")
        if ctx.scope.role != "city_admin" and department.code != ctx.scope.department_code:
            raise RowError("department", row["department"], "只能导入本部门的执法人员")
        fields = ";".join(f.strip() for f in row["fields"].replace("；", ";").replace("、", ";").split(";") if f.strip())
        return {
            "badge_no": row["badge_no"], "name": row["name"], "department_id": department.pk,
            "region_id": region.pk, "fields": fields, "active": row["active"],
            "search_text": search_key(row["name"], row["badge_no"]),
        }  # fmt: skip


SPECS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        InstitutionSpec(),
        InstitutionDeptSpec(),
        PractitionerSpec(),
        PractitionerScopeSpec(),
        RegistrationSpec(),
        InspectorSpec(),
    )
}
