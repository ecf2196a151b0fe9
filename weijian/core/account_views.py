"""The user's own account pages: the second factor (code after the password, enrolment), the password, and
"log out everywhere". The rules live in :mod:`weijian.core.otp`, :mod:`weijian.core.passwords` and
:mod:`weijian.core.sessions`; these views only show and submit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weijian.core import otp
from weijian.core.passwords import password_change as password_change_service
from weijian.core.passwords import password_expired, policy
from weijian.core.sessions import sessions_end_all


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):  # fmt: skip
        return target
    return "/"


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step of the login: a code from the app, or a recovery code."""
    if otp.is_verified(request):
        return redirect(_next(request))
    if not otp.has_second_factor(request.user):
        return redirect("otp_enrol")
    error = ""
    if request.method == "POST":
        if otp.otp_verify(request=request, token=request.POST.get("otp_token", "")):
            return redirect(_next(request))
        wait = otp.throttled_seconds(request.user)
        error = (_("尝试次数过多，请 %(s)d 秒后再输入。") % {"s": wait}) if wait > 1 else \
            _("验证码不正确或已过期，也不能重复使用；请输入验证器上的新验证码，或一个恢复码。")
    return render(request, "core/otp_verify.html", {"error": error, "next": _next(request)},
                  status=400 if error else 200)  # fmt: skip


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrolment: QR code and secret, confirmed with a code; the recovery codes are shown once, on success.
    A user who already has a second factor replaces it here only from a verified session."""
    if otp.has_second_factor(request.user) and not otp.is_verified(request):
        return redirect("otp_verify")
    device = otp.otp_enrol_start(user=request.user)
    error = ""
    if request.method == "POST":
        codes = otp.otp_enrol_confirm(user=request.user, token=request.POST.get("otp_token", ""))
        if codes is not None:
            otp.mark_verified(request.session, otp.totp_device(request.user))
            return render(request, "core/otp_codes.html", {"codes": codes, "next": _next(request)})
        error = _("验证码不正确：请输入验证器中显示的 6 位数字（注意手机时间要准确）。")
    return render(request, "core/otp_enrol.html", {
        "qr": otp.qr_svg(device), "secret": otp.secret_for_typing(device), "error": error, "next": _next(request),
        "replacing": otp.has_second_factor(request.user),
    }, status=400 if error else 200)  # fmt: skip


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "core/account.html", {
        "has_second_factor": otp.has_second_factor(user), "required": otp.second_factor_required(user),
        "recovery_left": otp.recovery_left(user), "expired": password_expired(user),
    })  # fmt: skip


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = password_change_service(actor=request.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)  # this session stays; every other one ends (its hash changed)
        messages.success(request, _("密码已修改；其他设备上的登录已失效。"))
        return redirect("account")
    return render(request, "core/password_change.html", {
        "form": form, "policy": policy(), "expired": password_expired(request.user),
    }, status=400 if form.errors else 200)  # fmt: skip


@require_POST
@login_required
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user, this one included."""
    user = request.user
    sessions_end_all(actor=user, user=user)
    logout(request)
    messages.success(request, _("已在所有设备上退出登录。"))
    return redirect("login")
