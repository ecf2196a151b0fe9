"""The registry of the rule library of contracts/analytics-v1.md, in report order."""

from __future__ import annotations

from weijian.analytics.rules import (
    antimicrobial_intensity,
    duplicate_charge,
    ghost_registration,
    idle_inpatient_days,
    institution_licence,
    invalid_licence,
    out_of_scope_dept,
    post_death_charge,
    practitioner_scope,
    prescribing_outlier,
    repeat_exam,
    split_admission,
    unregistered_practice,
    waste_overdue_storage,
    waste_weight_gap,
    wastewater_chlorine,
    wastewater_flatline,
)
from weijian.analytics.rules.base import Context, Rule

RULES: dict[str, Rule] = {
    m.RULE.id: m.RULE
    for m in (
        institution_licence, out_of_scope_dept, unregistered_practice, invalid_licence, practitioner_scope,
        antimicrobial_intensity, split_admission, duplicate_charge, post_death_charge, idle_inpatient_days,
        repeat_exam, waste_overdue_storage, waste_weight_gap, wastewater_chlorine, wastewater_flatline,
        prescribing_outlier, ghost_registration,
    )
}

__all__ = ["RULES", "Context", "Rule"]
