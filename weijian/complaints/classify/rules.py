"""The classifier's figures in ``rules/data/complaint_classifier.yaml``, as of a date (the complaint's day)."""

from __future__ import annotations

import datetime as dt

from weijian.i18n import gettext as _
from weijian.rules import loader

FILE = "complaint_classifier"
KEYS = ("min_confidence",)


def check() -> None:
    """Refuse the file (bundled or an office's) unless its keys are exactly the declared ones."""
    loader.check_keys(FILE, KEYS)


def min_confidence(on: dt.date) -> float:
    """Below this confidence a proposal carries no category (the complaint goes to triage)."""
    check()
    found = loader.value(FILE, "min_confidence", on)
    if isinstance(found, bool) or not isinstance(found, int | float) or not 0 <= found <= 1:
        raise loader.RulesError(_("%(file)s: min_confidence %(value)r 应为 0 到 1 之间的数") % {
            "file": f"{FILE}.yaml", "value": found,
        })  # fmt: skip
    return float(found)
