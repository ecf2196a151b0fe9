"""Registry endpoints. Each handler validates its input and calls one selector or service."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import File, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import BeforeValidator, Field

from weijian.core.identifiers import normalize_identifier
from weijian.core.scope import can_edit_registry
from weijian.registry import selectors
from weijian.registry.imports.readers import ImportFileError
from weijian.registry.imports.service import import_upload
from weijian.registry.imports.specs import SPECS

router = Router(tags=["registry"])

ImportKind = Literal[
    "regions", "institutions", "institution_depts", "practitioners", "practitioner_scopes", "registrations", "inspectors",
    "inspector_conflicts",
]


def _identifier(value: Any) -> Any:
    return normalize_identifier(value) if isinstance(value, str) else value


# A query parameter that is an identifier or a code: normalised (full-width, spaces) before it is validated.
Normalized = BeforeValidator(_identifier)


class Page(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class InstitutionFilter(Page):
    q: str | None = Field(None, max_length=100)
    district: Annotated[str | None, Normalized] = Field(None, pattern=r"^\d{6}$")
    kind: Literal["hospital", "specialist_hospital", "community_health_center", "clinic", "aesthetic_clinic", "other"] | None = None
    status: Literal["active", "suspended", "revoked", "closed"] | None = None
    level: Literal["III", "II", "I", "none"] | None = None


class InstitutionOut(Schema):
    uscc: str
    name: str
    kind: str
    level: str
    ownership: str
    profit: str
    district_code: str
    district_name: str
    address: str
    beds: int
    licence_no: str
    licence_valid_from: dt.date | None
    licence_valid_to: dt.date | None
    status: str
    status_since: dt.date | None


class DeptOut(Schema):
    dept_code: str
    valid_from: dt.date
    valid_to: dt.date | None


class InstitutionDetail(InstitutionOut):
    street_code: str | None
    wastewater_class: str
    depts: list[DeptOut]
    practitioner_count: int


class InstitutionPage(Schema):
    count: int
    items: list[InstitutionOut]


def _institution_out(i) -> dict:  # type: ignore[no-untyped-def]
    return {
        "uscc": i.uscc, "name": i.name, "kind": i.kind, "level": i.level, "ownership": i.ownership,
        "profit": i.profit, "district_code": i.district.code, "district_name": i.district.name,
        "address": i.address, "beds": i.beds, "licence_no": i.licence_no,
        "licence_valid_from": i.licence_valid_from, "licence_valid_to": i.licence_valid_to,
        "status": i.status, "status_since": i.status_since,
    }  # fmt: skip


@router.get("/institutions", response=InstitutionPage, summary="医疗机构列表（可按繁简体名称搜索）")
def institutions(request: HttpRequest, filters: Query[InstitutionFilter]) -> dict:
    qs = selectors.institution_list(
        request.user, q=filters.q, district=filters.district, kind=filters.kind, status=filters.status, level=filters.level
    )
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [_institution_out(i) for i in items]}


@router.get("/institutions/{uscc}", response=InstitutionDetail, summary="医疗机构详情")
def institution(request: HttpRequest, uscc: str) -> dict:
    i = selectors.institution_get(request.user, uscc)
    return {
        **_institution_out(i),
        "street_code": i.street.code if i.street else None,
        "wastewater_class": i.wastewater_class,
        "depts": [{"dept_code": d.dept_code, "valid_from": d.valid_from, "valid_to": d.valid_to} for d in i.depts.all()],
        "practitioner_count": len({r.practitioner_id for r in i.registrations.all()}),
    }


class PractitionerFilter(Page):
    q: str | None = Field(None, max_length=100)
    kind: Literal["physician", "assistant_physician", "nurse", "pharmacist", "technician"] | None = None
    status: Literal["active", "suspended", "revoked"] | None = None
    institution: Annotated[str | None, Normalized] = Field(None, min_length=18, max_length=18)


class PractitionerOut(Schema):
    cert_no: str
    name: str
    kind: str
    status: str
    status_since: dt.date | None
    licence_valid_to: dt.date | None
    id_masked: str


class RegistrationOut(Schema):
    institution_uscc: str
    institution_name: str
    is_primary: bool
    valid_from: dt.date
    valid_to: dt.date | None


class PractitionerDetail(PractitionerOut):
    scopes: list[str]
    registrations: list[RegistrationOut]


class PractitionerPage(Schema):
    count: int
    items: list[PractitionerOut]


@router.get("/practitioners", response=PractitionerPage, summary="执业人员列表")
def practitioners(request: HttpRequest, filters: Query[PractitionerFilter]) -> dict:
    qs = selectors.practitioner_list(
        request.user, q=filters.q, kind=filters.kind, status=filters.status, institution=filters.institution
    )
    return {"count": qs.count(), "items": list(qs[filters.offset : filters.offset + filters.limit])}


@router.get("/practitioners/{cert_no}", response=PractitionerDetail, summary="执业人员详情（含多点执业）")
def practitioner(request: HttpRequest, cert_no: str) -> dict:
    p = selectors.practitioner_get(request.user, cert_no)
    regs = selectors.visible_registrations(request.user, p)
    return {
        **{f: getattr(p, f) for f in PractitionerOut.model_fields},
        "scopes": [s.dept_code for s in p.scopes.all()],
        "registrations": [
            {"institution_uscc": r.institution.uscc, "institution_name": r.institution.name, "is_primary": r.is_primary,
             "valid_from": r.valid_from, "valid_to": r.valid_to}
            for r in regs
        ],
    }  # fmt: skip


class InspectorFilter(Page):
    q: str | None = Field(None, max_length=100)
    region: Annotated[str | None, Normalized] = Field(None, pattern=r"^\d{6}$")
    department: str | None = Field(None, max_length=30)
    active: bool | None = None


class InspectorOut(Schema):
    badge_no: str
    name: str
    department: str
    region_code: str
    region_name: str
    fields: list[str]
    active: bool


class InspectorPage(Schema):
    count: int
    items: list[InspectorOut]


def _inspector_out(i) -> dict:  # type: ignore[no-untyped-def]
    return {
        "badge_no": i.badge_no, "name": i.name, "department": i.department.code, "region_code": i.region.code,
        "region_name": i.region.name, "fields": i.field_list, "active": i.active,
    }  # fmt: skip


@router.get("/inspectors", response=InspectorPage, summary="执法人员名录")
def inspectors(request: HttpRequest, filters: Query[InspectorFilter]) -> dict:
    qs = selectors.inspector_list(
        request.user, q=filters.q, region=filters.region, department=filters.department, active=filters.active
    )
    return {"count": qs.count(), "items": [_inspector_out(i) for i in qs[filters.offset : filters.offset + filters.limit]]}


@router.get("/inspectors/{badge_no}", response=InspectorOut, summary="执法人员详情")
def inspector(request: HttpRequest, badge_no: str) -> dict:
    return _inspector_out(selectors.inspector_get(request.user, badge_no))


class RejectOut(Schema):
    row: int
    column: str
    value: str
    reason: str


class ImportOut(Schema):
    batch_id: int | None
    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    rejects: list[RejectOut]
    ignored_columns: list[str]


@router.post("/imports/{kind}", response={200: ImportOut, 400: dict, 403: dict}, summary="导入表格（.xlsx / .csv）")
def import_file(request: HttpRequest, kind: ImportKind, file: File[UploadedFile]) -> Status[dict]:
    if not can_edit_registry(request.user):
        raise HttpError(403, "无导入权限")
    if kind not in SPECS:
        raise HttpError(400, f"未知的导入类型 {kind}")
    try:
        result = import_upload(kind=kind, upload=file, actor=request.user)
    except ImportFileError as exc:
        return Status(400, {"detail": str(exc), "field": "file"})
    return Status(200, {
        "batch_id": result.batch_id, "kind": result.kind, "rows": result.rows, "created": result.created,
        "updated": result.updated, "unchanged": result.unchanged, "rejected": result.rejected,
        "rejects": [r.as_dict() for r in result.rejects], "ignored_columns": result.ignored_columns,
    })  # fmt: skip
