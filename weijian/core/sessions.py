"""Session limits (GB/T 22239-2019 level 3, 登录连接超时自动退出): an idle timeout and an absolute lifetime, and
"log out everywhere".

- ``WEIJIAN_SESSION_IDLE_MINUTES`` (30): a session not used for that long is ended at its next request.
- ``WEIJIAN_SESSION_MAX_HOURS`` (8): a session is ended that long after its login, used or not (the
  session cookie's own age is the same figure, so the browser drops it too).

The session keeps when it logged in and when it was last used (written at most once a minute, so a
page's requests do not each write the session). :func:`sessions_end_all` ends every session of a user
(database sessions, the default engine): the "log out everywhere" button, and a second-factor reset.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core.audit import audit_record

LOGIN_AT = "weijian_login_at"
SEEN_AT = "weijian_seen_at"
SEEN_EVERY_S = 60


def idle_seconds() -> float:
    return float(getattr(settings, "WEIJIAN_SESSION_IDLE_MINUTES", 30)) * 60


def lifetime_seconds() -> float:
    return float(getattr(settings, "WEIJIAN_SESSION_MAX_HOURS", 8)) * 3600


def session_started(session: Any) -> None:
    """Mark a session as logged in now (on every login)."""
    now = time.time()
    session[LOGIN_AT] = session[SEEN_AT] = now


def session_expired(session: Any, *, now: float | None = None) -> str | None:
    """Why the session is over ("idle" / "lifetime"), or None while it is still good."""
    now = time.time() if now is None else now
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        return None
    if now - float(login_at) > lifetime_seconds():
        return "lifetime"
    if now - float(seen_at) > idle_seconds():
        return "idle"
    return None


class SessionLimitsMiddleware:
    """Ends a signed-in session that was idle too long or is older than its lifetime; the request then goes on
    as anonymous (a page redirects to the login, the API answers 401)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session, now = request.session, time.time()
            reason = session_expired(session, now=now)
            if reason is not None:
                username = user.get_username()
                logout(request)
                with transaction.atomic():
                    audit_record(actor=username, action="core.session.expired", object_type="auth.user",
                                 object_id=username, data={"reason": reason})  # fmt: skip
                text = _("登录已超过 %(h)g 小时，请重新登录。") % {"h": lifetime_seconds() / 3600} if reason == "lifetime" \
                    else _("超过 %(m)g 分钟未操作，已自动退出，请重新登录。") % {"m": idle_seconds() / 60}
                messages.info(request, text)
            elif session.get(LOGIN_AT) is None:
                session_started(session)  # a session from before these limits (or a test's force_login)
            elif now - float(session[SEEN_AT]) > SEEN_EVERY_S or now < float(session[SEEN_AT]):
                session[SEEN_AT] = now
        return self.get_response(request)


def sessions_of(user: Any) -> list[Session]:
    """The user's live database sessions."""
    wanted = str(user.pk)
    return [s for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
            if str(s.get_decoded().get("_auth_user_id", "")) == wanted]  # fmt: skip


@transaction.atomic
def sessions_end_all(*, actor: Any, user: Any) -> int:
    """End every session of ``user`` (log out everywhere); returns how many were ended."""
    found = sessions_of(user)
    Session.objects.filter(session_key__in=[s.session_key for s in found]).delete()
    audit_record(actor=actor, action="core.session.end_all", object_type="auth.user", object_id=user.pk,
                 data={"sessions": len(found)})  # fmt: skip
    return len(found)
