"""Identifier normalisation, validation and masking: 统一社会信用代码, 居民身份证, 执业证书编码, 执法证号.

Every identifier goes through :func:`normalize_identifier` before it is validated, stored or
looked up (imports, admin forms, API paths and queries, search), so that a number typed with
full-width digits or spaces is the same record as the plain one. Check characters come from
python-stdnum (``cn.uscc`` for GB 32100-2015; ``cn.ric``'s ISO 7064 MOD 11-2 check for GB 11643);
nothing here re-implements them. Formats that a standard leaves open are rules data
(``rules/data/identifiers.yaml``). Every failure raises :class:`IdentifierError` carrying the field
and a Chinese reason, so an importer, a form and the API can all say which field is wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from weijian.i18n import gettext as _
from weijian.i18n import gettext_noop, localized
from weijian.rules import loader as rules

PEPPER_ENV = "WEIJIAN_ID_PEPPER"
PEPPER_FILE = "id_pepper"


@dataclass
class IdentifierError(ValueError):
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        # the default field names are catalogued; a field name given by the caller is shown as given
        return _("%(field)s：%(reason)s（%(value)s）") % {"field": _(self.field), "reason": self.reason, "value": self.value}


def normalize_identifier(value: Any) -> str:
    """The one canonical form of an identifier as typed: NFKC (full-width → half-width), every
    space removed (U+3000 and inner ones too) along with invisible format characters, upper case."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf").upper()


_REASONS: dict[type[ValidationError], str] = {
    InvalidLength: gettext_noop("长度不正确"),
    InvalidFormat: gettext_noop("格式不正确"),
    InvalidChecksum: gettext_noop("校验位不正确"),
    InvalidComponent: gettext_noop("编码中含有无效的组成部分"),
}
EMPTY = gettext_noop("不能为空")
USCC, RIC, CERT_NO, BADGE_NO = (gettext_noop("统一社会信用代码"), gettext_noop("身份证号码"), gettext_noop("执业证书编码"),
                                gettext_noop("执法证号"))  # fmt: skip


def _reason(exc: ValidationError) -> str:
    for kind, text in _REASONS.items():
        if isinstance(exc, kind):
            return _(text)
    return _("无效")


def clean_uscc(value: Any, field: str = USCC) -> str:
    """Return the 18-character code, or raise IdentifierError (GB 32100-2015)."""
    code = normalize_identifier(value)
    if not code:
        raise IdentifierError(field, code, _(EMPTY))
    try:
        return uscc.validate(code)
    except ValidationError as exc:
        raise IdentifierError(field, code, _reason(exc)) from exc


_RIC_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def ric_provinces(on: dt.date | None = None) -> frozenset[str]:
    """Province codes (GB/T 2260, first two digits) an address code may start with."""
    return frozenset(rules.identifier_spec("ric_provinces", on)["codes"])


def clean_ric(value: Any, field: str = RIC, today: dt.date | None = None) -> str:
    """Return the 18-character 居民身份证号码 (GB 11643-1999), or raise IdentifierError.

    Checked: 18 characters, 17 digits and a digit or X, an address code whose first two digits
    are a province code, a real birth date not after today, and the ISO 7064 MOD 11-2 check
    character. Not checked: whether the county code existed in the birth year — the address code
    is where the holder's household was registered when the number was assigned, and counties are
    created and renamed all the time, so most people over 40 carry a code younger or older than
    today's list. The error never echoes the full number.
    """
    number = normalize_identifier(value)
    if not number:
        raise IdentifierError(field, "", _(EMPTY))
    shown = mask_ric(number)
    if len(number) != 18:
        raise IdentifierError(field, shown, _("应为18位（现为%(n)d位）") % {"n": len(number)})
    if not _RIC_SHAPE.fullmatch(number):
        raise IdentifierError(field, shown, _("前17位应为数字，第18位应为数字或X"))
    if number[:2] not in ric_provinces(today):
        raise IdentifierError(field, shown, _("地址码（前6位）的省级代码“%(code)s”不存在") % {"code": number[:2]})
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdentifierError(field, shown, _("出生日期（第7至14位）不是有效的日期")) from exc
    if born > (today or dt.date.today()):
        raise IdentifierError(field, shown, _("出生日期（第7至14位）晚于今天"))
    if number[17] != ric.calc_check_digit(number):
        raise IdentifierError(field, shown, _("校验位不正确"))
    return number


