"""Writes of the risk app: the analytics scores of a run (``risk.parquet``) into the platform."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from weijian.core.audit import audit_record
from weijian.risk.models import AnalyticsScore


@transaction.atomic
def analytics_scores_load(*, run: Any, rows: list[dict[str, Any]], institutions: dict[str, int], actor: Any) -> int:
    """One score per institution known to the registry and run period end (replaced when loaded again)."""
    count = 0
    skipped = 0
    for row in rows:
        pk = institutions.get(row.get("institution_id") or "")
        if pk is None or row.get("score") is None:
            skipped += 1
            continue
        reasons = row.get("reasons")
        parsed = json.loads(reasons) if isinstance(reasons, str) and reasons else (reasons or [])
        AnalyticsScore.objects.update_or_create(
            institution_id=pk, period_end=run.period_end,
            defaults={"run": run, "score": float(row["score"]), "grade": str(row.get("grade") or "")[:1],
                      "reasons": parsed if isinstance(parsed, list) else [parsed]},
        )  # fmt: skip
        count += 1
    audit_record(
        actor=actor, action="risk.analytics_scores.load", object_type="analytics_run", object_id=run.pk,
        data={"scores": count, "skipped": skipped, "period_end": run.period_end.isoformat()},
    )  # fmt: skip
    return count
