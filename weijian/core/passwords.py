"""The password policy (GB/T 22239-2019 level 3, 身份鉴别: complexity and periodic change), as settings.

``WEIJIAN_PASSWORD_POLICY`` (``weijian.project.settings``): ``min_length`` (10), ``min_classes`` (3 of
upper case, lower case, digits, symbols), ``history`` (the last 5 passwords may not be chosen again) and
``max_age_days`` (0: passwords never expire; above 0, a user whose password is older is sent to the
password page before anything else).

Every path that sets a password goes through Django's validators: the forms (password change, the
back office's add-user and set-password forms) validate before saving, and :func:`password_guard` — a
``pre_save`` hook on the user model — validates any password set with ``set_password`` before it is
stored, which covers ``createsuperuser`` (also ``--noinput`` with ``DJANGO_SUPERUSER_PASSWORD``), the
API, scripts and the demo set-up. The history validator records each new password's hash once it is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from weijian.core.audit import audit_record

DEFAULT_POLICY: dict[str, int] = {"min_length": 10, "min_classes": 3, "history": 5, "max_age_days": 0}


def policy() -> dict[str, int]:
    return {**DEFAULT_POLICY, **getattr(settings, "WEIJIAN_PASSWORD_POLICY", {})}


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and other characters the password uses."""
    return sum((
        any(c.isupper() for c in password), any(c.islower() for c in password),
        any(c.isdigit() for c in password), any(not c.isalnum() for c in password),
    ))  # fmt: skip


class CharacterClassesValidator:
    """At least ``min_classes`` of: upper case letters, lower case letters, digits, symbols."""

    def __init__(self, min_classes: int | None = None) -> None:
        self.min_classes = min_classes

    def _wanted(self) -> int:
        return self.min_classes if self.min_classes is not None else policy()["min_classes"]

    def validate(self, password: str, user: Any = None) -> None:
        wanted = self._wanted()
        if character_classes(password) < wanted:
            raise ValidationError(
                _("密码：至少要包含大写字母、小写字母、数字、符号中的 %(n)d 类") % {"n": wanted}, code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return _("密码至少要包含大写字母、小写字母、数字、符号中的 %(n)d 类。") % {"n": self._wanted()}


class MinimumLengthValidator:
    """At least ``min_length`` characters (the policy's figure unless given)."""

    def __init__(self, min_length: int | None = None) -> None:
        self.min_length = min_length

    def _wanted(self) -> int:
        return self.min_length if self.min_length is not None else policy()["min_length"]

    def validate(self, password: str, user: Any = None) -> None:
        wanted = self._wanted()
        if len(password) < wanted:
            raise ValidationError(
                _("密码：至少要 %(n)d 个字符") % {"n": wanted}, code="password_too_short"
            )

    def get_help_text(self) -> str:
        return _("密码至少要 %(n)d 个字符。") % {"n": self._wanted()}


class HistoryValidator:
    """None of the user's last ``history`` passwords (their hashes are kept in ``PasswordHistory``)."""

    def _count(self) -> int:
        return policy()["history"]

    def validate(self, password: str, user: Any = None) -> None:
        count = self._count()
        if user is None or getattr(user, "pk", None) is None or count < 1:
            return
        from weijian.core.models import PasswordHistory

        hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count])
        if getattr(user, "_password", None) is None and user.password:
            hashes.append(user.password)  # a form validating before set_password: the current one counts too
        if any(check_password(password, stored) for stored in hashes):
            raise ValidationError(
                _("密码：不能与最近 %(n)d 次用过的密码相同") % {"n": count}, code="password_reused"
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        from weijian.core.models import PasswordHistory

        if user is None or getattr(user, "pk", None) is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = max(self._count(), 1)
        old = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(old)).delete()

    def get_help_text(self) -> str:
        return _("不能与最近 %(n)d 次用过的密码相同。") % {"n": self._count()}


def password_guard(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``pre_save`` of the user model: a password set with ``set_password`` must pass the validators."""
    raw = getattr(instance, "_password", None)
    if raw is not None:
        validate_password(raw, instance)


def password_first_kept(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """``post_save`` of the user model: a user created with a password (``create_user``, which does not go
    through ``set_password``) has it in the history from the start."""
    if created and instance.password and instance.has_usable_password() and getattr(instance, "_password", None) is None:
        from weijian.core.models import PasswordHistory

        PasswordHistory.objects.create(user=instance, password=instance.password)


def password_change(*, actor: Any, new_password: str) -> Any:
    """The signed-in user sets a new password (already checked against the old one by the form): saved through
    the validators (:func:`password_guard`) and the history, with its audit event, in one transaction. Every other
    session of the user ends, because the session hash changes with the password."""
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        audit_record(actor=actor, action="core.password.change", object_type="auth.user", object_id=actor.pk)
    return actor


def password_changed_at(user: Any) -> dt.datetime | None:
    from weijian.core.models import PasswordHistory

    latest = PasswordHistory.objects.filter(user=user).values_list("changed_at", flat=True).first()
    return latest or getattr(user, "date_joined", None)


def password_expired(user: Any, *, now: dt.datetime | None = None) -> bool:
    """Whether the policy's ``max_age_days`` (when above 0) has passed since the user's password was set."""
    days = policy()["max_age_days"]
    if days <= 0 or not user.has_usable_password():
        return False
    changed = password_changed_at(user)
    return changed is not None and (now or timezone.now()) - changed > dt.timedelta(days=days)


class PasswordExpiryMiddleware:
    """With ``max_age_days`` above 0: a signed-in user whose password is older reaches only the password page
    (and logout, the second factor and the language switch) until it is changed."""

    _open_names = ("password_change", "logout", "login", "otp_verify", "otp_enrol", "set_language", "favicon")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            policy()["max_age_days"] > 0
            and user is not None
            and user.is_authenticated
            and request.path not in {reverse(name) for name in self._open_names}
            and not request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))
            and password_expired(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("密码已过期，请先修改密码")}, status=403)
            return redirect("password_change")
        return self.get_response(request)
