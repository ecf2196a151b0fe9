"""The second factor (GB/T 22239-2019 level 3, 双因素身份鉴别): TOTP apps and one-time recovery codes (django-otp).

- Who needs it: the three administrators and superusers always; other roles as ``WEIJIAN_2FA_ROLES`` says
  (default: every official — city, district, inspectors, partner departments). Institution users and the
  public may enrol but are not asked to.
- Login: the password first (the ordinary login page), then the code (:func:`otp_verify`); until then
  :class:`SecondFactorMiddleware` lets the session reach only the code, enrolment, logout and language
  pages. A user who needs a second factor and has none is sent to enrol: a QR code (inline SVG) and the
  secret for typing in, confirmed with a code, then ten recovery codes shown once.
- A TOTP code is accepted within one 30-second step either side (``tolerance``); a code of a step already
  used is refused (replay), an older one as expired. django-otp slows repeated wrong codes down
  (``OTP_TOTP_THROTTLE_FACTOR``: 1, 2, 4 … seconds).
- Only the security administrator (or the break-glass superuser) resets another user's second factor.
- Every step is an audit event: ``core.otp.enrol``, ``.confirm``, ``.verify``, ``.verify_failed``,
  ``.recovery_used``, ``.reset``.

The session flag :data:`VERIFIED` says the second factor was given in this session. Tests that sign in
with ``Client.force_login`` get it set by the autouse fixture in ``weijian/conftest.py``
(:func:`mark_verified`); tests of the second factor itself log in through the login page.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from weijian.core.audit import audit_record
from weijian.core.models import ADMINISTRATOR_ROLES, Role

VERIFIED = "weijian_2fa_verified"
DEVICE_NAME = "totp"
RECOVERY_NAME = "recovery"
RECOVERY_CODES = 10
ISSUER = "weijian"


def official_roles() -> frozenset[str]:
    return frozenset({Role.CITY_ADMIN, Role.DISTRICT_MANAGER, Role.INSPECTOR, Role.PARTNER_OFFICER})


def required_roles() -> frozenset[str]:
    """Roles that must give a second factor: the setting's, and the administrators always."""
    configured = getattr(settings, "WEIJIAN_2FA_ROLES", None)
    chosen = official_roles() if configured is None else frozenset(configured)
    return chosen | ADMINISTRATOR_ROLES


def second_factor_required(user: Any) -> bool:
    from weijian.core.scope import scope_of

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or scope_of(user).role in required_roles()


def is_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(VERIFIED))


def mark_verified(session: Any, device: Any = None) -> None:
    """Record in the session that its user gave the second factor (the test helper sets it too)."""
    session[VERIFIED] = f"{type(device).__name__}:{device.pk}" if device is not None else "test"


def mark_client_verified(client: Any) -> None:
    """For a test client (or the page sweep) signed in with ``force_login``: the session counts as verified."""
    session = client.session
    mark_verified(session)
    session.save()


def totp_device(user: Any, *, confirmed: bool | None = True) -> TOTPDevice | None:
    found = TOTPDevice.objects.filter(user=user, name=DEVICE_NAME)
    if confirmed is not None:
        found = found.filter(confirmed=confirmed)
    return found.order_by("-pk").first()


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def otp_enrol_start(*, user: Any) -> TOTPDevice:
    """A new secret for the user's authenticator app, not usable until confirmed (an earlier unconfirmed one is
    kept, so reloading the page shows the same QR code)."""
    pending = totp_device(user, confirmed=False)
    if pending is not None:
        return pending
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False, tolerance=1)
    audit_record(actor=user, action="core.otp.enrol", object_type="auth.user", object_id=user.pk)
    return device


@transaction.atomic
def otp_enrol_confirm(*, user: Any, token: str) -> list[str] | None:
    """Confirm the pending secret with a code from the app; returns the new recovery codes (shown once), or None
    when the code is wrong. Any earlier second factor of the user is replaced."""
    device = totp_device(user, confirmed=False)
    if device is None or not device.verify_token((token or "").strip()):
        audit_record(actor=user, action="core.otp.verify_failed", object_type="auth.user", object_id=user.pk,
                     data={"step": "confirm"})  # fmt: skip
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_new(user)
    audit_record(actor=user, action="core.otp.confirm", object_type="auth.user", object_id=user.pk,
                 data={"recovery_codes": len(codes)})  # fmt: skip
    return codes


