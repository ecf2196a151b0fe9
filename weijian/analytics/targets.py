"""Targets of the monthly indicators, from the rules data (``rules/data/antimicrobials.yaml``). Django-free.

The antimicrobial_intensity rule, the risk score and the platform's pages read the same values:

>>> indicator_target("antimicrobial_intensity", dt.date(2025, 6, 1))
40.0
"""

from __future__ import annotations

import datetime as dt

from weijian.analytics.params import Param
from weijian.rules import loader
from weijian.rules.loader import Resolved

TARGETS: dict[str, Param] = {
    "antimicrobial_intensity": Param("antimicrobials", "use_intensity_max"),  # DDDs per 100 bed-days, at most
    "outpatient_antibiotic_rate": Param("antimicrobials", "outpatient_rate_max"),  # share of visits, at most
}


def indicator_target_record(indicator_id: str, on: dt.date) -> Resolved | None:
    """The target of an indicator in force on ``on`` with its basis and file, or None when it has none."""
    param = TARGETS.get(indicator_id)
    if param is None:
        return None
    found = loader.resolve(param.file, param.key, on)
    param.check(found.value, f"on {on.isoformat()}")
    return found


def indicator_target(indicator_id: str, on: dt.date) -> float | None:
    """The target (an upper limit) of ``indicator_id`` in force on ``on``; None for indicators without one.

    For a monthly value, ``on`` is the first day of its month. Raises ``RulesError`` when no target is in
    force on that day.
    """
    found = indicator_target_record(indicator_id, on)
    return None if found is None else float(found.value)
