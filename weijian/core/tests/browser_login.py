"""Signing in through the login page in the browser tests, second factor included: a user whose role needs one
is enrolled with a known secret (as ``weijian demo setup`` does) and the browser types the current code."""

from __future__ import annotations

import re
import time
from typing import Any

from django.contrib.auth import get_user_model
from django_otp.oath import TOTP

from weijian.core import otp


def _fresh_code(device: Any) -> str:
    """The current code, waiting for the next 30-second step when this one was used already (no replay)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    while totp.t() <= device.last_t:
        time.sleep(0.5)
        totp.time = time.time()
    return otp.current_code(device, at=totp.time)


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    """Password, then (when the role needs it) the authenticator's code; ends on the workbench."""
    user = get_user_model().objects.get(username=username)
    device = otp.totp_device(user)
    if device is None and otp.second_factor_required(user):
        device = otp.otp_enrol_fixed(user=user, key_hex=otp.demo_secret(username))
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录").click()
    if device is not None:
        page.wait_for_url(re.compile(r"/login/code/"))
        page.fill("#id_otp_token", _fresh_code(device))
        page.get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/$"))
