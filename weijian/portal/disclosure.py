"""The disclosure service (信息公示): publish a decision on the portal for the period the rules set, take it down
when the decision is overturned or the period ends — one service for penalties now and credit records later.

Writes (one ``transaction.atomic`` and one audit event each):

- :func:`disclosure_publish` — validates the 双公示 fields against ``publication_windows.yaml`` (required fields by
  party type and penalty kind, 统一社会信用代码, identity numbers), masks the identity numbers of natural persons
  (the full number is never stored here), computes ``publish_due`` (7 working days), ``min_until`` /
  ``max_until`` (by severity, in the rule set of the decision date) and publishes at once — late if past
  ``publish_due``, which staff see (:func:`disclosure_list` view ``late``, the workbench). A decision the rules
  do not publish (a warning only, a 轻微 one from 2026-04-01) is recorded as 不予公示 with the reason, so the
  caller can tell. The same source twice gives back the first record, unchanged.
- :func:`disclosure_withdraw` — the decision was changed, revoked or voided: down at once, late if past the
  3 working days.
- :func:`disclosures_expire` — every record past ``max_until`` goes down (``weijian disclosures expire``, daily;
  idempotent). The public pages never show a record past ``max_until`` even before the command runs.
- :func:`disclosure_remove_early` — the hook the credit capability calls for 信用修复 once it has checked the
  repair conditions (obligations performed, 信用承诺 …): allowed only after ``min_until`` and where the rules let
  the record go early at all (not 特定严重, not 吊销 / 停产停业 …).

Reads: :func:`disclosure_for` (the record of a source, for the calling app's own service), the staff list
(:func:`disclosure_list`, scoped) and the public selectors (only what is published and in its window).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weijian.core.audit import audit_record
from weijian.core.identifiers import IdentifierError, clean_ric, clean_uscc, mask_ric
from weijian.core.models import Department, Region, region_prefix
from weijian.core.scope import require_writable, scoped
from weijian.core.workdays import CalendarYearUnknown
from weijian.portal import windows
from weijian.portal.models import Disclosure, DisclosureKind, DisclosureStatus
from weijian.rules.loader import RulesError

MAX_TEXT = 5000
MAX_REASON = 500
RIC_TYPES = ("身份证", "居民身份证")  # i18n: data (the 证件类型 a caller writes)
STAFF_VIEWS: dict[str, Any] = {"late": gettext_lazy("逾期公示或逾期撤下"), "overdue": gettext_lazy("期满未撤下"),
                               "withdrawn": gettext_lazy("已撤下"), "exempt": gettext_lazy("不予公示"),
                               "all": gettext_lazy("全部")}  # fmt: skip


class DisclosureError(ValueError):
    """A disclosure that cannot be written; the message names the field and the reason (Chinese)."""


# --------------------------------------------------------------------------- the published fields


def _text(spec: windows.FieldSpec, value: Any) -> str:
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise DisclosureError(_("%(label)s：不能超过 %(n)d 个字") % {"label": spec.shown_label, "n": MAX_TEXT})
    return text


def _amount(spec: windows.FieldSpec, value: Any) -> str:
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise DisclosureError(_("%(label)s：应为以万元计的数字") % {"label": spec.shown_label}) from None
    if not amount.is_finite() or amount < 0:
        raise DisclosureError(_("%(label)s：应为不小于 0 的数字") % {"label": spec.shown_label})
    return format(amount.normalize(), "f")


def _date(spec: windows.FieldSpec, value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise DisclosureError(_("%(label)s：应为日期（YYYY-MM-DD）") % {"label": spec.shown_label}) from None


def _id_number(spec: windows.FieldSpec, value: Any, id_type: str) -> str:
    """The number as published: validated when it is a 居民身份证, always masked (first 6 and last 4 kept)."""
    if any(t in id_type for t in RIC_TYPES):
        try:
            return mask_ric(clean_ric(value, field=spec.label))
        except IdentifierError as exc:
            raise DisclosureError(str(exc)) from None
    return mask_ric(str(value).strip())


def _one(spec: windows.FieldSpec, value: Any, given: dict[str, Any], on: dt.date) -> Any:
    if spec.format == "kinds":
        kinds = [value] if isinstance(value, str) else list(value or [])
        known = windows.penalty_kind_codes(on)
        unknown = [k for k in kinds if k not in known]
        if not kinds or unknown:
            raise DisclosureError(_("%(label)s：%(kinds)s 不是已知的处罚种类（应为 %(known)s）")
                                  % {"label": spec.shown_label, "kinds": unknown or "[]", "known": "/".join(known)})  # fmt: skip
        return list(dict.fromkeys(str(k) for k in kinds))
    if spec.format == "party_type":
        types = windows.party_types(on)
        if value not in types:
            raise DisclosureError(_("%(label)s：应为 %(types)s") % {"label": spec.shown_label, "types": "/".join(types)})
        return str(value)
    if spec.format == "uscc":
        try:
            return clean_uscc(value, field=spec.label)
        except IdentifierError as exc:
            raise DisclosureError(str(exc)) from None
    if spec.format == "id_number":
        type_key = "legal_representative_id_type" if spec.key.startswith("legal_representative") else "id_type"
        return _id_number(spec, value, str(given.get(type_key) or ""))
    if spec.format == "amount_wan":
        return _amount(spec, value)
    if spec.format == "date":
        return _date(spec, value)
    return _text(spec, value)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple) and not (value.strip() if isinstance(value, str) else value))


def published_fields(fields: dict[str, Any], *, decided_on: dt.date, max_until: dt.date | None) -> dict[str, Any]:
    """The 双公示 fields as the portal publishes them: checked, normalised, identity numbers masked.

    Raises :class:`DisclosureError` naming the field (its Chinese label) and the reason.
    """
    if not isinstance(fields, dict):
        raise DisclosureError(_("公示内容：应为数据项到取值的映射"))
    specs = windows.field_specs(decided_on)
    by_key = {s.key: s for s in specs}
    unknown = sorted(set(fields) - set(by_key))
    if unknown:
        raise DisclosureError(_("公示内容：%(keys)s 不是双公示数据项") % {"keys": _("、").join(unknown)})
    given = dict(fields)
    computed = {"decided_on": decided_on.isoformat(), "publish_until": max_until.isoformat() if max_until else ""}
    for key, value in computed.items():
        if not _empty(given.get(key)) and _date(by_key[key], given[key]) != value:
            raise DisclosureError(_("%(label)s：由平台按处罚决定日期和公示期限计算（应为 %(value)s）")
                                  % {"label": by_key[key].shown_label, "value": value or "—"})  # fmt: skip
        given[key] = value
    for target, fallback in (("data_source", "authority"), ("data_source_code", "authority_code"),
                             ("valid_until", "publish_until")):  # fmt: skip
        if _empty(given.get(target)) and not _empty(given.get(fallback)):
            given[target] = given[fallback]
    party_type = str(given.get("party_type") or "")
    kinds = given.get("penalty_kinds") or []
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    out: dict[str, Any] = {}
    for spec in specs:
        value = given.get(spec.key)
        if _empty(value):
            if spec.required_for(party_type, kinds):
                raise DisclosureError(_("%(label)s：必须填写") % {"label": spec.shown_label})
            continue
        out[spec.key] = value if spec.computed else _one(spec, value, given, decided_on)
    return out


def shown_fields(disclosure: Disclosure) -> list[tuple[str, str]]:
    """(label, text) of each published field in the rules' order, labels in the reader's language."""
    on = disclosure.decided_on
    types = windows.party_types(on)
    rows = []
    for spec in windows.field_specs(on):
        value = disclosure.fields.get(spec.key)
        if _empty(value):
            continue
        if spec.format == "kinds":
            text = _("、").join(windows.kind_labels(value, on))
        elif spec.format == "party_type":
            text = types.get(value, str(value))
        else:
            text = str(value)
        rows.append((spec.shown_label, text))
    return rows


# --------------------------------------------------------------------------- writes


def _place(source: models.Model, region: Region | None, department: Department | None) -> tuple[Region, Department]:
    region = region or getattr(source, "region", None) or getattr(source, "district", None)
    department = department or getattr(source, "department", None)
    if not isinstance(region, Region):
        raise DisclosureError(_("管辖区域：来源记录没有管辖区域，须指定"))
    if not isinstance(department, Department):
        raise DisclosureError(_("处罚部门：来源记录没有承办部门，须指定"))
    return region, department


def _linked(source: models.Model) -> tuple[models.Model, ...]:
    return (source,) if getattr(type(source), "scope_rule", None) is not None else ()


def _check_day(day: Any, label: str) -> dt.date:
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise DisclosureError(_("%(label)s：应为日期") % {"label": label})
    if day > timezone.localdate():
        raise DisclosureError(_("%(label)s：不能晚于今天") % {"label": label})
    return day


def _kinds_and_fine(fields: Any) -> tuple[list[str], Decimal | None]:
    """The penalty kinds and the fine (万元) as given, read leniently: they choose the SAMR period before the fields
    are checked (bad values are refused by :func:`published_fields`, naming the field)."""
    if not isinstance(fields, dict):
        return [], None
    kinds = fields.get("penalty_kinds") or []
    kinds = [kinds] if isinstance(kinds, str) else [str(k) for k in kinds] if isinstance(kinds, list | tuple) else []
    try:
        fine = Decimal(str(fields.get("fine_amount")).strip()) if fields.get("fine_amount") not in (None, "") else None
    except InvalidOperation:
        fine = None
    return kinds, fine if fine is None or fine.is_finite() else None


@transaction.atomic
def disclosure_publish(
    *,
    actor: Any,
    kind: str,
    source: models.Model,
    fields: dict[str, Any],
    decided_on: dt.date,
    severity: str,
    region: Region | None = None,
    department: Department | None = None,
) -> Disclosure:
    """Publish one decision (``kind`` "penalty") on the portal; see the module docstring.

    ``region`` / ``department`` default to the source's own (``region`` or ``district``, ``department``).
    """
    if kind not in DisclosureKind.values:
        raise DisclosureError(_("公示类别：%(kind)s 不是已知的类别") % {"kind": repr(kind)})
    if getattr(source, "pk", None) is None:
        raise DisclosureError(_("来源记录：须为已保存的记录"))
    decided_on = _check_day(decided_on, _("处罚决定日期"))
    source_type = ContentType.objects.get_for_model(source)
    existing = (Disclosure.objects.select_for_update()
                .filter(kind=kind, source_type=source_type, source_id=source.pk).first())  # fmt: skip
    if existing is not None:
        require_writable(actor, existing, linked=_linked(source))  # out of scope: answers as if it did not exist
        return existing
    place_region, place_department = _place(source, region, department)
    issuer = place_department.code
    raw_kinds, fine = _kinds_and_fine(fields)
    try:
        period = windows.period(severity, decided_on, issuer=issuer, kinds=raw_kinds, fine_wan=fine)
    except RulesError as exc:
        raise DisclosureError(_("处罚决定日期：%(reason)s") % {"reason": exc}) from None
    published = published_fields(fields, decided_on=decided_on, max_until=period.max_until)
    kinds = published.get("penalty_kinds", [])
    exempt = windows.exempt_reason(severity, kinds, decided_on, issuer)
    rules: dict[str, Any] = {"period": period.record, "rule_set": period.rule_set}
    try:
        due: dt.date | None = windows.publish_due(decided_on, issuer)
    except CalendarYearUnknown as exc:
        due, rules["publish_due_note"] = None, str(exc)[:200]
    now = timezone.now()
    today = timezone.localdate(now)
    status = DisclosureStatus.EXEMPT if exempt else DisclosureStatus.PUBLISHED
    if not exempt and period.max_until < today:
        status = DisclosureStatus.EXPIRED  # published after its whole period had passed: on record, never shown
    disclosure = Disclosure(
        kind=kind, source_type=source_type, source_id=source.pk, region=place_region, department=place_department,
        party_name=str(published.get("party_name", ""))[:200],
        decision_number=str(published.get("decision_number", ""))[:100], fields=published, severity=severity,
        decided_on=decided_on, publish_due=due, published_at=None if exempt else now,
        published_late=bool(not exempt and due is not None and today > due),
        min_until=period.min_until, max_until=period.max_until,
        early_removal=windows.early_removal_possible(severity, kinds, decided_on, issuer), exempt_reason=exempt[:300],
        rules=rules, status=status, ended_at=now if status == DisclosureStatus.EXPIRED else None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    require_writable(actor, disclosure, linked=_linked(source))
    disclosure.save()
    audit_record(
        actor=actor, action="portal.disclosure.publish", object_type="disclosure", object_id=disclosure.pk,
        data={"kind": kind, "source": f"{source_type.app_label}.{source_type.model}:{source.pk}",
              "decision_number": disclosure.decision_number, "severity": severity, "status": status,
              "decided_on": decided_on.isoformat(), "publish_due": due.isoformat() if due else None,
              "late": disclosure.published_late, "min_until": period.min_until.isoformat(),
              "max_until": period.max_until.isoformat(), "exempt_reason": exempt, "rules": rules},
    )  # fmt: skip
    return disclosure


def _locked(disclosure: Disclosure) -> Disclosure:
    found = Disclosure.objects.select_for_update().filter(pk=disclosure.pk).first()
    if found is None:
        raise DisclosureError(_("公示记录 %(pk)s 不存在") % {"pk": disclosure.pk})
    return found


def _reason(reason: str, label: str) -> str:
    text = (reason or "").strip()
    if len(text) < 2:
        raise DisclosureError(_("%(label)s：必须填写") % {"label": label})
    if len(text) > MAX_REASON:
        raise DisclosureError(_("%(label)s：不能超过 %(n)d 个字") % {"label": label, "n": MAX_REASON})
    return text


@transaction.atomic
def disclosure_withdraw(
    *, actor: Any, disclosure: Disclosure, reason: str, overturned_on: dt.date | None = None
) -> Disclosure:
    """Take a disclosure down because its decision was changed, revoked or voided (on ``overturned_on``, default
    today); late when past the rules' withdrawal deadline (3 working days)."""
    locked = _locked(disclosure)
    require_writable(actor, locked)
    if locked.status == DisclosureStatus.WITHDRAWN:
        raise DisclosureError(_("公示记录 %(number)s 已于 %(day)s 撤下")
                              % {"number": locked.decision_number, "day": f"{timezone.localtime(locked.withdrawn_at):%Y-%m-%d}"})  # fmt: skip
    text = _reason(reason, _("撤下理由"))
    overturned = _check_day(overturned_on or timezone.localdate(), _("决定变更或撤销日期"))
    if overturned < locked.decided_on:
        raise DisclosureError(_("决定变更或撤销日期：不能早于处罚决定日期 %(day)s") % {"day": locked.decided_on})
    rules = dict(locked.rules)
    try:
        due: dt.date | None = windows.withdraw_due(overturned)
    except CalendarYearUnknown as exc:
        due, rules["withdraw_due_note"] = None, str(exc)[:200]
    now = timezone.now()
    before = locked.status
    locked.status, locked.overturned_on, locked.withdraw_due, locked.withdrawn_at = (
        DisclosureStatus.WITHDRAWN, overturned, due, now)
    locked.withdrawn_late = due is not None and timezone.localdate(now) > due
    locked.withdraw_reason, locked.rules = text, rules
    locked.save(update_fields=["status", "overturned_on", "withdraw_due", "withdrawn_at", "withdrawn_late",
                               "withdraw_reason", "rules", "updated_at"])  # fmt: skip
    audit_record(
        actor=actor, action="portal.disclosure.withdraw", object_type="disclosure", object_id=locked.pk,
        data={"decision_number": locked.decision_number, "from": before, "reason": text,
              "overturned_on": overturned.isoformat(), "withdraw_due": due.isoformat() if due else None,
              "late": locked.withdrawn_late},
    )  # fmt: skip
    return locked


