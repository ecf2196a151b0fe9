"""The case figures the guards read from ``case_rules.yaml`` (minimum handlers, hearing thresholds, major case).

Every figure is rules data. Where ``case_rules.yaml`` (or one of its keys) is not installed, the guard falls back
to the statute's own wording and no number: the minimum of officers is read from the one other file that holds
行政处罚法 art. 42 (``random_checks.yaml`` ``min_inspectors``); the hearing is offered (the party may always
decline); a case is major when a hearing was held (art. 58(1)(2)). The key names read are listed in
:data:`KEYS`, so a change of the rules file is one edit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from weijian.rules.loader import RulesError, value

FILE = "case_rules"
KEYS = {
    "min_handlers": "min_handlers",  # value: int
    "hearing": "hearing",  # {kinds, fine_citizen, fine_organisation, confiscation_citizen, confiscation_organisation}
    "major_case": "legal_review",  # {kinds, after_hearing, fine_citizen, fine_organisation}
}
CITIZEN_KINDS = frozenset({"person", "individual_business"})  # 公民 (a 个体工商户 is a natural person)


def _read(key: str, on: dt.date) -> Any | None:
    try:
        return value(FILE, KEYS[key], on)
    except (RulesError, KeyError):
        return None


_rule = _read  # the tests swap in fakes here


def min_handlers(on: dt.date) -> int:
    found = _rule("min_handlers", on)
    if found is None:
        found = value("random_checks", "min_inspectors", on)
    return int(found)


def _number(rule: dict[str, Any], key: str) -> Decimal | None:
    raw = rule.get(key)
    return None if raw is None else Decimal(str(raw))


def _who(party_kind: str) -> str:
    return "citizen" if party_kind in CITIZEN_KINDS else "organisation"


def _at_least(amount: Decimal | None, limit: Decimal | None) -> bool:
    return amount is not None and limit is not None and amount >= limit


def hearing_offered(*, kinds: Sequence[str], fine: Decimal | None, party_kind: str, on: dt.date,
                    confiscated: Decimal | None = None) -> bool:  # fmt: skip
    """Does the proposed penalty give the party the right to a hearing (行政处罚法 art. 63)?"""
    rule = _rule("hearing", on)
    if not isinstance(rule, dict):
        return True
    who = _who(party_kind)
    return (bool(set(kinds) & set(rule.get("kinds") or ())) or _at_least(fine, _number(rule, f"fine_{who}"))
            or _at_least(confiscated, _number(rule, f"confiscation_{who}")))  # fmt: skip


def major_case(*, kinds: Sequence[str], fine: Decimal | None, hearing_held: bool, on: dt.date,
               party_kind: str = "organisation") -> bool:  # fmt: skip
    """Is the decision a major one needing 法制审核 and 集体讨论 (行政处罚法 arts. 57–58)?"""
    rule = _rule("major_case", on)
    if not isinstance(rule, dict):
        return hearing_held
    if hearing_held and rule.get("after_hearing", True):
        return True
    return bool(set(kinds) & set(rule.get("kinds") or ())) or _at_least(fine, _number(rule, f"fine_{_who(party_kind)}"))
