"""The enforcement-document kinds and the numbering rule, as data (``rules/data/enforcement_documents.yaml``).

卫生行政执法文书规范 (卫生部令第87号) art. 4: a 文号 is 地区简称 + 卫 + 执法类别 + 执法性质 + 〔年份〕 + 序号
(``沪浦卫医罚〔2026〕001号``); an 编号 is 年份 + 序号 (``2026—001``). This module reads the kinds, checks the
context a kind needs, and formats a number; drawing the 序号 is the service's job (``services.py``). The file
is checked whole when first read (and whenever it changes): an unknown key, a kind without a name, template or
sequence, a 文号 kind without its 执法性质 is refused, naming the file and the place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from weijian.rules import loader

FILE = "enforcement_documents"
_WHERE = f"{FILE}.yaml"
WENHAO, SERIAL = "wenhao", "serial"
FIELD_TYPES = frozenset({"text", "date", "list", "period"})
PERIOD_UNITS = frozenset({"working_days", "calendar_days", "hours", "months"})
KIND_KEYS = frozenset({"name", "numbering", "nature", "sequence", "template", "basis", "context"})
FIELD_KEYS = frozenset({"label", "required", "type"})


class DocumentRulesError(loader.RulesError):
    """The rules file is malformed, or it has nothing in force for what was asked."""


class DocumentError(ValueError):
    """A document that cannot be issued: the message names the field and the reason (Chinese)."""


@dataclass(frozen=True)
class ContextField:
    key: str
    label: str
    required: bool
    type: str


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    numbering: str  # WENHAO | SERIAL
    nature: str  # 执法性质 ("" for an 编号)
    sequence: str  # the sequence group the number is drawn from
    template: str
    basis: str
    fields: tuple[ContextField, ...]  # the common fields first, then the kind's own

    @property
    def has_wenhao(self) -> bool:
        return self.numbering == WENHAO


def _entry(table: str, on: dt.date) -> dict[str, Any]:
    data = loader.load(FILE)
    if table not in data:
        raise DocumentRulesError(f"{_WHERE}: missing key {table!r}")
    entry = loader.as_of(data[table], on, f"{_WHERE}: {table}")
    if not isinstance(entry, dict):
        raise DocumentRulesError(f"{_WHERE}: {table} on {on.isoformat()} is not a mapping")
    return {k: v for k, v in entry.items() if k not in loader.META_KEYS}


def _fields(raw: Mapping[str, Any], where: str) -> tuple[ContextField, ...]:
    out = []
    for key, spec in raw.items():
        if not isinstance(spec, dict) or set(spec) - FIELD_KEYS or "label" not in spec:
            raise DocumentRulesError(f"{_WHERE}: {where}.{key} needs label, required and type only")
        kind = spec.get("type", "text")
        if kind not in FIELD_TYPES:
            raise DocumentRulesError(f"{_WHERE}: {where}.{key}: type {kind!r} is not one of {sorted(FIELD_TYPES)}")
        out.append(ContextField(str(key), str(spec["label"]), bool(spec.get("required", False)), kind))
    return tuple(out)


def kinds(on: dt.date) -> dict[str, Kind]:
    """Every kind in force on ``on``, by code."""
    common = _fields(_entry("common_context", on), "common_context")
    out: dict[str, Kind] = {}
    for code, spec in _entry("kinds", on).items():
        where = f"kinds.{code}"
        if not isinstance(spec, dict):
            raise DocumentRulesError(f"{_WHERE}: {where} is not a mapping")
        unknown = set(spec) - KIND_KEYS
        missing = {"name", "numbering", "sequence", "template", "basis", "context"} - set(spec)
        if unknown or missing:
            raise DocumentRulesError(f"{_WHERE}: {where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
        if spec["numbering"] not in (WENHAO, SERIAL):
            raise DocumentRulesError(f"{_WHERE}: {where}.numbering must be {WENHAO} or {SERIAL}")
        if spec["numbering"] == WENHAO and not spec.get("nature"):
            raise DocumentRulesError(f"{_WHERE}: {where}: a wenhao kind needs its nature")
        own = _fields(spec["context"] or {}, f"{where}.context")
        clash = {f.key for f in own} & {f.key for f in common}
        if clash:
            raise DocumentRulesError(f"{_WHERE}: {where}.context repeats common keys {sorted(clash)}")
        out[str(code)] = Kind(
            code=str(code), name=str(spec["name"]), numbering=spec["numbering"], nature=str(spec.get("nature") or ""),
            sequence=str(spec["sequence"]), template=str(spec["template"]), basis=str(spec["basis"]),
            fields=common + own,
        )  # fmt: skip
    by_nature: dict[str, set[str]] = {}
    for found in out.values():
        if found.has_wenhao:
            by_nature.setdefault(found.nature, set()).add(found.sequence)
    for nature, sequences in by_nature.items():
        if len(sequences) > 1:  # the same letters from two counters would give two documents one 文号
            raise DocumentRulesError(f"{_WHERE}: kinds of nature {nature!r} draw from sequences {sorted(sequences)}: "
                                     "kinds that share a nature must share a sequence")  # fmt: skip
    return out


def kind(code: str, on: dt.date) -> Kind:
    found = kinds(on).get(code)
    if found is None:
        raise DocumentError(_("文书种类：%(kind)s 不是已知的执法文书（%(file)s）") % {"kind": repr(code), "file": _WHERE})
    return found


def numbering(on: dt.date) -> dict[str, Any]:
    return _entry("numbering", on)


def region_abbreviation(codes: Iterable[str], on: dt.date) -> str:
    """The 地区简称 of the first of ``codes`` (the office's region, then the regions above it) that has one."""
    table = {str(k): str(v) for k, v in _entry("regions", on).items()}
    tried = list(codes)
    for code in tried:
        if code in table:
            return table[code]
    raise DocumentError(
        _("地区简称：区划 %(codes)s 在 %(file)s 中没有地区简称，请在 regions 中补充")
        % {"codes": _("、").join(tried), "file": _WHERE}
    )


def category_letter(field: str, on: dt.date) -> str:
    """The 执法类别 of a 执法领域 code (``medical`` → 医)."""
    table = _entry("categories", on)
    if not field:
        raise DocumentError(_("执法类别（执法领域）：带文号的文书必须填写（如 medical）"))
    if field not in table:
        raise DocumentError(
            _("执法类别（执法领域）：%(field)s 在 %(file)s 的 categories 中没有执法类别")
            % {"field": repr(field), "file": _WHERE}
        )
    return str(table[field])


def remedies(on: dt.date) -> dict[str, dict[str, Any]]:
    return _entry("remedies", on)


def sequence_text(sequence: int, on: dt.date) -> str:
    return f"{sequence:0{int(numbering(on)['sequence_digits'])}d}"


def wenhao(*, region: str, category: str, nature: str, year: int, sequence: int, on: dt.date) -> str:
    """地区简称 + 卫 + 执法类别 + 执法性质 + 〔年份〕 + 序号 + 号 (the rules file's ``wenhao_format``)."""
    rule = numbering(on)
    return str(rule["wenhao_format"]).format(region=region, authority=rule["authority"], category=category,
                                             nature=nature, year=year, sequence=sequence_text(sequence, on))  # fmt: skip


def serial(*, year: int, sequence: int, on: dt.date) -> str:
    """年份 + 序号 (``2026—001``, the rules file's ``serial_format``)."""
    return str(numbering(on)["serial_format"]).format(year=year, sequence=sequence_text(sequence, on))


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not any(not _is_blank(v) for v in value)
    return False


def _period(value: Any) -> dict[str, Any] | None:
    """A time limit as {amount, unit}: a mapping, or an object with those attributes (a deadlines.Deadline)."""
    if isinstance(value, Mapping):
        amount, unit = value.get("amount"), value.get("unit")
    else:
        amount, unit = getattr(value, "amount", None), getattr(value, "unit", None)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0 or unit not in PERIOD_UNITS:
        return None
    return {"amount": amount, "unit": unit}


def clean_context(found: Kind, context: Mapping[str, Any]) -> dict[str, Any]:
    """The context a kind needs, checked: every required field present, each of its type; unknown keys refused.

    Returns the context in plain JSON values (dates as ISO text, periods as {amount, unit}) — what the
    document row keeps and the template reads.
    """
    known = {f.key: f for f in found.fields}
    unknown = sorted(set(context) - set(known))
    if unknown:
        raise DocumentError(
            _("%(kind)s：未知的内容字段 %(keys)s") % {"kind": found.name, "keys": _("、").join(unknown)}
        )
    missing = [f for f in found.fields if f.required and _is_blank(context.get(f.key))]
    if found.has_wenhao and _is_blank(context.get("field")):
        missing.append(known["field"])
    if missing:
        raise DocumentError(
            _("%(kind)s：缺少必填内容 %(fields)s")
            % {"kind": found.name,
               "fields": _("、").join(_("%(label)s（%(key)s）") % {"label": f.label, "key": f.key} for f in missing)}
        )
    out: dict[str, Any] = {}
    for key, value in context.items():
        spec = known[key]
        if _is_blank(value):
            continue
        if spec.type == "date":
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    value = None
            if not isinstance(value, dt.date):
                raise DocumentError(_("%(label)s（%(key)s）：应为日期") % {"label": spec.label, "key": key})
            out[key] = value.isoformat()
        elif spec.type == "list":
            items = [value] if isinstance(value, str) else list(value)
            out[key] = [str(v).strip() for v in items if not _is_blank(v)]
        elif spec.type == "period":
            period = _period(value)
            if period is None:
                raise DocumentError(
                    _("%(label)s（%(key)s）：应为期限（天数或小时数与单位）") % {"label": spec.label, "key": key}
                )
            out[key] = period
        else:
            out[key] = str(value).strip()
    return out
