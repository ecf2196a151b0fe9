"""Logins, failed logins, logouts and lockouts as audit events (connected in ``CoreConfig.ready``).

The password is never written (Django cleanses the credentials before ``user_login_failed``); the address
is the one the server sees (``REMOTE_ADDR``: behind a proxy, the proxy must set it).
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models.signals import post_save, pre_save

from weijian.core.audit import audit_record
from weijian.core.passwords import password_first_kept, password_guard
from weijian.core.sessions import session_started


def _address(request: Any) -> str:
    meta = getattr(request, "META", None) or {}
    return str(meta.get("REMOTE_ADDR") or "")[:64]


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if getattr(request, "session", None) is not None:
        session_started(request.session)
    with transaction.atomic():
        # the account's own failures end with a good login; the address's count for other accounts stays
        AccessAttempt.objects.filter(username=user.get_username()).delete()
        audit_record(actor=user, action="core.auth.login", object_type="auth.user", object_id=user.pk,
                     data={"address": _address(request)})  # fmt: skip


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    with transaction.atomic():
        audit_record(actor=user, action="core.auth.logout", object_type="auth.user", object_id=user.pk)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username") or "")[:150]
    with transaction.atomic():
        audit_record(actor=username or "anonymous", action="core.auth.login_failed", object_type="auth.user",
                     object_id=username[:80], data={"address": _address(request)})  # fmt: skip


def _locked_out(sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    name = str(username or "")[:150]
    with transaction.atomic():
        audit_record(actor=name or "anonymous", action="core.auth.locked_out", object_type="auth.user",
                     object_id=name[:80], data={"address": str(ip_address or "")[:64]})  # fmt: skip


def connect() -> None:
    from django.contrib.auth import get_user_model

    user_logged_in.connect(_logged_in, dispatch_uid="weijian.core.auth_events.login")
    user_logged_out.connect(_logged_out, dispatch_uid="weijian.core.auth_events.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="weijian.core.auth_events.failed")
    user_locked_out.connect(_locked_out, dispatch_uid="weijian.core.auth_events.locked")
    pre_save.connect(password_guard, sender=get_user_model(), dispatch_uid="weijian.core.passwords.guard")
    post_save.connect(password_first_kept, sender=get_user_model(), dispatch_uid="weijian.core.passwords.first")
