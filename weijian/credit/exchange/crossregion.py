"""The cross-region check (行刑衔接): a second penalty for the same violation code against the same subject in another
region inside the window (``credit_exchange.yaml`` ``second_penalty_window_months``, default 2 years after 行政处罚法
art. 36 — a policy default, ``[unverified]``) is flagged as a :class:`CrossRegionReview` an officer disposes.

The subject is the archive's subject: the same institution (统一社会信用代码) or practitioner (identity number, by
its keyed hash in the registry). A record's region is the region that decided it: ``detail["origin_region"]`` for a
record imported from another region, else the record's own region.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core import deadlines
from weijian.core.audit import audit_record
from weijian.core.identifiers import mask_ric
from weijian.core.scope import OutOfScope, require_writable, scoped
from weijian.core.workdays import CalendarYearUnknown
from weijian.credit.models import Category, CreditRecord
from weijian.credit.models_lists import CrossRegionReview, ReviewStatus
from weijian.portal.windows import add_months
from weijian.rules import loader

FILE = "credit_exchange"
MAX_REASON = 500


class ReviewError(ValueError):
    """A disposal that cannot be made; the message names the field and the reason (Chinese)."""


def window_months(on: dt.date) -> int:
    return int(loader.value(FILE, "second_penalty_window_months", on))


def origin(record: CreditRecord) -> str:
    return str((record.detail or {}).get("origin_region") or record.region.code)


def _subject(record: CreditRecord) -> tuple[str, str]:
    if record.institution_id:
        return record.institution.uscc, record.institution.name
    practitioner = record.practitioner
    key = f"id:{practitioner.id_digest}" if practitioner.id_digest else f"cert:{practitioner.cert_no}"
    return key[:80], f"{practitioner.name} ({practitioner.id_masked or mask_ric(practitioner.cert_no)})"


def _pair_exists(earlier: CreditRecord, later: CreditRecord) -> bool:
    return CrossRegionReview.objects.filter(Q(earlier=earlier, later=later) | Q(earlier=later, later=earlier)).exists()


def cross_region_scan(*, records: Iterable[CreditRecord], actor: Any = "system") -> list[CrossRegionReview]:
    """Flag each penalty of ``records`` that has an earlier or later penalty of the same subject and violation code
    in another region inside the window. Idempotent (a pair is flagged once); one audit event when it flags any."""
    made: list[CrossRegionReview] = []
    with transaction.atomic():
        for record in records:
            if record.category != Category.PENALTY or not record.violation_code:
                continue
            months = window_months(record.occurred_on)
            subject = Q(institution_id=record.institution_id) if record.institution_id else Q(
                practitioner_id=record.practitioner_id)  # fmt: skip
            others = (CreditRecord.objects.select_related("region", "institution", "practitioner")
                      .filter(subject, category=Category.PENALTY, violation_code=record.violation_code,
                              occurred_on__gte=add_months(record.occurred_on, -months),
                              occurred_on__lte=add_months(record.occurred_on, months))
                      .exclude(pk=record.pk).order_by("occurred_on", "pk"))  # fmt: skip
            for other in others:
                if origin(other) == origin(record) or _pair_exists(record, other):
                    continue
                earlier, later = sorted((record, other), key=lambda r: (r.occurred_on, r.pk))
                key, label = _subject(record)
                try:
                    due: dt.date | None = deadlines.due_date("credit.cross_region_review", timezone.localdate())
                except CalendarYearUnknown:
                    due = None
                review = CrossRegionReview.objects.create(
                    subject_key=key, subject_label=label[:200], violation_code=record.violation_code,
                    earlier=earlier, later=later, earlier_region=origin(earlier)[:12], later_region=origin(later)[:12],
                    region=record.region, window_months=months, review_due=due,
                    rules={"window": loader.resolve(FILE, "second_penalty_window_months", record.occurred_on).record()},
                )  # fmt: skip
                made.append(review)
        if made:
            audit_record(actor=actor, action="credit.cross_region.flag", object_type="cross_region_review",
                         data={"count": len(made), "ids": [r.pk for r in made][:1000]})  # fmt: skip
    return made


def review_list(user: Any, *, status: str | None = ReviewStatus.OPEN) -> QuerySet[CrossRegionReview]:
    qs = scoped(user, CrossRegionReview.objects.select_related("earlier", "later", "region"))
    if status in ReviewStatus.values:
        qs = qs.filter(status=status)
    return qs


def review_detail(user: Any, pk: int) -> CrossRegionReview:
    found = review_list(user, status=None).filter(pk=pk).first()
    if found is None:
        raise OutOfScope()
    return found


@transaction.atomic
def cross_region_dispose(*, actor: Any, review: CrossRegionReview, refer: bool, reason: str) -> CrossRegionReview:
    """An officer disposes a review item: referred for 行刑衔接 (then the case's crime.* limits run) or dismissed."""
    locked = CrossRegionReview.objects.select_for_update().filter(pk=review.pk).first()
    if locked is None:
        raise ReviewError(_("审查事项 %(pk)s 不存在") % {"pk": review.pk})
    require_writable(actor, locked)
    if locked.status != ReviewStatus.OPEN:
        raise ReviewError(_("审查意见：该事项已审查（%(status)s）") % {"status": locked.get_status_display()})
    text = (reason or "").strip()
    if len(text) < 2 or len(text) > MAX_REASON:
        raise ReviewError(_("审查意见：必须填写，且不超过 %(n)d 个字") % {"n": MAX_REASON})
    locked.status = ReviewStatus.REFERRED if refer else ReviewStatus.DISMISSED
    locked.disposal_reason, locked.disposed_at = text, timezone.now()
    locked.disposed_by = actor if getattr(actor, "pk", None) else None
    locked.save(update_fields=["status", "disposal_reason", "disposed_at", "disposed_by"])
    audit_record(actor=actor, action="credit.cross_region.dispose", object_type="cross_region_review",
                 object_id=locked.pk, data={"refer": refer, "reason": text})  # fmt: skip
    return locked
