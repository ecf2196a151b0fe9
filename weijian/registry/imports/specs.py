"""What each import kind accepts: columns (contract name, Chinese header, parser) and how a row maps to a model.

A file may use the contract's column names (``institution_id``) or the Chinese headers of the
downloadable template (``统一社会信用代码``, or an earlier header kept as an alias). Extra columns are
reported as ignored, never guessed.

A row is checked whole: ``build`` collects every problem it can find (:class:`Problems`) and raises them
together (:class:`RowErrors`), so that a user fixes a row once. What a column accepts, for the template
(说明, drop-downs, example row), comes from its parser's :class:`~weijian.registry.imports.cells.Format`
and the column's ``hint`` and ``example``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from weijian.core.identifiers import (
    IdentifierError,
    clean_badge_no,
    clean_cert_no,
    clean_ric,
    clean_uscc,
    id_digest,
    mask_ric,
    normalize_identifier,
)
from weijian.core.models import Department, Region, Role
from weijian.core.scope import ASK_CITY, Scope, department_writable, region_writable
from weijian.registry import kinds
from weijian.registry import models as m
from weijian.registry.fields import FieldCodeError, normalize_fields
from weijian.registry.imports import cells
from weijian.registry.services import PRIMARY_ELSEWHERE


def code(pattern: str, message: cells.Text, example: Any = None) -> cells.Parser:
    """A code column (区划, 诊疗科目): normalised like every identifier, then matched against ``pattern``."""
    parse = cells.code_text(pattern, message, example)
    return cells.described(
        lambda value: parse(normalize_identifier(value) if isinstance(value, str) else value), cells.format_of(parse)
    )


# Column headers (and their aliases) are the file format: an import matches them as typed, so they stay in
# Chinese in every language (marked ``i18n: data``); what the template says about a column follows the user's.
DEPT_CODE = code(r"\d{2}(\.\d{2})?", gettext_lazy("诊疗科目代码应为两位数字，或两位数字加“.”加两位数字（如 03.01）"), "03")
DISTRICT = cells.region(("district",), r"\d{6}", gettext_lazy("应为6位区县代码"), gettext_lazy("区县"))
STREET = cells.region(("street",), r"\d{9}", gettext_lazy("应为9位街道乡镇代码"), gettext_lazy("街道乡镇"))
USCC = cells.identifier(clean_uscc, gettext_lazy("18位统一社会信用代码"))
CERT_NO = cells.identifier(clean_cert_no, gettext_lazy("执业证书编码，位数随人员类别（见“类别”）"))


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: cells.Parser
    required: bool = True
    default: Any = None
    hint: str | Promise = ""
    sensitive: bool = False  # a personal identifier: masked wherever it is reported back
    aliases: tuple[str, ...] = ()  # earlier headers still accepted
    example: Any = None  # the template's example value, or a callable of the template's samples


Sample = Callable[[Any], Any]


class RowError(ValueError):
    def __init__(self, column: str, value: Any, reason: str) -> None:
        reason = str(reason)  # a translated message, in the language of the import
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


class RowErrors(ValueError):
    """Every problem found in one row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.reason for e in errors))
        self.errors = errors


class Problems:
    """Collects a row's problems while ``build`` checks it. A check whose columns did not parse is skipped
    (their own errors are reported already); :meth:`done` raises everything found, or — when some column
    did not parse — stops the row without building it."""

    def __init__(self, row: dict[str, Any], spec: KindSpec) -> None:
        self.row, self.errors = row, []
        self.incomplete = any(c.key not in row for c in spec.columns)

    def run(self, check: Callable[..., Any], *args: Any, needs: tuple[str, ...] = ()) -> Any:
        if any(key not in self.row for key in needs):
            return None
        try:
            return check(*args)
        except RowError as exc:
            self.errors.append(exc)
        except RowErrors as exc:
            self.errors.extend(exc.errors)
        return None

    def add(self, error: RowError) -> None:
        self.errors.append(error)

    def done(self) -> None:
        if self.errors or self.incomplete:
            raise RowErrors(self.errors)


@dataclass
class Accounts:
    """监督员 accounts an inspector row may link: username → (pk, region code, department code), and which
    inspector (执法证号) each account is linked to already (stored, or by an earlier row of the file)."""

    by_username: dict[str, tuple[int, str | None, str | None]]
    linked: dict[int, str]

    @classmethod
    def load(cls) -> Accounts:
        from django.contrib.auth import get_user_model

        rows = get_user_model().objects.filter(profile__role=Role.INSPECTOR).values_list(
            "pk", "username", "profile__region__code", "profile__department__code"
        )
        linked = dict(m.Inspector.objects.filter(user__isnull=False).values_list("user_id", "badge_no"))
        return cls({username: (pk, region, dept) for pk, username, region, dept in rows}, linked)


