"""Credit lists, credit repair and the cross-region check (imported by :mod:`weijian.credit.models`).

- :class:`CreditListEntry`: one subject on the 严重失信 or 重点关注 list — an institution, a practitioner, or another
  person a rule names (发改财金〔2018〕1399号: people who seriously disturb medical order, found by the police; kept
  with a masked identity number and a keyed hash for matching, never the full number). Notice and defence come
  before entry; the entry lasts the rules' months; exit at the end or by decision.
- :class:`JointMeasureTask`: one joint-punishment measure (``joint_punishment.yaml``) for the department concerned.
- :class:`RepairRequest`: a credit-repair request (信用修复) against one published disclosure, its review and decision.
- :class:`CrossRegionReview`: a second penalty for the same violation against the same subject in another region
  inside the window (行刑衔接 review item an officer disposes).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from weijian.core.models import Department, Region
from weijian.core.scope import ScopeRule
from weijian.portal.models import Disclosure
from weijian.registry.models import Institution, Practitioner


class ListKind(models.TextChoices):
    SEVERE = "severe", _("严重失信名单")
    FOCUS = "focus", _("重点关注名单")


class SubjectKind(models.TextChoices):
    INSTITUTION = "institution", _("医疗机构")
    PRACTITIONER = "practitioner", _("执业人员")
    PERSON = "person", _("其他自然人")


class EntryStatus(models.TextChoices):
    NOTIFIED = "notified", _("已告知，待申辩")
    LISTED = "listed", _("已列入")
    DROPPED = "dropped", _("不予列入")
    EXITED = "exited", _("已移出")


class CreditListEntry(models.Model):
    """One subject on a credit list, from the notice before entry to the exit."""

    list_kind = models.CharField(_("名单"), max_length=10, choices=ListKind.choices)
    subject_kind = models.CharField(_("主体类别"), max_length=15, choices=SubjectKind.choices)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("机构"))  # fmt: skip
    practitioner = models.ForeignKey(Practitioner, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("执业人员"))  # fmt: skip
    person_name = models.CharField(_("姓名"), max_length=50, blank=True)
    person_id_masked = models.CharField(_("身份证号（脱敏）"), max_length=18, blank=True)
    person_id_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖区域"))
    rule_code = models.CharField(_("列入规则"), max_length=40)
    rule_label = models.CharField(_("列入情形"), max_length=200)
    records = models.ManyToManyField("credit.CreditRecord", blank=True, related_name="list_entries",
                                     verbose_name=_("依据的信用记录"))  # fmt: skip
    police_measure = models.CharField(_("公安机关处理"), max_length=20, blank=True)
    police_document = models.CharField(_("公安机关文书号"), max_length=100, blank=True)
    facts = models.TextField(_("事实"), blank=True)
    notified_on = models.DateField(_("告知日期"))
    defence_due = models.DateField(_("申辩期限"), null=True, blank=True)
    defence_text = models.TextField(_("陈述申辩"), blank=True)
    defence_on = models.DateField(_("申辩日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    listed_until = models.DateField(_("列入期限至"), null=True, blank=True)
    exited_on = models.DateField(_("移出日期"), null=True, blank=True)
    exit_reason = models.CharField(_("移出理由"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.NOTIFIED)
    rules = models.JSONField(_("所用规则"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_rule = ScopeRule(region="region__code", institution="institution_id")

    class Meta:
        ordering = ["-notified_on", "-pk"]
        verbose_name = _("信用名单条目")
        verbose_name_plural = _("信用名单条目")
        indexes = [models.Index(fields=["list_kind", "status", "listed_until"])]

    def __str__(self) -> str:
        return f"{self.get_list_kind_display()} {self.subject_name}"

    @property
    def subject_name(self) -> str:
        if self.institution_id:
            return self.institution.name
        if self.practitioner_id:
            return self.practitioner.name
        return self.person_name


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待落实")
    DONE = "done", _("已落实")


class JointMeasureTask(models.Model):
    """One joint-punishment measure of a list entry, for the department that carries it out."""

    entry = models.ForeignKey(CreditListEntry, on_delete=models.PROTECT, related_name="tasks",
                              verbose_name=_("名单条目"))  # fmt: skip
    measure_code = models.CharField(_("措施代码"), max_length=40)
    label = models.CharField(_("惩戒措施"), max_length=300)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("实施部门"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖区域"))
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    note = models.CharField(_("落实情况"), max_length=500, blank=True)
    done_at = models.DateTimeField(_("落实时间"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    scope_rule = ScopeRule(region="region__code", department="department__code")

    class Meta:
        ordering = ["status", "-created_at", "pk"]
        verbose_name = _("联合惩戒任务")
        verbose_name_plural = _("联合惩戒任务")
        constraints = [models.UniqueConstraint(fields=["entry", "measure_code"], name="credit_one_task_per_measure")]

    def __str__(self) -> str:
        return self.label


class RepairStatus(models.TextChoices):
    FILED = "filed", _("待审核")
    APPROVED = "approved", _("准予修复")
    REFUSED = "refused", _("不予修复")


class RepairRequest(models.Model):
    """A credit-repair request (信用修复) against one published disclosure: filing, review, decision, notice."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="+", verbose_name=_("公示记录"))
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("申请机构"))  # fmt: skip
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖区域"))
    correction = models.TextField(_("失信行为纠正情况"))
    obligations_done = models.BooleanField(_("已履行处罚决定规定的义务"), default=False)
    commitment = models.TextField(_("信用承诺"))
    filed_on = models.DateField(_("申请日期"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    review_due = models.DateField(_("审核期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RepairStatus.choices, default=RepairStatus.FILED)
    reasons = models.TextField(_("决定理由"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_late = models.BooleanField(_("逾期审核"), default=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    notice = models.TextField(_("决定告知书"), blank=True)
    rules = models.JSONField(_("所用规则"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_rule = ScopeRule(region="region__code", institution="institution_id")

    class Meta:
        ordering = ["-filed_on", "-pk"]
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")

    def __str__(self) -> str:
        return f"{self.disclosure.decision_number} {self.get_status_display()}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("待审查")
    REFERRED = "referred", _("已按行刑衔接移送")
    DISMISSED = "dismissed", _("经审查无需移送")


class CrossRegionReview(models.Model):
    """A second penalty for the same violation against the same subject in another region, within the window."""

    subject_key = models.CharField(max_length=80, db_index=True, editable=False,
                                   help_text="USCC, or id: + the keyed hash of the identity number")  # fmt: skip
    subject_label = models.CharField(_("当事人"), max_length=200)
    violation_code = models.CharField(_("违法行为代码"), max_length=60)
    earlier = models.ForeignKey("credit.CreditRecord", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("前一次处罚"))  # fmt: skip
    later = models.ForeignKey("credit.CreditRecord", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("后一次处罚"))  # fmt: skip
    earlier_region = models.CharField(_("前一次处罚地"), max_length=12)
    later_region = models.CharField(_("后一次处罚地"), max_length=12)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖区域"))
    window_months = models.PositiveSmallIntegerField(_("比对期间（月）"))
    review_due = models.DateField(_("审查期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    disposal_reason = models.CharField(_("审查意见"), max_length=500, blank=True)
    disposed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    disposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    rules = models.JSONField(_("所用规则"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_rule = ScopeRule(region="region__code")

    class Meta:
        ordering = ["status", "-created_at", "-pk"]
        verbose_name = _("异地两次处罚审查")
        verbose_name_plural = _("异地两次处罚审查")
        constraints = [models.UniqueConstraint(fields=["earlier", "later"], name="credit_one_review_per_pair")]

    def __str__(self) -> str:
        return f"{self.subject_label} {self.violation_code}"
