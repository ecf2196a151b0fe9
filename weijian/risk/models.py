"""The analytics component of the platform grade: ``risk.parquet``'s score per institution and run.

This is what ``alerts.RiskGrade`` held before the grade moved here (its rows were copied by the
migrations). The platform grade itself is computed from its sources (``grading.py``, ``sources.py``) and
read through ``weijian.risk.selectors.institution_grade`` only.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from weijian.core.scope import ScopeRule
from weijian.registry.models import Institution


class AnalyticsScore(models.Model):
    """An institution's analytics risk score (0–100) for a period, with its contributions as the run gave them."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="analytics_scores")
    run = models.ForeignKey("alerts.AnalyticsRun", on_delete=models.PROTECT, related_name="scores")
    period_end = models.DateField(_("数据截至"))
    score = models.FloatField(_("风险分"))
    grade = models.CharField(_("分析等级"), max_length=1)
    reasons = models.JSONField(default=list)
    loaded_at = models.DateTimeField(auto_now_add=True)

    scope_rule = ScopeRule(region="institution__district__code", institution="institution_id")

    class Meta:
        ordering = ["institution", "-period_end"]
        verbose_name = _("风险分析评分")
        verbose_name_plural = _("风险分析评分")
        constraints = [
            models.UniqueConstraint(fields=["institution", "period_end"], name="uniq_analytics_score")
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} · {self.period_end} · {self.score:.1f}"
