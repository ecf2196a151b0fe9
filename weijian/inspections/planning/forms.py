"""The plan form: fields a manager fills in; business checks are the services' (their errors go beside the field)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from weijian.core.models import Department, Region
from weijian.inspections import catalog
from weijian.inspections.models import GRADES, Plan
from weijian.inspections.planning import rules
from weijian.registry.models import InstitutionKind, Ownership


class PlanForm(forms.Form):
    name = forms.CharField(label=_("计划名称"), max_length=200)
    region = forms.ModelChoiceField(label=_("实施区域"), queryset=Region.objects.none())
    period_start = forms.DateField(label=_("实施期起"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("实施期止"), widget=forms.DateInput(attrs={"type": "date"}))
    item_codes = forms.MultipleChoiceField(label=_("抽查事项"), widget=forms.CheckboxSelectMultiple, choices=())
    joint_departments = forms.ModelMultipleChoiceField(
        label=_("联合部门"), queryset=Department.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    ratio_A = forms.CharField(label=_("A 级抽查比例（%）"), max_length=8)
    ratio_B = forms.CharField(label=_("B 级抽查比例（%）"), max_length=8)
    ratio_C = forms.CharField(label=_("C 级抽查比例（%）"), max_length=8)
    ratio_D = forms.CharField(label=_("D 级抽查比例（%）"), max_length=8)
    overall_target = forms.CharField(label=_("总体抽查比例目标（%）"), max_length=8, required=False)
    exclusion_months = forms.IntegerField(label=_("近期已查排除期（月）"), min_value=0, max_value=60)
    inspector_capacity = forms.IntegerField(label=_("每名监督员任务上限"), min_value=1, required=False)
    kinds = forms.MultipleChoiceField(label=_("对象类别"), choices=InstitutionKind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)  # fmt: skip
    ownership = forms.MultipleChoiceField(label=_("举办性质"), choices=Ownership.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)  # fmt: skip
    key_targets = forms.CharField(label=_("重点监管对象（统一社会信用代码，每行一个）"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args: Any, regions: Any, on: dt.date, lead: Department | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["item_codes"].choices = [
            (code, f"{code} {item.name}") for code, item in catalog.items(on).items() if item.mode != "targeted"
        ]
        joint = Department.objects.all()
        if lead is not None:
            joint = joint.exclude(pk=lead.pk)
        self.fields["joint_departments"].queryset = joint

    @staticmethod
    def initial_for(on: dt.date) -> dict[str, Any]:
        ratios = rules.default_ratios(on)
        return {
            "period_start": dt.date(on.year, 1, 1), "period_end": dt.date(on.year, 12, 31),
            "item_codes": ["CC00227"], **{f"ratio_{g}": ratios[g] for g in GRADES},
            "overall_target": str(rules.value("overall_target", on)),
            "exclusion_months": rules.value("exclusion_months", on),
        }  # fmt: skip

    @staticmethod
    def initial_from(plan: Plan) -> dict[str, Any]:
        """The form's values for an existing plan (the edit page)."""
        population = plan.population or {}
        return {
            "name": plan.name, "region": plan.region_id, "period_start": plan.period_start,
            "period_end": plan.period_end, "item_codes": plan.item_codes,
            "joint_departments": list(plan.joint_departments.all()),
            **{f"ratio_{g}": plan.ratios.get(g, "") for g in GRADES},
            "overall_target": plan.overall_target, "exclusion_months": plan.exclusion_months,
            "inspector_capacity": plan.inspector_capacity, "kinds": population.get("kinds", []),
            "ownership": population.get("ownership", []),
            "key_targets": "\n".join(plan.key_targets.values_list("uscc", flat=True)),
        }  # fmt: skip


class DrawForm(forms.Form):
    public_value = forms.CharField(label=_("公开随机值"), max_length=200,
                                   help_text=_("见证人现场给出的数字，或承诺公布后才开出的开奖结果"))  # fmt: skip
    witnesses = forms.CharField(label=_("见证人"), max_length=500, required=False)


class OverrideForm(forms.Form):
    institution = forms.IntegerField(widget=forms.HiddenInput)
    grade = forms.ChoiceField(label=_("调整后等级"), choices=[("", _("取消调整"))] + [(g, g) for g in GRADES],
                              required=False)  # fmt: skip
    reason = forms.CharField(label=_("调整理由"), max_length=500)
