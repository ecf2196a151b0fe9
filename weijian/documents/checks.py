"""System checks (``weijian check``, and before ``migrate`` / ``runserver``): the documents' rules file reads whole
in every dated version, each kind has its template, and every 执法类别 names a 执法领域 of the responsibility list —
so a misspelt key in an office's override is refused at start-up, not at the next issue; and an office's recorded
统一社会信用代码 (``authority_codes``) must have a valid check digit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.checks import Error, register
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _

from weijian.core import responsibility
from weijian.documents import kinds
from weijian.rules import loader


def _version_dates() -> list[dt.date]:
    data = loader.load(kinds.FILE)
    return sorted({day for table in data.values() if loader.is_dated(table) for day in table})


@register("weijian")
def documents_rules_file(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    hint = _("改正规则文件（或 WEIJIAN_RULES_DIR 中的替换文件）")
    try:
        days = _version_dates()
        known_fields = set(responsibility.fields())
        for day in days:
            if day < min(loader.load(kinds.FILE)["kinds"]):
                continue
            for kind in kinds.kinds(day).values():
                try:
                    get_template(kind.template)
                except TemplateDoesNotExist:
                    errors.append(Error(_("%(file)s.yaml：%(kind)s 的模板 %(template)s 不存在")
                                        % {"file": kinds.FILE, "kind": kind.code, "template": kind.template},
                                        hint=hint, id="weijian.E040"))  # fmt: skip
            for field in sorted(set(kinds._entry("categories", day)) - known_fields):
                errors.append(Error(_("%(file)s.yaml：categories.%(field)s 不是责任清单中的执法领域")
                                    % {"file": kinds.FILE, "field": field}, hint=hint, id="weijian.E041"))  # fmt: skip
        errors.extend(_authority_codes(days, hint))
    except loader.RulesError as exc:
        errors.append(Error(str(exc), hint=hint, id="weijian.E040"))
    return errors


def _authority_codes(days: list[dt.date], hint: str) -> list[Error]:
    """Each office's 统一社会信用代码 (``authority_codes``) has a valid check digit (GB 32100-2015)."""
    from weijian.core.identifiers import clean_uscc

    errors: list[Error] = []
    table = loader.load(kinds.FILE).get("authority_codes") or {}
    for day in sorted(d for d in days if d in table):
        entry = {k: v for k, v in (table[day] or {}).items() if k not in loader.META_KEYS}
        for region, departments in entry.items():
            for department, code in (departments or {}).items() if isinstance(departments, dict) else [("?", departments)]:
                try:
                    clean_uscc(str(code))
                except ValueError as exc:
                    errors.append(Error(_("%(file)s.yaml：authority_codes.%(region)s.%(department)s：%(problem)s")
                                        % {"file": kinds.FILE, "region": region, "department": department,
                                           "problem": exc}, hint=hint, id="weijian.E042"))  # fmt: skip
    return errors
