"""Who reads patient ids and diagnoses in a work item's evidence unmasked.

Evidence lines can carry a patient's pseudonymous id (e.g. a charge after the patient's death) and a
diagnosis (a split admission). They identify a person's health, so they are shown only to those who
need them to verify the hit with the institution:

- the **inspector the item is assigned to**: they check the records on site and must match the
  patient and the diagnosis against the institution's files;
- the **district manager** of the queue the item is in (scope already limits them to their district
  and department): they assign, dispose and answer for the item, and review what the inspector found.

Everyone else sees them masked:

- **inspectors not assigned** to the item: they see the queue to pick up work, not the patients in it;
- **city administrators**: they route, oversee and report across districts; the numbers, rules and
  institutions are enough for that, and least privilege keeps patient data with the district that acts;
- **partner-department officers** (医保, 生态环境 …): they receive the facts of their department's
  items, but patient data stays with the health office; a case file asks for it through a transfer;
- **institution users** and the public never see an item at all (scope) — and if a line ever
  reached them, it would be masked.

Exports follow the same rule as the page for the same reader.
"""

from __future__ import annotations

from typing import Any

from weijian.core.models import Role
from weijian.core.scope import scope_of


def sees_personal_data(user: Any, item: Any) -> bool:
    """True when ``user`` may read the patient ids and diagnoses of ``item`` (already scope-checked)."""
    role = scope_of(user).role
    if role == Role.DISTRICT_MANAGER:
        return True
    if role == Role.INSPECTOR:
        return item.assignee_id is not None and item.assignee_id == getattr(user, "pk", None)
    return False