def cert_no_formats(on: dt.date | None = None) -> dict[str, dict[str, str]]:
    """The 执业证书编码 format in force for each practitioner kind (rules data)."""
    kinds = rules.load("identifiers")["cert_no"]["kinds"]
    day = on or dt.date.today()
    return {kind: rules.as_of(spec["versions"], day, f"identifiers.cert_no.{kind}") for kind, spec in kinds.items()}


def clean_cert_no(value: Any, field: str = CERT_NO, kind: str | None = None, on: dt.date | None = None) -> str:
    """Return a 执业证书编码 in the format of ``kind``, or — without a kind (a look-up by number) —
    in the format of any kind; else raise IdentifierError."""
    number = normalize_identifier(value)
    if not number:
        raise IdentifierError(field, "", _(EMPTY))
    formats = cert_no_formats(on)
    if kind is not None:
        spec = formats.get(kind)
        if spec is None:
            raise IdentifierError(field, number, _("未知的人员类别“%(kind)s”") % {"kind": kind})
        if not re.fullmatch(spec["pattern"], number):
            raise IdentifierError(field, number, localized(spec, "message"))
        return number
    if any(re.fullmatch(spec["pattern"], number) for spec in formats.values()):
        return number
    messages = dict.fromkeys(localized(spec, "message") for spec in formats.values())
    raise IdentifierError(field, number, _("不符合任何类别的格式：%(formats)s") % {"formats": _("；").join(messages)})


def clean_badge_no(value: Any, field: str = BADGE_NO) -> str:
    """执法证号: the pattern is rules data (``identifiers.yaml``), since provinces format it differently."""
    number = normalize_identifier(value)
    if not number:
        raise IdentifierError(field, number, _(EMPTY))
    spec = rules.identifier_spec("badge_no")
    if not re.fullmatch(spec["pattern"], number):
        raise IdentifierError(field, number, localized(spec, "message"))
    return number


def id_digest(id_number: str) -> str:
    """A keyed hash (HMAC-SHA256) of a normalised 身份证 number: lets records be matched without
    keeping the number.

    The key is the identity pepper, not Django's SECRET_KEY, so rotating the secret key keeps every
    digest. It comes from ``$WEIJIAN_ID_PEPPER`` or, failing that, the file ``id_pepper`` in the
    data folder (mode 0600), generated on first use. Losing it makes stored digests unmatchable:
    back it up with the database.
    """
    return hmac.new(_identity_pepper(), normalize_identifier(id_number).encode(), hashlib.sha256).hexdigest()


def _identity_pepper() -> bytes:
    from_env = os.environ.get(PEPPER_ENV, "").strip()
    if from_env:
        return from_env.encode()
    from django.conf import settings

    return _pepper_file(Path(settings.DATA_DIR) / PEPPER_FILE)


@lru_cache(maxsize=8)
def _pepper_file(path: Path) -> bytes:
    """Read the pepper file, creating it atomically (owner-only) the first time."""
    if not path.exists():
        draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        os.chmod(draft, 0o600)
        try:
            os.link(draft, path)  # fails if another process got there first: then theirs is used
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    pepper = path.read_text().strip()
    if not pepper:
        raise RuntimeError(f"{path} is empty; restore it from a backup or set {PEPPER_ENV}")
    return pepper.encode()


def mask_ric(value: str) -> str:
    """Keep the first 6 and last 4 characters of an ID number: ``110105********002X``."""
    value = (value or "").strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    value = (value or "").strip()
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "*" * len(value)
