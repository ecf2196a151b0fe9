"""Reference data over the API: regions and departments (not scoped: they are public facts)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from weijian.core.models import Department, Region

router = Router(tags=["reference"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None


class DepartmentOut(Schema):
    code: str
    name: str
    is_lead: bool
    duties: list[str]


@router.get("/regions", response=list[RegionOut])
def regions(request: HttpRequest, level: str | None = None, parent: str | None = None) -> list[RegionOut]:
    qs = Region.objects.select_related("parent")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    return [RegionOut(code=r.code, name=r.name, level=r.level, parent_code=r.parent.code if r.parent else None) for r in qs]


@router.get("/departments", response=list[DepartmentOut])
def departments(request: HttpRequest) -> list[DepartmentOut]:
    return [
        DepartmentOut(code=d.code, name=d.name, is_lead=d.is_lead, duties=[x.text for x in d.duties.all()])
        for d in Department.objects.prefetch_related("duties")
    ]
