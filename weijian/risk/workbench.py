"""The risk app's workbench cards: the high-risk (D-grade) institutions in scope; an institution's own grade."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from weijian.core.models import Role
from weijian.core.scope import scope_of
from weijian.core.workbench import Card, CardRow, Group, Tone, provider
from weijian.registry.models import Institution
from weijian.risk.selectors import grade_counts, grade_for_reader, institution_grade
from weijian.rules.loader import RulesError

WATCHING_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR})
HIGHEST_RISK = "D"


@provider
def high_risk_institutions(user: Any) -> Card | None:
    if scope_of(user).role not in WATCHING_ROLES:
        return None
    url = reverse("registry:institution_list") + f"?grade={HIGHEST_RISK}"
    try:
        count, note = grade_counts(user).get(HIGHEST_RISK, 0), ""
    except RulesError as exc:  # a broken rules file says so instead of failing the page
        count, note = None, _("风险等级规则有误，无法计算：%(error)s") % {"error": exc}
    return Card(key="risk.grade_d", title=_("D 级（高风险）机构"), url=url, count=count, tone=Tone.BAD, note=note,
                empty=_("辖区内没有 D 级机构"), group=Group.WATCH, rank=10)  # fmt: skip


@provider
def own_grade(user: Any) -> Card | None:
    """The institution's own grade, as a reader outside the supervising offices may see it (one line for alerts)."""
    scope = scope_of(user)
    if scope.role != Role.INSTITUTION_USER or scope.institution_id is None:
        return None
    institution = Institution.objects.filter(pk=scope.institution_id).first()
    if institution is None:
        return None
    url = reverse("registry:institution_detail", args=[institution.uscc]) + "#risk-grade"
    try:
        grade = institution_grade(user, institution)
    except RulesError as exc:
        return Card(key="risk.own_grade", title=_("风险等级"), url=url, group=Group.OWN, rank=20,
                    note=_("风险等级规则有误，无法计算：%(error)s") % {"error": exc})  # fmt: skip
    if grade is None:
        return Card(key="risk.own_grade", title=_("风险等级"), url=url, group=Group.OWN, rank=20,
                    note=_("尚无风险评级（导入分析结果后显示）。"))  # fmt: skip
    grade = grade_for_reader(grade, official=False)
    tone = {"D": Tone.BAD, "C": Tone.BAD, "B": Tone.WARN}.get(grade.grade, Tone.GOOD)
    return Card(
        key="risk.own_grade", title=_("风险等级：%(grade)s 级 · %(label)s") % {"grade": grade.grade, "label": grade.grade_label},
        url=url, tone=tone, group=Group.OWN, rank=20,
        note=_("风险分 %(score)s/100（数据截至 %(date)s）") % {"score": f"{grade.score:.1f}", "date": f"{grade.as_of:%Y-%m-%d}"},
        rows=tuple(CardRow(p.label, note=f"{p.points:.1f}") for p in grade.parts),
    )  # fmt: skip
