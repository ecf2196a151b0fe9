"""Partner API keys after they are made (``services.api_key_create``): revoking one, and counting their use.

Use is audited cheaply: every request with a valid key adds one to the key's counters (``use_count``,
``refused_count`` for requests over the rate limit, ``last_used_at``) with a single ``UPDATE``, and the audit
chain gets one *sampled* event per key and hour (``complaints.apikey.use``, with the counters at that moment) —
never one chain write per request. What a key files is audited anyway (``complaints.complaint.file``).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.complaints.errors import ComplaintError
from weijian.complaints.models import ApiKey
from weijian.core.audit import audit_record

SAMPLE_EVERY_S = 3600


@transaction.atomic
def api_key_revoke(*, actor: Any, prefix: str) -> ApiKey:
    """Revoke a key for good (it answers 403 from now on); a key already revoked is refused."""
    found = ApiKey.objects.select_for_update().filter(prefix=(prefix or "").strip()).first()
    if found is None:
        raise ComplaintError(_("密钥前缀：%(prefix)s 不存在") % {"prefix": prefix}, "prefix")
    if not found.active:
        raise ComplaintError(_("密钥前缀：%(prefix)s 已经停用") % {"prefix": prefix}, "prefix")
    found.active, found.revoked_at = False, timezone.now()
    found.save(update_fields=["active", "revoked_at"])
    audit_record(actor=actor, action="complaints.apikey.revoke", object_type="apikey", object_id=found.pk,
                 data={"prefix": found.prefix, "department": found.department.code, "uses": found.use_count})  # fmt: skip
    return found


def api_key_used(key: ApiKey, *, refused: bool = False, now: float | None = None) -> None:
    """Count one request made with ``key`` (``refused``: over its rate limit); the first of each hour also
    writes one audit event with the key's counters."""
    counter = "refused_count" if refused else "use_count"
    ApiKey.objects.filter(pk=key.pk).update(**{counter: F(counter) + 1}, last_used_at=timezone.now())
    hour = int((time.time() if now is None else now) // SAMPLE_EVERY_S)
    if cache.add(f"weijian:apikey-sample:{key.pk}:{hour}", 1, timeout=SAMPLE_EVERY_S + 60):
        counts = ApiKey.objects.filter(pk=key.pk).values("use_count", "refused_count").first() or {}
        with transaction.atomic():
            audit_record(actor=f"apikey:{key.prefix}", action="complaints.apikey.use", object_type="apikey",
                         object_id=key.pk, data={"department": key.department.code, **counts})  # fmt: skip