@dataclass
class Context:
    """Look-ups shared by the rows of one import, loaded once."""

    scope: Scope
    regions: dict[str, Region] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    region_codes: dict[int, str] = field(default_factory=dict)  # pk → code
    department_codes: dict[int, str] = field(default_factory=dict)  # pk → code
    institutions: dict[str, int] = field(default_factory=dict)  # uscc → pk
    institution_districts: dict[int, str] = field(default_factory=dict)  # pk → district code
    practitioners: dict[str, int] = field(default_factory=dict)  # cert_no → pk
    practitioner_owners: dict[int, str] = field(default_factory=dict)  # pk → district of the primary registration
    registered: set[tuple[int, int]] = field(default_factory=set)  # (practitioner pk, institution pk) registrations
    new_regions: dict[str, str] = field(default_factory=dict)  # code → level, added by earlier rows
    region_names: dict[str, list[Region]] | None = None  # name → regions, built on first use
    accounts: Accounts | None = None  # 监督员 accounts, loaded by the first inspector row that names one
    inspectors: dict[str, tuple[int, str, str]] | None = None  # badge_no → (pk, region, department), loaded on use

    def in_scope(self, region_code: str | None) -> bool:
        """The write-side guard's region rule (``weijian.core.scope.region_writable``) for this import."""
        return region_writable(self.scope, region_code)

    @property
    def is_city_office(self) -> bool:
        return self.scope.role == Role.CITY_ADMIN

    def owns_practitioner(self, pk: int) -> bool:
        """A practitioner's own fields are changed by the district of the primary registration, or the city
        (which alone keeps a practitioner with no current primary registration)."""
        owner = self.practitioner_owners.get(pk)
        return self.is_city_office if owner is None else self.in_scope(owner)


def _region(ctx: Context, code: str, column: str, levels: tuple[str, ...]) -> Region:
    region = ctx.regions.get(code)
    if region is None or region.level not in levels:
        raise RowError(column, code, gettext("未知的区划代码"))
    return region


def _institution(ctx: Context, uscc: str, column: str = "institution_id") -> int:
    pk = ctx.institutions.get(uscc)
    if pk is None:
        raise RowError(column, uscc, gettext("机构库中没有该统一社会信用代码，请先导入机构"))
    if not ctx.in_scope(ctx.institution_districts[pk]):
        raise RowError(column, uscc, gettext("该机构不在您的数据权限范围内"))
    return pk


def _practitioner(ctx: Context, cert_no: str) -> int:
    pk = ctx.practitioners.get(cert_no)
    if pk is None:
        raise RowError("practitioner_id", cert_no, gettext("人员库中没有该执业证书编码，请先导入执业人员"))
    return pk


def _fields(obj: dict[str, Any]) -> dict[str, Any]:
    """A row's model fields; keys starting with ``_`` travel with it for ``after_create``."""
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _ask_city(column: str, value: Any) -> RowError:
    """A key that exists outside the user's scope: say whom to ask, show nothing of the record."""
    return RowError(column, value, ASK_CITY)


def _field_codes(value: str) -> str:
    """执法领域 codes or names, separated by ";" or "、", as the stored ";"-joined codes."""
    try:
        return normalize_fields(value)
    except FieldCodeError as exc:
        raise RowError("fields", value, str(exc)) from exc


def _check_period(row: dict[str, Any], start: str, end: str) -> None:
    if row.get(start) and row.get(end) and row[end] < row[start]:
        raise RowError(end, row[end], gettext("有效期止早于有效期起"))