@transaction.atomic
def disclosures_expire(*, today: dt.date) -> int:
    """Take down every published record whose period ended before ``today``; the number taken down.

    Idempotent: a second run the same day finds nothing and writes nothing (no audit event for nothing done).
    """
    due = Disclosure.objects.select_for_update().filter(status=DisclosureStatus.PUBLISHED, max_until__lt=today)
    ids = sorted(due.values_list("pk", flat=True))
    if not ids:
        return 0
    Disclosure.objects.filter(pk__in=ids).update(status=DisclosureStatus.EXPIRED, ended_at=timezone.now(),
                                                 updated_at=timezone.now())  # fmt: skip
    audit_record(actor="system", action="portal.disclosures.expire", object_type="disclosure", object_id="",
                 data={"today": today.isoformat(), "count": len(ids), "ids": ids[:5000]})  # fmt: skip
    return len(ids)


@transaction.atomic
def disclosure_remove_early(*, actor: Any, disclosure: Disclosure, reason: str, on: dt.date | None = None) -> Disclosure:
    """Take a record down before ``max_until`` (信用修复). The caller — the credit capability — checks the repair
    conditions; this refuses what the rules never allow: before ``min_until`` is over, 特定严重, the listed kinds."""
    locked = _locked(disclosure)
    require_writable(actor, locked)
    day = on or timezone.localdate()
    if locked.status != DisclosureStatus.PUBLISHED:
        raise DisclosureError(_("公示记录 %(number)s 现为%(status)s，不能提前移除")
                              % {"number": locked.decision_number, "status": locked.get_status_display()})  # fmt: skip
    if not locked.early_removal:
        raise DisclosureError(_("公示记录 %(number)s：按公示规则不得提前移除") % {"number": locked.decision_number})
    if locked.min_until is None or day <= locked.min_until:
        raise DisclosureError(_("公示记录 %(number)s：最短公示期至 %(day)s，期满后方可提前移除")
                              % {"number": locked.decision_number, "day": locked.min_until})  # fmt: skip
    text = _reason(reason, _("移除理由"))
    locked.status, locked.ended_at, locked.withdraw_reason = DisclosureStatus.REMOVED_EARLY, timezone.now(), text
    locked.save(update_fields=["status", "ended_at", "withdraw_reason", "updated_at"])
    audit_record(actor=actor, action="portal.disclosure.remove_early", object_type="disclosure", object_id=locked.pk,
                 data={"decision_number": locked.decision_number, "reason": text, "on": day.isoformat(),
                       "min_until": locked.min_until.isoformat()})  # fmt: skip
    return locked


