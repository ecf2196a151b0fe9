"""The download view: scope through the document's office and its subject; 404 outside it; the stored bytes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from weijian.core.models import AuditEvent, Role
from weijian.documents import selectors
from weijian.documents.services import document_issue
from weijian.documents.tests.conftest import Office, decision_context
from weijian.inspections import evidence

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_download_out_of_scope_is_404_and_a_tampered_file_is_not_served(office: Office, fake_pdf: list[str],
                                                                          make_user: Any) -> None:  # fmt: skip
    document = document_issue(actor=office.manager_a, kind="penalty_decision", subject=office.subject_a,
                              context=decision_context(office.subject_a), region=office.region_a,
                              department=office.health)  # fmt: skip
    url = reverse("documents:download", args=[document.pk])
    assert _client(office.manager_a).get(url).status_code == 200
    assert _client(make_user("city", role=Role.CITY_ADMIN, region="310000")).get(url).status_code == 200
    assert _client(office.manager_b).get(url).status_code == 404
    assert _client(make_user("market_a", department="market")).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    assert _client(office.manager_a).get(reverse("documents:download", args=[document.pk + 99])).status_code == 404
    copies = AuditEvent.objects.filter(action="documents.document.download", object_id=str(document.pk))
    assert copies.count() == 2  # the two copies taken, not the refused requests
    assert list(selectors.documents_of(office.manager_a, office.subject_a)) == [document]
    assert not selectors.documents_of(office.manager_b, office.subject_a).exists()

    # the same office, a subject moved out of its scope: the subject's scope decides too
    office.subject_a.district = office.region_b
    office.subject_a.save(update_fields=["district"])
    assert _client(office.manager_a).get(url).status_code == 404
    office.subject_a.district = office.region_a
    office.subject_a.save(update_fields=["district"])

    path = evidence.evidence_root() / document.stored_name
    path.write_bytes(b"%PDF-altered")
    assert _client(office.manager_a).get(url).status_code == 404