class KindSpec:
    kind: str
    title: str | Promise
    model: type[models.Model]
    columns: list[Column]
    key_fields: tuple[str, ...]
    compare_fields: tuple[str, ...]

    def natural_key(self, obj: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(obj[f] for f in self.key_fields)

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        """Model field values for a parsed row, or RowError."""
        raise NotImplementedError

    def guard(self, ctx: Context, obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
        """The write-side guard for one row: the stored record (``stored``, None when new) and the new values
        (``obj``) must both be inside the importer's scope. Raise RowError otherwise."""
        raise NotImplementedError

    def after_create(self, objects: list[dict[str, Any]]) -> None:
        """Create what comes with the new records (after they exist). Nothing by default."""

    def existing(self) -> dict[tuple[Any, ...], tuple[int, dict[str, Any]]]:
        rows = self.model._default_manager.values("pk", *self.key_fields, *self.compare_fields)
        return {tuple(r[f] for f in self.key_fields): (r["pk"], r) for r in rows.iterator(chunk_size=5000)}

    def apply(self, to_create: list[dict[str, Any]], to_update: list[tuple[int, dict[str, Any]]]) -> None:
        """Write the validated rows (inside the importer's transaction), then what comes with the new ones."""
        model = self.model
        if to_create:
            model._default_manager.bulk_create([model(**_fields(obj)) for obj in to_create], batch_size=2000)
            self.after_create(to_create)
        if to_update:
            fields = [f for f in _fields(to_update[0][1]) if f not in self.key_fields]
            objects = [model(pk=pk, **_fields(obj)) for pk, obj in to_update]
            model._default_manager.bulk_update(objects, fields, batch_size=500)

    def header_map(self) -> dict[str, Column]:
        result: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.key, column.header, *column.aliases):
                result[name] = column
        return result


LICENCE_HINT = gettext_lazy(
    "医疗机构填执业许可证登记号；公共场所、供水单位、消毒产品生产企业填卫生许可证号；放射、职业卫生用人单位填备案号；学校不填"
)


class InstitutionSpec(KindSpec):
    kind, title, model = "institutions", gettext_lazy("被监督单位（医疗机构、公共场所等）"), m.Institution
    columns = [
        Column("institution_id", "统一社会信用代码", USCC, example=lambda s: s.new_uscc),  # i18n: data (header)
        Column("name", "机构名称", cells.text(200), example="示例诊所"),  # i18n: data (header)
        Column("kind", "机构类别", cells.choice(m.InstitutionKind), example="诊所/门诊部"),  # i18n: data (header)
        Column("level", "级别", cells.choice(m.InstitutionLevel), False, "none", example="未定级"),  # i18n: data (header)
        Column("district_code", "所在区", DISTRICT, aliases=("所在区划代码",)),  # i18n: data (header)
        Column("street_code", "所在街道", STREET, False, hint=gettext_lazy("须属于所填的区"), aliases=("街道代码",)),  # i18n: data (header)
        Column("address", "地址", cells.text(300), False, "", example="示例路1号"),  # i18n: data (header)
        Column("beds", "核定床位", cells.non_negative_int, False, 0),  # i18n: data (header)
        Column("ownership", "举办性质", cells.choice(m.Ownership), False, "private"),  # i18n: data (header)
        Column("profit", "经营性质", cells.choice(m.ProfitStatus), False, "forprofit"),  # i18n: data (header)
        Column("licence_no", "许可证（备案）编号", cells.text(40), False, "", hint=LICENCE_HINT,  # i18n: data (header)
               aliases=("执业许可证登记号",), example="PDY00001231011517A1002"),  # i18n: data (header alias, example)
        Column("licence_valid_from", "许可证有效期起", cells.date, False),  # i18n: data (header)
        Column("licence_valid_to", "许可证有效期止", cells.date, False, hint=gettext_lazy("不早于有效期起"),  # i18n: data (header)
               example=dt.date(2028, 12, 31)),
        Column("status", "状态", cells.choice(m.InstitutionStatus), False, "active"),  # i18n: data (header)
        Column("status_since", "状态起始日", cells.date, False),  # i18n: data (header)
        Column("wastewater_class", "污水排放类别", cells.choice(m.WastewaterClass), False, ""),  # i18n: data (header)
    ]
    key_fields = ("uscc",)
    compare_fields = (
        "name", "kind", "level", "ownership", "profit", "district_id", "street_id", "address", "beds",
        "licence_no", "licence_valid_from", "licence_valid_to", "status", "status_since", "wastewater_class",
    )  # fmt: skip

    def guard(self, ctx: Context, obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
        if stored is not None and not ctx.in_scope(ctx.region_codes.get(stored["district_id"])):
            raise _ask_city("institution_id", obj["uscc"])
        if not ctx.in_scope(ctx.region_codes.get(obj["district_id"])):
            raise RowError("district_code", ctx.region_codes.get(obj["district_id"]), gettext("该区不在您的数据权限范围内"))

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        p = Problems(row, self)
        district = p.run(_region, ctx, row.get("district_code"), "district_code", ("district",), needs=("district_code",))
        street = None
        if row.get("street_code"):
            street = p.run(_region, ctx, row["street_code"], "street_code", ("street",))
            if street is not None and district is not None and street.parent_id != district.pk:
                p.add(RowError("street_code", row["street_code"], gettext("该街道不属于所填的区")))
        p.run(_check_period, row, "licence_valid_from", "licence_valid_to", needs=("licence_valid_from", "licence_valid_to"))
        if "kind" in row and kinds.licence_of(row["kind"]) == m.LicenceKind.NONE and (
            row.get("licence_no") or row.get("licence_valid_from") or row.get("licence_valid_to")
        ):
            label = m.InstitutionKind(row["kind"]).label
            reason = gettext("%(kind)s没有卫生健康部门核发的许可证或备案，许可证各列应留空") % {"kind": label}
            p.add(RowError("licence_no", row.get("licence_no"), reason))
        p.done()
        assert district is not None
        obj = {
            "uscc": row["institution_id"], "name": row["name"], "kind": row["kind"], "level": row["level"],
            "ownership": row["ownership"], "profit": row["profit"], "district_id": district.pk,
            "street_id": street.pk if street else None, "address": row["address"], "beds": row["beds"],
            "licence_no": row["licence_no"], "licence_valid_from": row.get("licence_valid_from"),
            "licence_valid_to": row.get("licence_valid_to"), "status": row["status"],
            "status_since": row.get("status_since"), "wastewater_class": row["wastewater_class"] or "",
        }  # fmt: skip
        obj.update(m.derived_of(m.Institution, obj))
        return obj


class InstitutionDeptSpec(KindSpec):
    kind, title, model = "institution_depts", gettext_lazy("核准诊疗科目"), m.InstitutionDept
    columns = [
        Column("institution_id", "统一社会信用代码", USCC, hint=gettext_lazy("机构须已在机构库中"), example=lambda s: s.institution),  # i18n: data (header)
        Column("dept_code", "诊疗科目代码", DEPT_CODE),  # i18n: data (header)
        Column("valid_from", "有效期起", cells.date),  # i18n: data (header)
        Column("valid_to", "有效期止", cells.date, False),  # i18n: data (header)
    ]
    key_fields = ("institution_id", "dept_code", "valid_from")
    compare_fields = ("valid_to",)

    def guard(self, ctx: Context, obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
        """The institution is part of the key, so stored and new rows share it; ``_institution`` checked it."""
        if not ctx.in_scope(ctx.institution_districts.get(obj["institution_id"])):
            raise RowError("institution_id", "", gettext("该机构不在您的数据权限范围内"))

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        p = Problems(row, self)
        p.run(_check_period, row, "valid_from", "valid_to", needs=("valid_from", "valid_to"))
        institution = p.run(_institution, ctx, row.get("institution_id"), needs=("institution_id",))
        p.done()
        return {
            "institution_id": institution,
            "dept_code": row["dept_code"],
            "valid_from": row["valid_from"],
            "valid_to": row.get("valid_to"),
        }


class PractitionerSpec(KindSpec):
    kind, title, model = "practitioners", gettext_lazy("执业人员"), m.Practitioner
    columns = [
        Column("practitioner_id", "执业证书编码", CERT_NO, example="110310115000099"),  # i18n: data (header)
        Column("name", "姓名", cells.text(50), example="示例医师"),  # i18n: data (header)
        Column("kind", "类别", cells.choice(m.PractitionerKind), example="执业医师"),  # i18n: data (header)
        Column("status", "状态", cells.choice(m.PractitionerStatus), False, "active"),  # i18n: data (header)
        Column("status_since", "状态起始日", cells.date, False),  # i18n: data (header)
        Column("licence_valid_to", "执业证有效期止", cells.date, False),  # i18n: data (header)
        Column("id_number", "身份证号码", cells.identifier(clean_ric, gettext_lazy("18位居民身份证号码")), False,  # i18n: data (header)
               hint=gettext_lazy("只保存脱敏号码；填脱敏号码（如 110105********002X）或留空则不更改已登记的号码"), sensitive=True,
               example="11010519491231002X"),
        Column("institution_id", "主要执业机构统一社会信用代码", USCC, False,  # i18n: data (header)
               hint=gettext_lazy("新增人员时填写：同时登记其在该机构的主要执业注册（区级用户必填，机构须在本区）"),
               example=lambda s: s.institution),
        Column("registration_valid_from", "注册日期", cells.date, False, hint=gettext_lazy("新增人员时与主要执业机构一起填写")),  # i18n: data (header)
    ]
    key_fields = ("cert_no",)
    compare_fields = ("name", "kind", "status", "status_since", "licence_valid_to", "id_masked", "id_digest")

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        p = Problems(row, self)
        p.run(_cert_no_of_kind, row, needs=("practitioner_id", "kind"))
        registration = None
        if row.get("institution_id"):
            if "registration_valid_from" in row and not row["registration_valid_from"]:
                p.add(RowError("registration_valid_from", "", gettext("填写主要执业机构时须同时填写注册日期")))
            registration = p.run(_institution, ctx, row["institution_id"])
        p.done()
        obj: dict[str, Any] = {
            "cert_no": row["practitioner_id"], "name": row["name"], "kind": row["kind"], "status": row["status"],
            "status_since": row.get("status_since"), "licence_valid_to": row.get("licence_valid_to"),
        }  # fmt: skip
        obj.update(m.derived_of(m.Practitioner, obj))
        if row.get("id_number"):  # a row without a number leaves the stored masked number and digest as they are
            obj["id_masked"], obj["id_digest"] = mask_ric(row["id_number"]), id_digest(row["id_number"])
        if registration is not None:
            obj["_registration"] = {"institution_id": registration, "valid_from": row["registration_valid_from"]}
        return obj

    def guard(self, ctx: Context, obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
        """Changed by the district of the primary registration (or the city); a district creates a practitioner
        only together with a primary registration at one of its own institutions."""
        if stored is not None:
            if not ctx.owns_practitioner(stored["pk"]):
                raise _ask_city("practitioner_id", obj["cert_no"])
            registration = obj.pop("_registration", None)  # known practitioners: registrations have their own import
            if registration and (stored["pk"], registration["institution_id"]) not in ctx.registered:
                raise RowError("institution_id", "", gettext("该人员已在人员库中：新增或变更执业注册请用“执业注册”导入"))
            return
        if ctx.is_city_office:  # the city's office may register a practitioner before any registration
            return
        registration = obj.get("_registration")
        if registration is None:
            raise RowError(
                "institution_id", "", gettext("新增执业人员须同时填写其在本区的主要执业机构统一社会信用代码和注册日期")
            )
        if not ctx.in_scope(ctx.institution_districts.get(registration["institution_id"])):
            raise RowError("institution_id", "", gettext("该机构不在您的数据权限范围内"))

    def after_create(self, objects: list[dict[str, Any]]) -> None:
        """The primary registration that a district creates together with a new practitioner."""
        wanted = {o["cert_no"]: o["_registration"] for o in objects if o.get("_registration")}
        if not wanted:
            return
        pks = dict(m.Practitioner.objects.filter(cert_no__in=wanted).values_list("cert_no", "pk"))
        registrations = [
            m.Registration(practitioner_id=pks[cert_no], is_primary=True, **values) for cert_no, values in wanted.items()
        ]
        m.Registration.objects.bulk_create(registrations, batch_size=2000)


def _cert_no_of_kind(row: dict[str, Any]) -> None:
    """The column accepts any kind's format; the row must match its own kind's."""
    try:
        clean_cert_no(row["practitioner_id"], kind=row["kind"])
    except IdentifierError as exc:
        reason = gettext("执业证书编码%(reason)s") % {"reason": exc.reason}
        raise RowError("practitioner_id", row["practitioner_id"], reason) from exc


class PractitionerScopeSpec(KindSpec):
    kind, title, model = "practitioner_scopes", gettext_lazy("执业范围"), m.PractitionerScope
    columns = [
        Column("practitioner_id", "执业证书编码", CERT_NO, hint=gettext_lazy("人员须已在人员库中"), example=lambda s: s.practitioner),  # i18n: data (header)
        Column("dept_code", "诊疗科目代码", DEPT_CODE),  # i18n: data (header)
    ]
    key_fields = ("practitioner_id", "dept_code")
    compare_fields = ()

    def guard(self, ctx: Context, obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
        """执业范围 is the practitioner's own field: the district of the primary registration or the city."""
        if not ctx.owns_practitioner(obj["practitioner_id"]):
            raise _ask_city("practitioner_id", "")

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        p = Problems(row, self)
        practitioner = p.run(_practitioner, ctx, row.get("practitioner_id"), needs=("practitioner_id",))
        p.done()
        return {"practitioner_id": practitioner, "dept_code": row["dept_code"]}


class RegistrationSpec(KindSpec):
    kind, title, model = "registrations", gettext_lazy("执业注册（含多点执业）"), m.Registration
    columns = [
        Column("practitioner_id", "执业证书编码", CERT_NO, hint=gettext_lazy("人员须已在人员库中"), example=lambda s: s.practitioner),  # i18n: data (header)
        Column("institution_id", "执业机构统一社会信用代码", USCC, hint=gettext_lazy("机构须已在机构库中"), example=lambda s: s.institution),  # i18n: data (header)
        Column("is_primary", "是否主要执业机构", cells.boolean, False, False),  # i18n: data (header)
        Column("valid_from", "有效期起", cells.date),  # i18n: data (header)
        Column("valid_to", "有效期止", cells.date, False),  # i18n: data (header)
    ]
    key_fields = ("practitioner_id", "institution_id", "valid_from")
    compare_fields = ("is_primary", "valid_to")

    def guard(self, ctx: Context, obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
        """A district adds or ends registrations at its own institutions (多点执业 of anyone); making one the
        primary registration moves the practitioner's record, so it needs the current owner or the city."""
        if not ctx.in_scope(ctx.institution_districts.get(obj["institution_id"])):
            raise RowError("institution_id", "", gettext("该机构不在您的数据权限范围内"))
        owner = ctx.practitioner_owners.get(obj["practitioner_id"])
        if obj["is_primary"] and owner is not None and not ctx.in_scope(owner):
            raise RowError("is_primary", "是", PRIMARY_ELSEWHERE)  # i18n: data (the cell's value)

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        p = Problems(row, self)
        p.run(_check_period, row, "valid_from", "valid_to", needs=("valid_from", "valid_to"))
        practitioner = p.run(_practitioner, ctx, row.get("practitioner_id"), needs=("practitioner_id",))
        institution = p.run(_institution, ctx, row.get("institution_id"), needs=("institution_id",))
        p.done()
        return {
            "practitioner_id": practitioner,
            "institution_id": institution,
            "is_primary": row["is_primary"],
            "valid_from": row["valid_from"],
            "valid_to": row.get("valid_to"),
        }


class InspectorSpec(KindSpec):
    kind, title, model = "inspectors", gettext_lazy("执法人员"), m.Inspector
    columns = [
        Column("badge_no", "执法证号", cells.identifier(clean_badge_no, gettext_lazy("执法证号（数字或大写字母）")),  # i18n: data (header)
               example="31011500009999"),
        Column("name", "姓名", cells.text(50), example="示例监督员"),  # i18n: data (header)
        Column("department", "部门", cells.lookup(  # i18n: data (header)
            "departments", gettext_lazy("部门：从下拉列表选择（名称），也可填部门代码（如 health）")),
               example=lambda s: s.department),
        Column("region_code", "所属区划", cells.region(  # i18n: data (header)
            ("province", "city", "district"), r"\d{6}", gettext_lazy("应为6位区划代码"), gettext_lazy("区划")),
               aliases=("所属区划代码",)),  # i18n: data (header alias)
        Column("fields", "执法领域", cells.text(300), False, "", hint=gettext_lazy("执法领域代码或名称，多个用“;”或“、”分隔"),  # i18n: data (header)
               example="医疗服务;传染病防治"),  # i18n: data (example)
        Column("active", "在岗", cells.boolean, False, True),  # i18n: data (header)
        Column("badge_valid_from", "执法证有效期起", cells.date, False),  # i18n: data (header)
        Column("badge_valid_to", "执法证有效期止", cells.date, False),  # i18n: data (header)
        Column("username", "平台账号", cells.text(150), False, hint=gettext_lazy("已开通的监督员账号用户名；留空则不变")),  # i18n: data (header)
    ]
    key_fields = ("badge_no",)
    compare_fields = ("name", "department_id", "region_id", "fields", "active", "badge_valid_from", "badge_valid_to",
                      "user_id")  # fmt: skip

    def guard(self, ctx: Context, obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
        if stored is not None and not (
            ctx.in_scope(ctx.region_codes.get(stored["region_id"]))
            and department_writable(ctx.scope, ctx.department_codes.get(stored["department_id"]))
        ):
            raise _ask_city("badge_no", obj["badge_no"])
        if not ctx.in_scope(ctx.region_codes.get(obj["region_id"])):
            raise RowError("region_code", ctx.region_codes.get(obj["region_id"]), gettext("该区域不在您的数据权限范围内"))
        if not department_writable(ctx.scope, ctx.department_codes.get(obj["department_id"])):
            raise RowError(
                "department", ctx.department_codes.get(obj["department_id"]), gettext("只能导入本部门的执法人员")
            )

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        p = Problems(row, self)
        department = ctx.departments.get(row.get("department") or "")
        if department is None and "department" in row:
            p.add(RowError("department", row["department"], gettext("未知的部门（填部门代码如 health，或部门名称）")))
        region = p.run(_region, ctx, row.get("region_code"), "region_code", ("province", "city", "district"),
                       needs=("region_code",))  # fmt: skip
        fields = p.run(_field_codes, row.get("fields"), needs=("fields",))
        p.run(_check_period, row, "badge_valid_from", "badge_valid_to", needs=("badge_valid_from", "badge_valid_to"))
        user_id = None
        if row.get("username"):  # a blank cell leaves the stored link as it is
            user_id = p.run(self._account, ctx, row["username"], row.get("badge_no"), needs=("badge_no",))
        p.done()
        assert department is not None and region is not None and fields is not None
        obj: dict[str, Any] = {
            "badge_no": row["badge_no"], "name": row["name"], "department_id": department.pk,
            "region_id": region.pk, "fields": fields, "active": row["active"],
            "badge_valid_from": row.get("badge_valid_from"), "badge_valid_to": row.get("badge_valid_to"),
        }  # fmt: skip
        if user_id is not None:
            obj["user_id"] = user_id
        obj.update(m.derived_of(m.Inspector, obj))
        return obj

    def _account(self, ctx: Context, username: str, badge_no: str) -> int:
        if ctx.accounts is None:
            ctx.accounts = Accounts.load()
        account = ctx.accounts.by_username.get(username)
        if account is None:
            raise RowError(
                "username", username, gettext("没有该用户名的监督员账号（平台账号须先由系统管理员开通，角色为监督员）")
            )
        pk, account_region, account_department = account
        if not (region_writable(ctx.scope, account_region) and department_writable(ctx.scope, account_department)):
            raise RowError("username", username, gettext("该账号不在您的数据权限范围内"))
        other = ctx.accounts.linked.get(pk)
        if other is not None and other != badge_no:
            reason = gettext("该账号已关联执法证号 %(badge)s 的执法人员，一个账号只能关联一名执法人员") % {"badge": other}
            raise RowError("username", username, reason)
        ctx.accounts.linked[pk] = badge_no
        return pk


class InspectorConflictSpec(KindSpec):
    """申报回避: kept by whoever keeps the inspector (region and department); the institution must exist."""

    kind, title, model = "inspector_conflicts", gettext_lazy("执法人员申报回避"), m.InspectorConflict
    columns = [
        Column("badge_no", "执法证号", cells.identifier(clean_badge_no), example=lambda s: s.inspector),  # i18n: data (header)
        Column("institution_id", "被监督单位统一社会信用代码", cells.identifier(clean_uscc),  # i18n: data (header)
               example=lambda s: s.institution),
        Column("reason", "回避事由", cells.text(200), example="近亲属在该单位任职"),  # i18n: data (header, example)
        Column("declared_on", "申报日期", cells.date, example=dt.date(2026, 1, 5)),  # i18n: data (header)
        Column("ended_on", "终止日期", cells.date, False, hint=gettext_lazy("回避情形消除之日；留空表示仍须回避"),  # i18n: data (header)
               example=""),
    ]
    key_fields = ("inspector_id", "institution_id", "declared_on")
    compare_fields = ("reason", "ended_on")

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        if ctx.inspectors is None:
            ctx.inspectors = {
                badge: (pk, region, department)
                for pk, badge, region, department in m.Inspector.objects.values_list(
                    "pk", "badge_no", "region__code", "department__code"
                ).iterator(chunk_size=5000)
            }
            ctx.institutions = dict(m.Institution.objects.values_list("uscc", "pk").iterator(chunk_size=5000))
        p = Problems(row, self)
        inspector = ctx.inspectors.get(row["badge_no"]) if "badge_no" in row else None
        if inspector is None and "badge_no" in row:
            p.add(RowError("badge_no", row["badge_no"], gettext("执法人员名录中没有该执法证号，请先导入执法人员")))
        institution = ctx.institutions.get(row["institution_id"]) if "institution_id" in row else None
        if institution is None and "institution_id" in row:  # any district's institution may be related
            p.add(RowError("institution_id", row["institution_id"], gettext("主体库中没有该统一社会信用代码")))
        if row.get("ended_on") and row.get("declared_on") and row["ended_on"] < row["declared_on"]:
            p.add(RowError("ended_on", row["ended_on"], gettext("终止日期早于申报日期")))
        p.done()
        assert inspector is not None and institution is not None
        return {"inspector_id": inspector[0], "institution_id": institution, "reason": row["reason"],
                "declared_on": row["declared_on"], "ended_on": row.get("ended_on"), "_badge": row["badge_no"]}  # fmt: skip

    def guard(self, ctx: Context, obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
        """The inspector is part of the key, so stored and new rows share it."""
        assert ctx.inspectors is not None
        _pk, region, department = ctx.inspectors[obj["_badge"]]
        if not (ctx.in_scope(region) and department_writable(ctx.scope, department)):
            raise RowError("badge_no", obj["_badge"], gettext("该执法人员不在您的数据权限范围内"))


class RegionLevel(models.TextChoices):
    """The levels an office imports; districts and above ship with the platform."""

    STREET = "street", gettext_lazy("街道乡镇")
    GRID = "grid", gettext_lazy("网格")


_PARENT_LEVEL = {"street": "district", "grid": "street"}
_LEVEL_NAMES = {"district": gettext_lazy("区县"), "street": gettext_lazy("街道乡镇"), "grid": gettext_lazy("网格")}


class RegionSpec(KindSpec):
    """An office's own 街道乡镇 and 网格. A street's code is its district's 6 digits + 3; a grid's is its
    street's 9 + 3 to 6 (scope matches on the prefix). A parent must be in the platform already or on
    an earlier row of the same file."""

    kind, title, model = "regions", gettext_lazy("街道乡镇与网格"), Region
    columns = [
        Column("code", "区划代码", code(r"\d{9}|\d{12,15}", gettext_lazy("应为9位（街道乡镇）或12至15位（网格）数字")),  # i18n: data (header)
               hint=gettext_lazy("街道乡镇：所属区县代码加3位；网格：所属街道乡镇代码加3至6位"), example=lambda s: s.new_street),
        Column("name", "名称", cells.text(100), example="示例街道"),  # i18n: data (header)
        Column("level", "层级", cells.choice(RegionLevel)),  # i18n: data (header)
        Column("parent_code", "上级区划", cells.region(("district", "street"), r"\d{6}|\d{9}",  # i18n: data (header)
               gettext_lazy("应为6位（区县）或9位（街道乡镇）代码"), gettext_lazy("上级区县或街道乡镇")),
               aliases=("上级区划代码",),  # i18n: data (header alias)
               hint=gettext_lazy("上级须已在库中，或在本文件靠前的行中（新上级请填代码）")),
    ]
    key_fields = ("code",)
    compare_fields = ("name", "level", "parent_id")

    def guard(self, ctx: Context, obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
        """The code is the key and carries its place: stored and new rows are both inside it (checked in build)."""
        if not ctx.in_scope(obj["code"]):
            raise _ask_city("code", obj["code"])

    def build(self, row: dict[str, Any], ctx: Context) -> dict[str, Any]:
        Problems(row, self).done()  # every check below needs all three values
        region_code, level, parent_code = row["code"], row["level"], row["parent_code"]
        parent = ctx.regions.get(parent_code)
        parent_level = parent.level if parent is not None else ctx.new_regions.get(parent_code)
        if parent_level is None:
            raise RowError(
                "parent_code", parent_code, gettext("未知的上级区划代码（上级须已在库中，或在本文件靠前的行中）")
            )
        if parent_level != _PARENT_LEVEL[level]:
            wanted = _LEVEL_NAMES[_PARENT_LEVEL[level]]
            reason = gettext("%(level)s的上级应为%(parent)s") % {"level": _LEVEL_NAMES[level], "parent": wanted}
            raise RowError("parent_code", parent_code, reason)
        width_ok = len(region_code) == 9 if level == "street" else 12 <= len(region_code) <= 15
        if not (width_ok and region_code.startswith(parent_code)):
            digits = gettext("3位") if level == "street" else gettext("3至6位")
            reason = gettext("%(level)s代码应为上级代码 %(parent)s 加%(digits)s数字") % {
                "level": _LEVEL_NAMES[level], "parent": parent_code, "digits": digits,
            }  # fmt: skip
            raise RowError("code", region_code, reason)
        if not ctx.in_scope(parent_code):
            raise RowError("parent_code", parent_code, gettext("该区划不在您的数据权限范围内"))
        ctx.new_regions[region_code] = level
        return {
            "code": region_code, "name": row["name"], "level": level,
            "parent_id": parent.pk if parent is not None else None, "parent_code": parent_code,
        }  # fmt: skip

    def apply(self, to_create: list[dict[str, Any]], to_update: list[tuple[int, dict[str, Any]]]) -> None:
        """Streets before grids, so a grid can hang under a street created by the same file."""
        created: dict[str, int] = {}

        def region(obj: dict[str, Any], pk: int | None = None) -> Region:
            parent_id = obj["parent_id"] or created[obj["parent_code"]]
            return Region(pk=pk, code=obj["code"], name=obj["name"], level=obj["level"], parent_id=parent_id)

        for level in _PARENT_LEVEL:
            batch = [obj for obj in to_create if obj["level"] == level]
            if batch:
                Region.objects.bulk_create([region(obj) for obj in batch], batch_size=2000)
                if level == "street":  # the parents grids may need
                    created.update(Region.objects.filter(level=level).values_list("code", "pk"))
        if to_update:
            objects = [region(obj, pk) for pk, obj in to_update]
            Region.objects.bulk_update(objects, ["name", "level", "parent"], batch_size=500)


SPECS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        RegionSpec(),
        InstitutionSpec(),
        InstitutionDeptSpec(),
        PractitionerSpec(),
        PractitionerScopeSpec(),
        RegistrationSpec(),
        InspectorSpec(),
        InspectorConflictSpec(),
    )
}
