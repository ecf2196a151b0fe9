"""The one interface credit reads: :class:`CreditFact`, the apps that offer them, and the ingest service.

Each app that knows facts about a subject's credit offers them through ``credit_facts(since: date) ->
Iterable[CreditFact]`` in its own ``selectors.py`` (listed in :data:`FACT_SOURCES`). Credit never models
another app's records: it stores what the facts say, keyed by ``(source_kind, source_key)``.

:func:`credit_record_ingest` stores a batch in one transaction with one audit event. A fact whose subject
is not in the registry (or names an unknown region, department or disclosure) rejects the whole batch,
naming it, so nothing is half-saved. The same fact pushed twice — by its own app again, or by another
reporter (``reported_by``) — stays one record: the new reporter is added to ``sources``, nothing else
changes (history is never rewritten; a correction is a new fact with ``corrects_key``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core.audit import audit_record
from weijian.core.models import Department, Region
from weijian.portal.models import Disclosure, Severity
from weijian.registry.models import Institution, Practitioner

# Dotted paths of every app's ``credit_facts(since)`` selector; ``weijian credit sync`` pulls them all.
FACT_SOURCES: tuple[str, ...] = (
    "weijian.cases.selectors.credit_facts",
    "weijian.inspections.selectors.credit_facts",
    "weijian.alerts.selectors.credit_facts",
    "weijian.complaints.selectors.credit_facts",
)


class CreditFactError(ValueError):
    """A fact that cannot be stored; the message names the fact, the field and the reason (Chinese)."""


@dataclass(frozen=True)
class CreditFact:
    """One fact about one subject (an institution *or* a practitioner), as an app offers it to credit."""

    source_kind: str  # a weijian.credit.models.SourceKind value
    source_key: str  # unique within source_kind: the same fact always has the same key
    occurred_on: dt.date
    severity: str  # a weijian.portal.models.Severity value
    category: str  # a weijian.credit.models.Category value
    title: str
    region_code: str
    department_code: str
    institution_id: int | None = None
    practitioner_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    violation_code: str = ""
    disclosure_id: int | None = None
    reported_by: str = ""  # who reports it (an app or a partner department); default: the source kind
    corrects_kind: str = ""  # source_kind of the record this fact corrects (default: this fact's own)
    corrects_key: str = ""  # source_key of the record this fact corrects

    @property
    def key(self) -> tuple[str, str]:
        return (self.source_kind, self.source_key)

    @property
    def reporter(self) -> str:
        return self.reported_by or self.source_kind


@dataclass(frozen=True)
class IngestResult:
    created: int
    merged: int  # facts already on record that brought a new reporter
    unchanged: int  # facts already on record from the same reporter


def _label(fact: CreditFact) -> str:
    return f"{fact.source_kind}:{fact.source_key}"


def _check(fact: CreditFact, known: dict[str, Any]) -> None:
    from weijian.credit.models import Category, SourceKind

    name = _label(fact)
    if fact.source_kind not in SourceKind.values:
        raise CreditFactError(_("%(fact)s：来源 %(value)s 不是已知的信用信息来源") % {"fact": name, "value": fact.source_kind})
    if not fact.source_key or len(fact.source_key) > 120:
        raise CreditFactError(_("%(fact)s：来源标识必须填写，且不超过120个字符") % {"fact": name})
    if fact.severity not in Severity.values:
        raise CreditFactError(_("%(fact)s：严重程度 %(value)s 不是已知的取值") % {"fact": name, "value": fact.severity})
    if fact.category not in Category.values:
        raise CreditFactError(_("%(fact)s：类别 %(value)s 不是已知的取值") % {"fact": name, "value": fact.category})
    if (fact.institution_id is None) == (fact.practitioner_id is None):
        raise CreditFactError(_("%(fact)s：当事人必须是一个机构或一名执业人员（且只能是其一）") % {"fact": name})
    if fact.institution_id is not None and fact.institution_id not in known["institutions"]:
        raise CreditFactError(_("%(fact)s：机构 %(id)s 不在名录中") % {"fact": name, "id": fact.institution_id})
    if fact.practitioner_id is not None and fact.practitioner_id not in known["practitioners"]:
        raise CreditFactError(_("%(fact)s：执业人员 %(id)s 不在名录中") % {"fact": name, "id": fact.practitioner_id})
    if fact.region_code not in known["regions"]:
        raise CreditFactError(_("%(fact)s：区域 %(code)s 不存在") % {"fact": name, "code": fact.region_code})
    if fact.department_code not in known["departments"]:
        raise CreditFactError(_("%(fact)s：部门 %(code)s 不存在") % {"fact": name, "code": fact.department_code})
    if fact.disclosure_id is not None and fact.disclosure_id not in known["disclosures"]:
        raise CreditFactError(_("%(fact)s：公示 %(id)s 不存在") % {"fact": name, "id": fact.disclosure_id})
    if not isinstance(fact.occurred_on, dt.date):
        raise CreditFactError(_("%(fact)s：发生日期必须是日期") % {"fact": name})
    if not (fact.title or "").strip():
        raise CreditFactError(_("%(fact)s：标题必须填写") % {"fact": name})


def _known(facts: list[CreditFact]) -> dict[str, Any]:
    """The ids and codes the batch names that exist (a few queries for the whole batch)."""
    def ids(values: Iterable[Any]) -> set[Any]:
        return {v for v in values if v is not None}

    return {
        "institutions": set(Institution.objects.filter(pk__in=ids(f.institution_id for f in facts))
                            .values_list("pk", flat=True)),
        "practitioners": set(Practitioner.objects.filter(pk__in=ids(f.practitioner_id for f in facts))
                             .values_list("pk", flat=True)),
        "disclosures": set(Disclosure.objects.filter(pk__in=ids(f.disclosure_id for f in facts))
                           .values_list("pk", flat=True)),
        "regions": dict(Region.objects.filter(code__in=ids(f.region_code for f in facts)).values_list("code", "pk")),
        "departments": dict(Department.objects.filter(code__in=ids(f.department_code for f in facts))
                            .values_list("code", "pk")),
    }  # fmt: skip


BATCH = 2000


def credit_record_ingest(*, actor: Any, facts: Iterable[CreditFact]) -> IngestResult:
    """Store facts as credit records: all or none, one audit event. Returns what was created and merged."""
    from weijian.credit.models import CreditRecord

    batch = list(facts)
    with transaction.atomic():
        known = _known(batch)
        for fact in batch:
            _check(fact, known)
        now = timezone.now()
        stamp = now.date().isoformat()
        user = actor if getattr(actor, "pk", None) is not None and getattr(actor, "is_authenticated", False) else None
        existing: dict[tuple[str, str], CreditRecord] = {}
        keys = {f.key for f in batch}
        kinds = {k for k, _key in keys}
        for kind in kinds:
            wanted = [key for k, key in keys if k == kind]
            for start in range(0, len(wanted), BATCH):
                for record in CreditRecord.objects.filter(source_kind=kind, source_key__in=wanted[start:start + BATCH]):
                    existing[(record.source_kind, record.source_key)] = record
        created: list[CreditRecord] = []
        changed: dict[int, CreditRecord] = {}
        merged = unchanged = 0
        pending: dict[tuple[str, str], CreditRecord] = {}
        for fact in batch:
            record = existing.get(fact.key) or pending.get(fact.key)
            if record is not None:
                if any(entry.get("by") == fact.reporter for entry in record.sources):
                    unchanged += 1
                    continue
                record.sources = [*record.sources, {"by": fact.reporter, "at": stamp}]
                if record.pk is not None:
                    changed[record.pk] = record
                merged += 1
                continue
            record = CreditRecord(
                institution_id=fact.institution_id, practitioner_id=fact.practitioner_id,
                source_kind=fact.source_kind, source_key=fact.source_key,
                sources=[{"by": fact.reporter, "at": stamp}], occurred_on=fact.occurred_on, severity=fact.severity,
                category=fact.category, title=fact.title[:300], detail=fact.detail,
                violation_code=fact.violation_code, region_id=known["regions"][fact.region_code],
                department_id=known["departments"][fact.department_code], disclosure_id=fact.disclosure_id,
                recorded_by=user,
            )  # fmt: skip
            pending[fact.key] = record
            created.append(record)
        CreditRecord.objects.bulk_create(created, batch_size=BATCH)
        if changed:
            CreditRecord.objects.bulk_update(list(changed.values()), ["sources"], batch_size=BATCH)
        _link_corrections(batch)
        result = IngestResult(created=len(created), merged=merged, unchanged=unchanged)
        audit_record(
            actor=actor, action="credit.record.ingest", object_type="credit.creditrecord",
            data={"created": result.created, "merged": result.merged, "unchanged": result.unchanged,
                  "kinds": sorted(kinds)},
        )  # fmt: skip
    return result


def _link_corrections(batch: list[CreditFact]) -> None:
    """Point each correcting record at the record it corrects (which must exist, named otherwise)."""
    from weijian.credit.models import CreditRecord

    for fact in batch:
        if not fact.corrects_key:
            continue
        kind = fact.corrects_kind or fact.source_kind
        target = CreditRecord.objects.filter(source_kind=kind, source_key=fact.corrects_key).first()
        if target is None:
            raise CreditFactError(
                _("%(fact)s：要更正的记录 %(key)s 不存在") % {"fact": _label(fact), "key": f"{kind}:{fact.corrects_key}"}
            )
        CreditRecord.objects.filter(source_kind=fact.source_kind, source_key=fact.source_key,
                                    corrects__isnull=True).exclude(pk=target.pk).update(corrects=target)  # fmt: skip
