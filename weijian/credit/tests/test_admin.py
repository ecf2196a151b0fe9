"""The credit back-office: every credit model has a read-only admin that shows only the officer's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from weijian.core.models import Role
from weijian.core.roles import role_groups_sync
from weijian.credit import lists
from weijian.credit.models import CreditListEntry, PointEvent
from weijian.credit.services import point_event_record
from weijian.credit.tests.conftest import D

pytestmark = pytest.mark.django_db
RIC = "11010519491231002X"


def staff(make_user: Any, username: str, **kwargs: Any) -> Client:
    user = make_user(username, is_staff=True, **kwargs)
    user.groups.set([role_groups_sync()[Role.DISTRICT_MANAGER]])
    client = Client()
    client.force_login(user)
    return client


def test_every_credit_model_has_a_read_only_admin() -> None:
    from django.apps import apps

    for model in apps.get_app_config("credit").get_models():
        assert model in admin.site._registry, model
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(None) and not model_admin.has_delete_permission(None)


def test_officers_see_their_district_only_and_change_nothing(crew: dict[str, Any], make_user: Any,
                                                             clock: Any) -> None:  # fmt: skip
    own = point_event_record(actor="test", institution=crew["a1"], item_code="L07", occurred_on=D(2026, 6, 1))
    other = point_event_record(actor="test", institution=crew["b1"], item_code="L01", occurred_on=D(2026, 6, 1))
    officer = staff(make_user, "admin_a", role=Role.DISTRICT_MANAGER)
    listing = officer.get(reverse("admin:credit_pointevent_changelist")).content.decode()
    assert crew["a1"].name in listing and crew["b1"].name not in listing
    assert officer.get(reverse("admin:credit_pointevent_change", args=[other.pk])).status_code == 404
    page = officer.get(reverse("admin:credit_pointevent_change", args=[own.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    officer.post(reverse("admin:credit_pointevent_change", args=[own.pk]), {"points": "1", "status": "cancelled"})
    own.refresh_from_db()
    assert (own.points, own.status) == (6, "active")
    assert officer.get(reverse("admin:credit_creditgrade_changelist")).status_code == 200
    assert PointEvent.objects.count() == 2


def test_a_listed_person_shows_masked(crew: dict[str, Any], make_user: Any, clock: Any) -> None:
    entry = lists.list_entry_propose(actor=crew["city"], list_kind="severe", rule_code="medical_order", person_name="张某",
                                     person_id=RIC, police_measure="detention", police_document="沪公（黄）行罚决字〔2026〕1号")  # fmt: skip
    city = staff(make_user, "admin_city", role=Role.CITY_ADMIN, region="310000")
    page = city.get(reverse("admin:credit_creditlistentry_change", args=[entry.pk])).content.decode()
    assert "110105********002X" in page and RIC not in page
    assert CreditListEntry.objects.get().person_id_digest not in page
