"""Cases (行政处罚案件) and what hangs off them: parties, handlers, evidence, transfers, 督办, joint teams.

The procedure (states and transitions) is in :mod:`weijian.cases.states`; the writes in
:mod:`weijian.cases.services` and :mod:`weijian.cases.transfers`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from weijian.cases.states import CaseOutcome, CaseState
from weijian.clues.models import Clue
from weijian.core.models import Department, Region
from weijian.core.scope import ScopeRule
from weijian.registry.models import Inspector, Institution

MONEY = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}


class Case(models.Model):
    """One administrative penalty case opened on one clue (立案), through to its closure (结案)."""

    number = models.CharField(_("案号"), max_length=40, unique=True, null=True, blank=True)
    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="cases", verbose_name=_("案源线索"))
    cause = models.CharField(_("案由"), max_length=200)
    violation_code = models.CharField(_("违法行为代码"), max_length=60, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖区域"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办部门"))
    state = models.CharField(_("状态"), max_length=24, choices=CaseState.choices, default=CaseState.REGISTERED)
    facts = models.TextField(_("违法事实"), blank=True)
    # dates of each step
    registered_on = models.DateField(_("立案日期"), null=True, blank=True)
    notified_on = models.DateField(_("事先告知日期"), null=True, blank=True)
    hearing_offered = models.BooleanField(_("告知听证权利"), default=False)
    hearing_requested_on = models.DateField(_("申请听证日期"), null=True, blank=True)
    hearing_on = models.DateField(_("听证日期"), null=True, blank=True)
    hearing_notice_on = models.DateField(_("听证通知日期"), null=True, blank=True)
    hearing_held_on = models.DateField(_("举行听证日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    paid_on = models.DateField(_("缴款日期"), null=True, blank=True)
    enforced_on = models.DateField(_("申请强制执行日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    # the decision
    circumstance = models.CharField(_("违法情节"), max_length=12, blank=True)
    penalty_kinds = models.JSONField(_("处罚种类"), default=list, blank=True)
    fine = models.DecimalField(_("罚款金额（元）"), **MONEY)
    illegal_income = models.DecimalField(_("违法所得（元）"), **MONEY)
    suggested = models.JSONField(_("裁量建议（决定时）"), default=dict, blank=True)
    departure_reason = models.TextField(_("偏离裁量基准的理由"), blank=True)
    outcome = models.CharField(_("处理结果"), max_length=20, choices=CaseOutcome.choices, blank=True)
    legal_review_required = models.BooleanField(_("需法制审核"), default=False)
    legal_review_on = models.DateField(_("法制审核日期"), null=True, blank=True)
    legal_review_opinion = models.TextField(_("法制审核意见"), blank=True)
    discussion_required = models.BooleanField(_("需集体讨论"), default=False)
    discussed_on = models.DateField(_("集体讨论日期"), null=True, blank=True)
    discussion_minutes = models.TextField(_("集体讨论记录"), blank=True)
    extension_approved_on = models.DateField(_("延期批准日期"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    paid_amount = models.DecimalField(_("实缴金额（元）"), **MONEY)
    surcharge = models.DecimalField(_("加处罚款（元）"), **MONEY)
    end_reason = models.TextField(_("不予立案、撤销或移送理由"), blank=True)
    overturned_on = models.DateField(_("决定被撤销或变更日期"), null=True, blank=True)
    overturn_basis = models.TextField(_("撤销或变更依据"), blank=True, help_text="the reconsideration decision or judgment, and its gist")
    # The earliest running deadline (weijian.cases.selectors.case_deadlines), kept at each transition so the
    # queue filters due-soon / overdue cases in SQL: its due day and the day its warning starts.
    next_due = models.DateField(_("最近期限"), null=True, blank=True, editable=False)
    next_warn_from = models.DateField(_("最近期限提醒起"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_rule = ScopeRule(region="region__code", department="department__code")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")
        indexes = [models.Index(fields=["state", "registered_on"]), models.Index(fields=["next_due"]),
                   models.Index(fields=["registered_on"]),  # the queue's default order, city-wide
                   models.Index(fields=["region", "department"])]  # the scope's filter, covering its count

    def __str__(self) -> str:
        return f"{self.number or '—'} {self.cause}"


class CaseParty(models.Model):
    """One subject of the case (一案多查: a case may name several): an institution of the registry or a free name."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("法人及非法人组织")
        PERSON = "person", _("自然人")
        INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("被监督单位"))  # fmt: skip
    name = models.CharField(_("当事人名称"), max_length=200)
    kind = models.CharField(_("当事人类别"), max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    representative = models.CharField(_("法定代表人（负责人）"), max_length=60, blank=True)

    scope_rule = ScopeRule(region="case__region__code", department="case__department__code")

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("案件当事人")
        verbose_name_plural = _("案件当事人")

    def __str__(self) -> str:
        return self.name


class CaseHandler(models.Model):
    """An officer handling the case (承办人); at least two with a valid 执法证 (行政处罚法 art. 42)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handlers")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="case_handlers",
                                  verbose_name=_("执法人员"))  # fmt: skip
    lead = models.BooleanField(_("主办人"), default=False)
    added_on = models.DateField(_("指定日期"))

    scope_rule = ScopeRule(region="case__region__code", department="case__department__code")

    class Meta:
        ordering = ["case", "-lead", "pk"]
        verbose_name = _("承办人")
        verbose_name_plural = _("承办人")
        constraints = [models.UniqueConstraint(fields=["case", "inspector"], name="one_handler_row")]

    def __str__(self) -> str:
        return str(self.inspector)


class CaseEvidence(models.Model):
    """A file of the case in the evidence store (content-addressed by SHA-256), with its kind and a note."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("现场照片")
        DOCUMENT = "document", _("书证")
        RECORD = "record", _("笔录")
        OTHER = "other", _("其他")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("证据类型"), max_length=12, choices=Kind.choices, default=Kind.PHOTO)
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    note = models.CharField(_("说明"), max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    added_at = models.DateTimeField(auto_now_add=True)

    scope_rule = ScopeRule(region="case__region__code", department="case__department__code")

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("案件证据")
        verbose_name_plural = _("案件证据")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]}"


