"""Run an import: every row validated, valid rows upserted by natural key, rejected rows reported.

Re-importing the same file changes nothing (rows equal to the stored ones count as unchanged).
The batch and its counts are kept in an :class:`~weijian.registry.models.ImportBatch`, every
problem of a rejected row (row, column as the file named it, value, reason) in an
:class:`~weijian.registry.models.ImportReject` of its own, the rejected row as uploaded (personal
identifiers masked) in an :class:`~weijian.registry.models.ImportRejectedRow`, and one audit event
records what was applied. A row is checked whole: every problem it has is reported, not only the first.

The rejects workbook (``weijian.registry.exports.rejects_workbook``) adds two columns to the original
ones, :data:`REJECT_COLUMNS`; an import ignores them, so the fixed workbook imports as it is.

Entry points: :func:`import_upload` (a web or API upload, imported from its temporary file on disk),
:func:`import_path` (a file on disk: the command line) and :func:`import_bytes` (content in memory).
Each applies the ``WEIJIAN_IMPORT_LIMITS`` before and while reading.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from weijian.core.audit import audit_record
from weijian.core.identifiers import mask_ric
from weijian.core.models import Department, Region
from weijian.core.scope import REGISTRY_EDITORS, Scope, scope_of
from weijian.registry.imports import cells, refs
from weijian.registry.imports.limits import Limits, check_size
from weijian.registry.imports.readers import ImportFileError, Sheet, open_sheet, read_path
from weijian.registry.imports.specs import SPECS, Column, Context, KindSpec, RowError, RowErrors
from weijian.registry.models import (
    ImportBatch,
    ImportReject,
    ImportRejectedRow,
    Institution,
    Practitioner,
    Registration,
    keepers,
)

REJECT_BATCH = 2000
# The rejects workbook's own headers: an import recognises and ignores them, so they stay as they are.
ROW_NUMBER_COLUMN, REASON_COLUMN = "原行号", "未导入原因"  # i18n: data (headers an import reads back)
REJECT_COLUMNS = (ROW_NUMBER_COLUMN, REASON_COLUMN)  # added by the rejects workbook; ignored on import


@dataclass(frozen=True)
class Reject:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class ImportResult:
    kind: str
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str | None = None
    batch_id: int | None = None
    headers: list[str] = field(default_factory=list)
    originals: list[tuple[int, list[Any]]] = field(default_factory=list)  # rejected rows as uploaded (masked)

    @property
    def rejected(self) -> int:
        return len({r.row for r in self.rejects})

    @property
    def ok(self) -> bool:
        return not self.rejects


def _column_label(column: Column) -> str:
    return _("%(header)s（%(key)s）") % {"header": column.header, "key": column.key}


def _map_headers(spec: KindSpec, headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column key → position in the file, and the headers nobody asked for (the rejects workbook's own
    columns are expected and not reported)."""
    lookup = spec.header_map()
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        column = lookup.get(header)
        if column is None:
            if header and header not in REJECT_COLUMNS:
                ignored.append(header)
            continue
        if column.key in positions:
            raise ImportFileError(_("列“%(column)s”出现了两次") % {"column": _column_label(column)})
        positions[column.key] = index
    missing = [_column_label(c) for c in spec.columns if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(_("缺少必填列：%(columns)s") % {"columns": _("、").join(missing)})
    return positions, ignored


def _parse_row(
    spec: KindSpec, positions: dict[str, int], values: list[Any], ctx: Context
) -> tuple[dict[str, Any], list[RowError]]:
    """The row's parsed values (a column that did not parse is left out) and every cell's error."""
    row: dict[str, Any] = {}
    errors: list[RowError] = []
    for column in spec.columns:
        index = positions.get(column.key)
        raw = values[index] if index is not None and index < len(values) else None
        if column.sensitive and cells.is_masked(raw):
            raw = None  # a masked number given back (a rejects workbook): keep what is stored
        if cells.is_blank(raw):
            if column.required:
                errors.append(RowError(column.key, "", _("%(header)s不能为空") % {"header": column.header}))
            else:
                row[column.key] = column.default
            continue
        try:
            value = column.parse(raw)
            fmt = cells.format_of(column.parse)
            if fmt.lookup == "regions":
                value = refs.resolve_region(ctx, value, fmt.levels)
            row[column.key] = value
        except cells.CellError as exc:
            shown = mask_ric(str(raw)) if column.sensitive else raw
            errors.append(RowError(column.key, shown, _("%(header)s%(reason)s") % {"header": column.header, "reason": exc}))
    return row, errors


def _check_row(spec: KindSpec, positions: dict[str, int], values: list[Any], ctx: Context) -> dict[str, Any]:
    """A row's model values, or RowErrors with every problem found: the cells', then the row's own."""
    row, errors = _parse_row(spec, positions, values, ctx)
    try:
        obj = spec.build(row, ctx)
    except RowError as exc:
        raise RowErrors([*errors, exc]) from exc
    except RowErrors as exc:
        raise RowErrors([*errors, *exc.errors]) from exc
    except KeyError:  # a spec that reads a column that did not parse without asking (see Problems)
        if not errors:
            raise
        raise RowErrors(errors) from None
    if errors:
        raise RowErrors(errors)
    return obj


def _original(values: list[Any], width: int, masked: set[int]) -> list[Any]:
    """A rejected row as uploaded, storable as JSON: every cell of the header's width, dates tagged,
    personal identifiers masked, NUL shown as ␀ (PostgreSQL's JSON cannot hold it)."""
    cells_out: list[Any] = []
    for index in range(max(width, len(values))):
        value = values[index] if index < len(values) else None
        if index in masked and not cells.is_blank(value):
            value = mask_ric(str(value))
        cells_out.append(encode_cell(value))
    while cells_out and cells_out[-1] is None:
        cells_out.pop()
    return cells_out


def encode_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value.replace("\x00", "\u2400") if isinstance(value, str) else value
    if isinstance(value, float):
        return None if value != value or value in (float("inf"), float("-inf")) else value
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    return str(value).replace("\x00", "\u2400")


def decode_cell(value: Any) -> Any:
    """The value :func:`encode_cell` stored, with its type back."""
    if isinstance(value, dict):
        if "datetime" in value:
            return dt.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
        if "time" in value:
            return dt.time.fromisoformat(value["time"])
    return value


def _context(scope: Scope, spec: KindSpec) -> Context:
    ctx = Context(scope=scope)
    ctx.regions = {r.code: r for r in Region.objects.all()}
    ctx.region_codes = {r.pk: r.code for r in ctx.regions.values()}
    for department in Department.objects.all():
        ctx.departments[department.code] = department
        ctx.departments[department.name] = department
        ctx.department_codes[department.pk] = department.code
    if spec.kind in ("institution_depts", "registrations", "practitioners"):
        for pk, uscc, district in Institution.objects.values_list("pk", "uscc", "district__code").iterator():
            ctx.institutions[uscc] = pk
            ctx.institution_districts[pk] = district
    if spec.kind in ("practitioners", "practitioner_scopes", "registrations"):
        ctx.practitioners = dict(Practitioner.objects.values_list("cert_no", "pk").iterator())
        ctx.practitioner_owners = keepers(Registration.objects.all())
    if spec.kind == "practitioners":
        ctx.registered = set(Registration.objects.values_list("practitioner_id", "institution_id").iterator(chunk_size=5000))
    return ctx


def _in_platform_language(text: Any) -> str:
    """The audit chain keeps one language (the platform's, Chinese) whatever the actor's."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def _display(value: Any) -> str:
    return "" if value is None else str(value)[:200]


def import_sheet(
    *, kind: str, sheet: Sheet, filename: str, sha256: str, actor: Any, scope: Scope, spec: KindSpec | None = None
) -> ImportResult:
    """Validate and apply a parsed sheet. Raises ImportFileError for problems of the whole file.

    ``spec``: another app's kind (e.g. the credit archive's partner records), imported by the same rules; its
    ``editors`` (default: the registry's) say which roles may import it.
    """
    spec = spec or SPECS.get(kind)
    if spec is None:
        raise ImportFileError(_("未知的导入类型 %(kind)s；可选：%(kinds)s") % {"kind": kind, "kinds": _("、").join(SPECS)})
    if scope.role not in getattr(spec, "editors", REGISTRY_EDITORS):
        raise ImportFileError(_("您的角色不能导入主体库数据"))
    positions, ignored = _map_headers(spec, sheet.headers)
    headers = [str(encode_cell(h)) for h in sheet.headers]  # as typed, storable (NUL shown as ␀)
    while headers and not headers[-1]:  # a spreadsheet's row is read as wide as the column limit
        headers.pop()
    result = ImportResult(kind=kind, filename=filename, ignored_columns=ignored, encoding=sheet.encoding, headers=headers)
    named = {c.key: sheet.headers[positions[c.key]] if c.key in positions else c.header for c in spec.columns}
    masked = {positions[c.key] for c in spec.columns if c.sensitive and c.key in positions}

    def reject(number: int, values: list[Any], errors: list[RowError]) -> None:
        for error in errors:
            result.rejects.append(Reject(number, named.get(error.column, error.column), _display(error.value), error.reason))
        result.originals.append((number, _original(values, len(headers), masked)))

    ctx = _context(scope, spec)
    existing = spec.existing()
    first_seen: dict[tuple[Any, ...], int] = {}
    to_create: list[dict[str, Any]] = []
    to_update: list[tuple[int, dict[str, Any]]] = []
    for number, values in sheet.rows:
        result.rows += 1
        try:
            obj = _check_row(spec, positions, values, ctx)
        except RowErrors as exc:
            reject(number, values, exc.errors)
            continue
        key = spec.natural_key(obj)
        if key in first_seen:
            key_text = "/".join(_display(k) for k in key)
            reason = _("与第%(row)d行重复（同一主键 %(key)s）") % {"row": first_seen[key], "key": key_text}
            reject(number, values, [RowError(spec.columns[0].key, key_text, reason)])
            continue
        first_seen[key] = number
        current = existing.get(key)
        try:
            spec.guard(ctx, obj, current[1] if current else None)
        except RowError as exc:
            reject(number, values, [exc])
            continue
        if current is None:
            to_create.append(obj)
            continue
        obj = {**{f: current[1][f] for f in spec.compare_fields if f not in obj}, **obj}  # unset: keep stored
        if any(current[1].get(f) != obj.get(f) for f in spec.compare_fields):
            to_update.append((current[0], obj))
        else:
            result.unchanged += 1
    if result.rows == 0:
        raise ImportFileError(_("%(file)s 没有数据行") % {"file": filename})
    with transaction.atomic():
        _apply(spec, to_create, to_update)
        result.created, result.updated = len(to_create), len(to_update)
        batch = ImportBatch.objects.create(
            kind=kind, filename=filename[:255], sha256=sha256, actor=getattr(actor, "username", str(actor or "system")),
            region_code=_scope_region(scope), department_code=scope.department_code or "", rows=result.rows,
            created=result.created, updated=result.updated, unchanged=result.unchanged, rejected=result.rejected,
            headers=result.headers,
        )  # fmt: skip
        _store_rejects(batch, result.rejects, result.originals)
        result.batch_id = batch.pk
        audit_record(
            actor=actor,
            action=f"registry.import.{kind}",
            object_type="import_batch",
            object_id=batch.pk,
            data={
                "kind_title": _in_platform_language(spec.title), "filename": filename, "sha256": sha256, "rows": result.rows, "created": result.created,
                "updated": result.updated, "unchanged": result.unchanged, "rejected": result.rejected,
                "changed_keys": _key_texts(spec, [*to_create, *(o for _, o in to_update)])[:2000],
            },
        )  # fmt: skip
    return result


def _key_texts(spec: KindSpec, objects: list[dict[str, Any]]) -> list[str]:
    return ["/".join(_display(k) for k in spec.natural_key(o)) for o in objects]


def _scope_region(scope: Scope) -> str:
    if scope.region_prefix is None:
        return ""
    return scope.region_prefix.ljust(6, "0") if len(scope.region_prefix) < 6 else scope.region_prefix


def _apply(spec: KindSpec, to_create: list[dict[str, Any]], to_update: list[tuple[int, dict[str, Any]]]) -> None:
    spec.apply(to_create, to_update)


def _store_rejects(batch: ImportBatch, rejects: list[Reject], originals: list[tuple[int, list[Any]]]) -> None:
    """One row per problem and one per rejected row as uploaded, written in slices (bounded memory)."""
    for start in range(0, len(rejects), REJECT_BATCH):
        ImportReject.objects.bulk_create(
            [ImportReject(batch=batch, row=r.row, column=r.column[:100], value=r.value, reason=r.reason)
             for r in rejects[start : start + REJECT_BATCH]]
        )  # fmt: skip
    for start in range(0, len(originals), REJECT_BATCH):
        ImportRejectedRow.objects.bulk_create(
            [ImportRejectedRow(batch=batch, row=number, values=values) for number, values in originals[start : start + REJECT_BATCH]]
        )


def import_path(
    *, kind: str, path: Path, actor: Any, scope: Scope | None = None, filename: str | None = None
) -> ImportResult:
    """Import a file on disk (an upload's temporary file, a path on the command line), streaming it."""
    name = filename or path.name
    limits = Limits.from_settings()
    with read_path(path, limits, filename=name) as sheet:
        with path.open("rb") as fh:
            sha256 = hashlib.file_digest(fh, "sha256").hexdigest()
        return import_sheet(kind=kind, sheet=sheet, filename=name, sha256=sha256, actor=actor, scope=scope or scope_of(actor))


def import_upload(*, kind: str, upload: Any, actor: Any) -> ImportResult:
    """Import an uploaded file from its temporary file on disk (``weijian.core.uploads`` streams it there).

    An upload held in memory (another upload handler configured) is copied to a temporary file first.
    """
    name = upload.name or "upload"
    check_size(upload.size or 0, name, Limits.from_settings())
    if hasattr(upload, "temporary_file_path"):
        return import_path(kind=kind, path=Path(upload.temporary_file_path()), filename=name, actor=actor)
    with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, prefix="import-", suffix=".upload") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        return import_path(kind=kind, path=Path(copy.name), filename=name, actor=actor)


def import_bytes(*, kind: str, data: bytes, filename: str, actor: Any, scope: Scope | None = None) -> ImportResult:
    """Import content held in memory (small files, tests); the same limits apply."""
    with open_sheet(data, filename, Limits.from_settings()) as sheet:
        return import_sheet(
            kind=kind,
            sheet=sheet,
            filename=filename,
            sha256=hashlib.sha256(data).hexdigest(),
            actor=actor,
            scope=scope or scope_of(actor),
        )
