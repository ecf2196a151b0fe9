"""The second factor in headless Chromium: enrol with the QR page's secret, keep the recovery codes, log in with
a code after a wrong one, and log in with a recovery code."""

from __future__ import annotations

import datetime as dt
import re
from base64 import b32decode
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import TOTP

from weijian.core.models import AuditEvent, Role
from weijian.registry.tests.conftest import browser_page  # noqa: F401  (the browser fixture)

PASSWORD = "correct-horse-9"


def _code(secret: str) -> str:
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():06d}"


def _password(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()


def _logout(page: Any) -> None:
    page.locator("header .who").get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login/"))


@pytest.mark.browser
@pytest.mark.pages
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enrol_then_log_in_with_a_code_and_with_a_recovery_code(
    live_server: Any, browser_page: Any, make_user: Any, settings: Any  # noqa: F811
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no pause after the wrong code (the slow-down has its own test)
    user = make_user("otp_user", role=Role.INSPECTOR)
    page, base = browser_page, live_server.url
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0, 3)), tick=True) as clock:
        _password(page, base, "otp_user")
        page.wait_for_url(re.compile(r"/account/two-factor/"))
        assert page.locator("#otp-qr svg").is_visible()
        secret = page.locator("#otp-secret").inner_text()
        page.fill("#id_otp_token", _code(secret))
        page.get_by_role("button", name="完成绑定").click()
        codes = [c.strip() for c in page.locator("#recovery-codes code").all_inner_texts()]
        assert len(codes) == 10
        page.get_by_role("link", name="我已保存恢复码，继续").click()
        page.wait_for_url(re.compile(r"/$"))
        _logout(page)

        clock.shift(30)  # the next code (the enrolment's cannot be used again)
        _password(page, base, "otp_user")
        page.wait_for_url(re.compile(r"/login/code/"))
        page.fill("#id_otp_token", "000000" if _code(secret) != "000000" else "111111")
        page.get_by_role("button", name="验证").click()
        assert "验证码不正确" in page.locator("#otp_error").inner_text()
        page.goto(f"{base}/registry/institutions/")  # nothing opens without the code
        assert "/login/code/" in page.url
        page.fill("#id_otp_token", _code(secret))
        page.get_by_role("button", name="验证").click()
        page.wait_for_url(re.compile(r"/registry/institutions/"))
        _logout(page)

        _password(page, base, "otp_user")
        page.wait_for_url(re.compile(r"/login/code/"))
        page.fill("#id_otp_token", codes[0])
        page.get_by_role("button", name="验证").click()
        page.wait_for_url(re.compile(r"/$"))
    actions = list(AuditEvent.objects.filter(object_id=str(user.pk), action__startswith="core.otp")
                   .order_by("pk").values_list("action", flat=True))  # fmt: skip
    assert actions == ["core.otp.enrol", "core.otp.confirm", "core.otp.verify_failed", "core.otp.verify",
                       "core.otp.recovery_used"]  # fmt: skip
