"""Back-office views of cases and what hangs off them: read only, scoped (cases change only through their
services: each transition guarded by the state machine and written to the audit chain). No add, change or delete,
not even for a superuser; the parties' representatives and the evidence files are shown on the case page only."""

from __future__ import annotations

from django.contrib import admin

from weijian.alerts.admin import ReadOnlyScopedAdmin
from weijian.cases.models import (
    Case,
    CaseEvidence,
    CaseHandler,
    CaseParty,
    JointTeamMember,
    Supervision,
    Transfer,
)


@admin.register(Case)
class CaseAdmin(ReadOnlyScopedAdmin):
    list_display = ("number", "cause", "state", "region", "department", "registered_on", "decided_on", "closed_on")
    list_filter = ("state", "outcome", "department")
    search_fields = ("number", "cause")
    exclude = ("facts", "suggested")


@admin.register(CaseParty)
class CasePartyAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "kind", "case", "institution")
    list_filter = ("kind",)
    search_fields = ("name", "case__number")
    exclude = ("representative", "address")


@admin.register(CaseHandler)
class CaseHandlerAdmin(ReadOnlyScopedAdmin):
    list_display = ("case", "inspector", "lead", "added_on")
    search_fields = ("case__number",)


@admin.register(CaseEvidence)
class CaseEvidenceAdmin(ReadOnlyScopedAdmin):
    list_display = ("case", "kind", "sha256", "size", "added_at")
    list_filter = ("kind",)
    search_fields = ("case__number", "sha256")
    exclude = ("stored_name",)


@admin.register(Transfer)
class TransferAdmin(ReadOnlyScopedAdmin):
    list_display = ("case", "kind", "to_department", "region", "status", "sent_at", "answered_at")
    list_filter = ("kind", "status", "to_department")
    search_fields = ("case__number",)


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyScopedAdmin):
    list_display = ("case", "started_on", "lifted_on")
    search_fields = ("case__number",)


@admin.register(JointTeamMember)
class JointTeamMemberAdmin(ReadOnlyScopedAdmin):
    list_display = ("case", "inspector", "added_on")
    search_fields = ("case__number",)
