"""Partner API keys: revoked from the command line (once), listed with their use counters, the use sampled into
the audit log once an hour per key (not per request)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from weijian.complaints import services
from weijian.complaints.apikeys import SAMPLE_EVERY_S, api_key_used
from weijian.complaints.models import ApiKey
from weijian.complaints.tests.conftest import Staff
from weijian.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_revoke_lists_and_refuses_a_second_time(staff: Staff) -> None:
    record, key = services.api_key_create(actor="test", name="12345热线", department_code="health", per_minute=100)
    for _ in range(3):
        assert Client().get("/open311/v2/requests.json", {"api_key": key}).status_code == 200
    out = io.StringIO()
    call_command("apikey", "revoke", record.prefix, stdout=out)
    assert record.prefix in out.getvalue()
    assert Client().get("/open311/v2/requests.json", {"api_key": key}).status_code == 403
    listed = io.StringIO()
    call_command("apikey", "list", stdout=listed)
    assert "已停用" in listed.getvalue() and "3/0" in listed.getvalue()
    with pytest.raises(CommandError, match="已经停用"):
        call_command("apikey", "revoke", record.prefix)
    with pytest.raises(CommandError, match="不存在"):
        call_command("apikey", "revoke", "nosuchky")
    event = AuditEvent.objects.get(action="complaints.apikey.revoke")
    assert event.actor == "cli" and event.data["uses"] == 3


def test_use_is_counted_per_request_and_sampled_per_hour(staff: Staff) -> None:
    record, _key = services.api_key_create(actor="test", name="12345热线", department_code="health", per_minute=100)
    start = 1_800_000_000.0
    for n in range(5):
        api_key_used(record, refused=n == 4, now=start + n)
    api_key_used(record, now=start + SAMPLE_EVERY_S)  # the next hour
    record.refresh_from_db()
    assert (record.use_count, record.refused_count) == (5, 1)
    samples = list(AuditEvent.objects.filter(action="complaints.apikey.use").order_by("pk").values_list("data", flat=True))
    assert [(s["use_count"], s["refused_count"]) for s in samples] == [(1, 0), (5, 1)]
    assert ApiKey.objects.get(pk=record.pk).last_used_at is not None
