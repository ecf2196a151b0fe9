"""``weijian credit sync``: pull every app's credit facts (:data:`weijian.credit.facts.FACT_SOURCES`) and store them.

Idempotent: a fact already on record from the same reporter changes nothing. An app that is not installed is
skipped and named in the result.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from weijian.credit.facts import FACT_SOURCES, CreditFact, IngestResult, credit_record_ingest

EPOCH = dt.date(2000, 1, 1)


def collect(since: dt.date) -> tuple[list[CreditFact], list[str]]:
    facts: list[CreditFact] = []
    missing: list[str] = []
    for path in FACT_SOURCES:
        module, _, name = path.rpartition(".")
        try:
            selector = getattr(import_module(module), name)
        except (ImportError, AttributeError):
            missing.append(path)
            continue
        facts.extend(selector(since))
    return facts, missing


def credit_sync(*, actor: Any, since: dt.date | None = None) -> tuple[IngestResult, list[str]]:
    facts, missing = collect(since or EPOCH)
    return credit_record_ingest(actor=actor, facts=facts), missing