class TransferKind(models.TextChoices):
    DEPARTMENT = "department", _("线索移送其他部门")
    JURISDICTION = "jurisdiction", _("移送管辖")
    POLICE = "police", _("涉嫌犯罪移送公安机关")
    PROCURATORATE = "procuratorate", _("提请检察机关立案监督")


class TransferStatus(models.TextChoices):
    SENT = "sent", _("已移送")
    RECEIVED = "received", _("已签收")
    ACCEPTED = "accepted", _("已受理（立案）")
    REFUSED = "refused", _("不予受理")
    ANSWERED = "answered", _("已反馈结果")


class Transfer(models.Model):
    """A transfer of a case or clue to another department, the police or the procuratorate, followed to its answer.

    sent → received → accepted / refused (reason) → answered (result). The receiving department works it from its
    inbox (scope: the receiving department); the sender follows it from the case page.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("移送类型"), max_length=16, choices=TransferKind.choices)
    to_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("接收部门"))  # fmt: skip
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("接收区域"))
    clue = models.ForeignKey(Clue, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("移送形成的线索"))  # fmt: skip
    status = models.CharField(_("状态"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.SENT)
    note = models.TextField(_("移送说明"))
    approved_at = models.DateTimeField(_("负责人批准时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("移送时间"))
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("受理决定时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    refusal_reason = models.TextField(_("不予受理理由"), blank=True)
    result = models.TextField(_("处理结果"), blank=True)

    scope_rule = ScopeRule(region="region__code", department="to_department__code")

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("案件移送")
        verbose_name_plural = _("案件移送")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_department}"

    @property
    def is_open(self) -> bool:
        return self.status in (TransferStatus.SENT, TransferStatus.RECEIVED)


class Supervision(models.Model):
    """督办: the city office supervises a major case; the district reports by the deadline until it is lifted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supervisions")
    reason = models.TextField(_("督办事由"))
    started_on = models.DateField(_("督办日期"))
    reports = models.JSONField(_("办理情况报告"), default=list, blank=True, help_text="list of {on, text, by}")
    lifted_on = models.DateField(_("解除督办日期"), null=True, blank=True)
    lift_note = models.TextField(_("解除说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip

    scope_rule = ScopeRule(region="case__region__code", department="case__department__code")

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("督办")
        verbose_name_plural = _("督办")

    def __str__(self) -> str:
        return f"{self.case} · {self.started_on}"


class JointTeamMember(models.Model):
    """A member of the case's joint investigation team (联合调查组), from any department."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="+", verbose_name=_("执法人员"))
    added_on = models.DateField(_("加入日期"))

    scope_rule = ScopeRule(region="case__region__code", department="case__department__code")

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("联合调查组成员")
        verbose_name_plural = _("联合调查组成员")
        constraints = [models.UniqueConstraint(fields=["case", "inspector"], name="one_team_row")]

    def __str__(self) -> str:
        return str(self.inspector)
