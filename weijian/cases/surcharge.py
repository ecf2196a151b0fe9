"""加处罚款 for a fine paid late (行政处罚法 art. 72), and the case figures of ``rules/data/case_rules.yaml``.

The surcharge is ``percent_per_day`` of the fine for every calendar day from the day after the payment deadline
up to and including the day paid, never more than ``cap_percent_of_fine`` of the fine; Decimal, rounded to the fen
(half up). The rates are those in force on the payment deadline.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from weijian.i18n import gettext as _
from weijian.rules import loader

FILE = "case_rules"
KEYS = (
    "surcharge.percent_per_day", "surcharge.cap_percent_of_fine",
    "simple_procedure_max_fine.citizen", "simple_procedure_max_fine.organisation",
    "on_the_spot_collection_max",
    "hearing.kinds", "hearing.fine_citizen", "hearing.fine_organisation", "hearing.confiscation_citizen",
    "hearing.confiscation_organisation",
    "legal_review.kinds", "legal_review.after_hearing", "legal_review.fine_citizen", "legal_review.fine_organisation",
    "min_handlers",
    "disclosure_severity.serious_kinds", "disclosure_severity.minor_kinds", "disclosure_severity.major_case_serious",
)  # fmt: skip
FEN = Decimal("0.01")


def case_rule(key: str, on: dt.date) -> Any:
    """A figure of ``case_rules.yaml`` in force on ``on`` (e.g. ``min_handlers``, ``hearing.fine_citizen``)."""
    return loader.value(FILE, key, on)


def late_surcharge(fine: Decimal, due: dt.date, paid_on: dt.date) -> Decimal:
    """The surcharge owed on ``fine`` whose payment deadline was ``due``, paid on ``paid_on`` (0 when on time).

    ``fine`` is a Decimal (a whole number of yuan is accepted as an int; a float is refused: money is never binary).
    """
    if isinstance(fine, int) and not isinstance(fine, bool):
        fine = Decimal(fine)
    if not isinstance(fine, Decimal) or not fine.is_finite() or fine < 0:
        raise ValueError(_("罚款金额必须是不小于零的金额（Decimal），收到 %(fine)r") % {"fine": fine})
    days = (paid_on - due).days
    if days <= 0:
        return Decimal("0.00")
    rate = Decimal(str(case_rule("surcharge.percent_per_day", due))) / 100
    cap = fine * Decimal(str(case_rule("surcharge.cap_percent_of_fine", due))) / 100
    return min(fine * rate * days, cap).quantize(FEN, rounding=ROUND_HALF_UP)


def check() -> None:
    """Refuse ``case_rules.yaml`` (bundled or an office's) unless its keys are exactly the declared ones."""
    loader.check_keys(FILE, KEYS)
