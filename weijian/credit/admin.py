"""Back-office views of the credit app: read only and scoped (records change only through the credit services,
which audit every write)."""

from __future__ import annotations

from django.contrib import admin

from weijian.alerts.admin import ReadOnlyScopedAdmin
from weijian.credit.models import (
    CreditGrade,
    CreditListEntry,
    CreditRecord,
    CrossRegionReview,
    InsurancePointEvent,
    JointMeasureTask,
    LicenceCheck,
    Objection,
    PointEvent,
    PointNotice,
    RepairRequest,
)


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "institution", "practitioner", "source_kind", "source_key", "severity", "occurred_on",
                    "region")  # fmt: skip
    list_filter = ("source_kind", "category", "severity")
    search_fields = ("source_key", "title", "violation_code")
    raw_id_fields = ("institution", "practitioner", "corrects", "disclosure")


@admin.register(LicenceCheck)
class LicenceCheckAdmin(ReadOnlyScopedAdmin):
    list_display = ("institution", "checked_on", "passed", "note", "recorded_at")
    list_filter = ("passed",)
    search_fields = ("institution__name", "institution__uscc")
    raw_id_fields = ("institution",)


@admin.register(PointEvent)
class PointEventAdmin(ReadOnlyScopedAdmin):
    list_display = ("institution", "rule_set", "item_code", "points", "occurred_on", "confirmed_on", "status")
    list_filter = ("rule_set", "status")
    search_fields = ("institution__name", "institution__uscc", "item_code")
    raw_id_fields = ("institution", "record")


@admin.register(PointNotice)
class PointNoticeAdmin(ReadOnlyScopedAdmin):
    list_display = ("event", "due_on", "sent_on", "sent_late")
    list_filter = ("sent_late",)
    search_fields = ("event__institution__name", "event__institution__uscc")
    raw_id_fields = ("event",)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyScopedAdmin):
    list_display = ("notice", "filed_on", "decide_due", "decision", "decided_on", "decided_late")
    list_filter = ("decision", "decided_late")
    search_fields = ("notice__event__institution__name", "notice__event__institution__uscc")
    raw_id_fields = ("notice",)


@admin.register(InsurancePointEvent)
class InsurancePointEventAdmin(ReadOnlyScopedAdmin):
    list_display = ("practitioner", "institution", "band", "points", "occurred_on", "region")
    list_filter = ("band",)
    search_fields = ("practitioner__name", "practitioner__cert_no")
    raw_id_fields = ("practitioner", "institution", "record")


@admin.register(CreditGrade)
class CreditGradeAdmin(ReadOnlyScopedAdmin):
    list_display = ("institution", "grade", "score", "computed_on")
    list_filter = ("grade",)
    search_fields = ("institution__name", "institution__uscc")
    raw_id_fields = ("institution",)


@admin.register(CreditListEntry)
class CreditListEntryAdmin(ReadOnlyScopedAdmin):
    """Other persons appear by name and masked identity number only (the keyed hash is never shown)."""

    exclude = ("person_id_digest",)
    list_display = ("list_kind", "subject_kind", "institution", "practitioner", "person_name", "person_id_masked",
                    "status", "notified_on", "listed_until")  # fmt: skip
    list_filter = ("list_kind", "subject_kind", "status")
    search_fields = ("institution__name", "institution__uscc", "practitioner__name", "person_name", "rule_code")
    raw_id_fields = ("institution", "practitioner", "records")


@admin.register(JointMeasureTask)
class JointMeasureTaskAdmin(ReadOnlyScopedAdmin):
    list_display = ("label", "entry", "department", "region", "status", "done_at")
    list_filter = ("status", "department")
    search_fields = ("label", "measure_code")
    raw_id_fields = ("entry",)


@admin.register(RepairRequest)
class RepairRequestAdmin(ReadOnlyScopedAdmin):
    list_display = ("disclosure", "institution", "filed_on", "review_due", "status", "decided_on", "decided_late")
    list_filter = ("status", "decided_late")
    search_fields = ("disclosure__decision_number", "institution__name", "institution__uscc")
    raw_id_fields = ("disclosure", "institution")


@admin.register(CrossRegionReview)
class CrossRegionReviewAdmin(ReadOnlyScopedAdmin):
    list_display = ("subject_label", "violation_code", "earlier_region", "later_region", "review_due", "status")
    list_filter = ("status",)
    search_fields = ("subject_label", "violation_code")
    raw_id_fields = ("earlier", "later")
