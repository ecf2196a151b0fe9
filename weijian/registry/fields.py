"""执法领域 of an inspector: codes of the responsibility list, stored ``;``-separated on ``Inspector.fields``.

Input (admin, import) may give codes (``medical``) or their Chinese names (``医疗服务``), separated by ``;``, ``；``,
``、`` or ``,``; what is stored is the codes, in the catalogue's order. An unknown one is refused with the allowed values.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from weijian.core.responsibility import fields

_SEPARATORS = re.compile(r"[;；、,，\s]+")  # i18n: data (separators typed in input)

# Names the 执法人员名录 used before the 执法领域 became codes (free text); kept so old lists still import.
LEGACY_NAMES: dict[str, str] = {  # i18n: data (names matched in input)
    "医疗机构": "medical", "医疗废物": "infectious", "公共场所": "public_place", "生活饮用水": "water",  # i18n: data
    "职业卫生": "occupational", "放射卫生": "radiation", "学校卫生": "school", "母婴保健": "maternal",  # i18n: data
    "传染病防治": "infectious",  # i18n: data
}  # fmt: skip


class FieldCodeError(ValueError):
    """Unknown 执法领域: the message lists the unknown values and every allowed one (Chinese)."""


def split_codes(value: str) -> list[str]:
    return [part for part in _SEPARATORS.split(value or "") if part]


def allowed_text() -> str:
    return _("、").join(_("%(code)s（%(name)s）") % {"code": code, "name": name} for code, name in fields().items())


def normalize_fields(value: str) -> str:
    """``value`` as stored: known codes, in catalogue order, ``;``-separated. Raises FieldCodeError."""
    catalogue = fields()
    by_name = {name: code for code, name in catalogue.items()}
    wanted: set[str] = set()
    unknown: list[str] = []
    for part in split_codes(value):
        code = part if part in catalogue else by_name.get(part) or LEGACY_NAMES.get(part) or part.lower()
        if code in catalogue:
            wanted.add(code)
        else:
            unknown.append(part)
    if unknown:
        raise FieldCodeError(_("未知的执法领域“%(values)s”，应为：%(allowed)s") % {
            "values": _("、").join(unknown), "allowed": allowed_text(),
        })  # fmt: skip
    return ";".join(code for code in catalogue if code in wanted)


def validate_field_codes(value: str) -> None:
    """Model-field validator (admin forms): stored values are codes of the catalogue."""
    unknown = [part for part in split_codes(value) if part not in fields()]
    if unknown:
        message = _("未知的执法领域代码“%(values)s”，应为：%(allowed)s") % {
            "values": _("、").join(unknown), "allowed": allowed_text(),
        }  # fmt: skip
        raise ValidationError(message, code="unknown_field")


def field_names(value: str) -> list[str]:
    """Chinese names of the stored codes (an unknown code is shown as it is)."""
    catalogue = fields()
    return [catalogue.get(code, code) for code in split_codes(value)]