def _recovery_codes_new(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def throttled_seconds(user: Any) -> int:
    """Seconds until django-otp accepts another code after wrong ones (0: now)."""
    device = totp_device(user)
    if device is None:
        return 0
    allowed, details = device.verify_is_allowed()
    if allowed or not details:
        return 0
    until = details.get("locked_until")
    return max(1, int((until.timestamp() - time.time()) + 0.999)) if until else 1


@transaction.atomic
def otp_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code (app or recovery code) after the password; on success the session counts as verified."""
    user = request.user
    token = (token or "").replace(" ", "").strip()
    device = totp_device(user)
    used: Any = None
    if device is not None and token.isdigit() and len(token) == device.digits:
        used = device if device.verify_token(token) else None
    elif token:
        for recovery in StaticDevice.objects.filter(user=user, confirmed=True):
            if recovery.verify_token(token.lower()):
                used = recovery
                break
    if used is None:
        audit_record(actor=user, action="core.otp.verify_failed", object_type="auth.user", object_id=user.pk,
                     data={"step": "login"})  # fmt: skip
        return False
    mark_verified(request.session, used)
    if isinstance(used, StaticDevice):
        audit_record(actor=user, action="core.otp.recovery_used", object_type="auth.user", object_id=user.pk,
                     data={"left": recovery_left(user)})  # fmt: skip
    else:
        audit_record(actor=user, action="core.otp.verify", object_type="auth.user", object_id=user.pk)
    return True


def may_reset(actor: Any, user: Any) -> bool:
    """Only the security administrator (or the break-glass superuser) resets a second factor, never their own."""
    from weijian.core.scope import scope_of

    if actor is None or not getattr(actor, "is_authenticated", False) or actor.pk == user.pk:
        return False
    return scope_of(actor).role == Role.SECURITY_ADMIN


@transaction.atomic
def otp_reset(*, actor: Any, user: Any) -> None:
    """Remove the user's second factor (they enrol again at their next login) and end their sessions."""
    from weijian.core.sessions import sessions_of

    if not may_reset(actor, user):
        raise PermissionDenied(_("只有安全管理员可以重置他人的双因素认证"))
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=[s.session_key for s in sessions_of(user)]).delete()
    audit_record(actor=actor, action="core.otp.reset", object_type="auth.user", object_id=user.pk,
                 data={"username": user.get_username(), "devices": removed})  # fmt: skip


def provisioning_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    label = f"{ISSUER}:{device.user.get_username()}"
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    query = urlencode({"secret": secret, "issuer": ISSUER, "digits": device.digits, "period": device.step})
    return f"otpauth://totp/{label}?{query}"


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four (for apps without a camera)."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The QR code as an inline ``<svg>`` element (no image file, no script: the CSP allows it)."""
    return segno.make(provisioning_uri(device), error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the app shows now (for the demo's ``weijian demo totp`` and the tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def demo_secret(username: str) -> str:
    """A fixed, known TOTP secret (hex) for a demo account: the same after every ``weijian demo setup``."""
    return hashlib.sha1(f"weijian-demo-totp:{username}".encode()).hexdigest()


def otp_enrol_fixed(*, user: Any, key_hex: str) -> TOTPDevice:
    """Enrol the user with a known secret, confirmed (demo accounts and browser tests only)."""
    device, _created = TOTPDevice.objects.get_or_create(user=user, name=DEVICE_NAME, defaults={"key": key_hex})
    if device.key != key_hex or not device.confirmed:
        device.key, device.confirmed, device.tolerance = key_hex, True, 1
        device.save()
    return device


# --------------------------------------------------------------------------- the gate

ENROLLED = "weijian_2fa_enrolled"


def _enrolled_of_own_accord(request: HttpRequest) -> bool:
    """A user whose role does not need a second factor but who enrolled one is asked for it too (looked up once
    per session)."""
    known = request.session.get(ENROLLED)
    if known is None:
        known = request.session[ENROLLED] = has_second_factor(request.user)
    return bool(known)

_OPEN_NAMES = ("login", "logout", "otp_verify", "otp_enrol", "set_language", "favicon")


class SecondFactorMiddleware:
    """A signed-in user who needs a second factor and has not given it in this session reaches only the code,
    enrolment, logout and language pages; pages redirect there, the API answers 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: frozenset[str] | None = None
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def _open_paths(self) -> frozenset[str]:
        if self._open is None:
            self._open = frozenset(reverse(name) for name in _OPEN_NAMES)
        return self._open

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not is_verified(request)
            and request.path not in self._open_paths()
            and not request.path.startswith(self.static_prefix)
            and (second_factor_required(user) or _enrolled_of_own_accord(request))
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("请先完成双因素认证")}, status=403)
            target = "otp_verify" if has_second_factor(user) else "otp_enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