# --------------------------------------------------------------------------- reads


def disclosure_for(source: models.Model, kind: str = DisclosureKind.PENALTY) -> Disclosure | None:
    """The disclosure of ``source`` (for the calling app's service, which has already read the source in scope)."""
    if getattr(source, "pk", None) is None:
        return None
    return Disclosure.objects.filter(kind=kind, source_type=ContentType.objects.get_for_model(source),
                                     source_id=source.pk).first()  # fmt: skip


def disclosure_list(user: Any, view: str = "all", *, today: dt.date | None = None) -> QuerySet[Disclosure]:
    """Staff: the disclosures of the user's scope — ``late`` (published or withdrawn after the deadline),
    ``overdue`` (period over, not yet taken down), ``withdrawn``, ``exempt`` or ``all``."""
    day = today or timezone.localdate()
    qs = scoped(user, Disclosure.objects.select_related("region", "department"))
    if view == "late":
        qs = qs.filter(Q(published_late=True) | Q(withdrawn_late=True))
    elif view == "overdue":
        qs = qs.filter(status=DisclosureStatus.PUBLISHED, max_until__lt=day)
    elif view == "withdrawn":
        qs = qs.filter(status=DisclosureStatus.WITHDRAWN)
    elif view == "exempt":
        qs = qs.filter(status=DisclosureStatus.EXEMPT)
    return qs.order_by("-decided_on", "-pk")


