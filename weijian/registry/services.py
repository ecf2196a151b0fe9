"""Writes of the registries outside imports: the rules that the write-side guard alone cannot express."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from weijian.core.scope import OutOfScope, writable
from weijian.registry.models import Registration

PRIMARY_ELSEWHERE = gettext_noop("该人员的主要执业机构在您的数据权限范围以外；变更主要执业机构请联系市级卫生健康监督机构")


def registration_primary_check(*, user: Any, registration: Registration) -> None:
    """Making a registration the primary one moves who keeps the practitioner's record: only the current
    keeper (the district of the primary registration) or the city may do it."""
    if not registration.is_primary or registration.practitioner_id is None:
        return
    practitioner = registration.practitioner
    if practitioner.owner_district_code is not None and not writable(user, practitioner):
        raise OutOfScope(PRIMARY_ELSEWHERE)