def _public_window(today: dt.date) -> Q:
    return Q(status=DisclosureStatus.PUBLISHED, published_at__isnull=False, max_until__gte=today)


def in_public_window(today: dt.date) -> Q:
    """What the public sees on ``today``: published and inside its window (computed when read, whatever the status
    job has done) — for other apps' exports of what is public."""
    return _public_window(today)


def public_penalties(*, q: str | None = None, district: str | None = None, year: str | None = None,
                     today: dt.date | None = None) -> QuerySet[Disclosure]:  # fmt: skip
    """The public list: published penalties in their window, searched by party name or 文号, filtered by district
    (a region code: the records of the district and below) and year of the decision."""
    day = today or timezone.localdate()
    qs = Disclosure.objects.filter(_public_window(day), kind=DisclosureKind.PENALTY).select_related("region",
                                                                                                  "department")
    text = (q or "").strip()[:100]
    if text:
        qs = qs.filter(Q(party_name__contains=text) | Q(decision_number__contains=text))
    if district and district.isdigit():
        qs = qs.filter(region__code__startswith=region_prefix(district))
    if year and year.isdigit() and len(year) == 4:
        qs = qs.filter(decided_on__year=int(year))
    return qs.order_by("-decided_on", "-pk")


def public_penalty(pk: int, *, today: dt.date | None = None) -> tuple[Disclosure, bool]:
    """A penalty that was once published and whether it is still shown (False: withdrawn, expired or removed —
    the page says so without its fields). Never published (不予公示) or unknown: 404."""
    found = (Disclosure.objects.filter(pk=pk, kind=DisclosureKind.PENALTY, published_at__isnull=False)
             .select_related("region", "department").first())  # fmt: skip
    if found is None:
        raise Http404(_("处罚信息不存在或未公示"))
    day = today or timezone.localdate()
    return found, Disclosure.objects.filter(_public_window(day), pk=found.pk).exists()


def public_districts() -> list[Region]:
    """The districts the public list can be filtered by."""
    return list(Region.objects.filter(level=Region.Level.DISTRICT).order_by("code"))


def public_years(today: dt.date | None = None) -> list[int]:
    day = today or timezone.localdate()
    dates = Disclosure.objects.filter(_public_window(day), kind=DisclosureKind.PENALTY).dates("decided_on", "year")
    return sorted({d.year for d in dates}, reverse=True)
