"""The second factor: enrolment, the code after the password, replayed / expired / wrong codes, recovery codes,
reset by the security administrator only, every step audited. (In Chromium: test_browser_otp.py.)"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from weijian.core import otp
from weijian.core.models import AuditEvent, Role

PASSWORD = "correct-horse-9"
START = dt.datetime(2026, 5, 4, 9, 0, 5, tzinfo=dt.UTC)  # 5 s into a 30-second step


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _actions(user: Any) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="auth.user", object_id=str(user.pk), action__startswith="core.otp")
                .order_by("pk").values_list("action", flat=True))  # fmt: skip


def _password_step(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _code(user: Any, *, steps: int = 0) -> str:
    device = otp.totp_device(user)
    assert device is not None
    return otp.current_code(device, at=timezone.now().timestamp() + steps * device.step)


@pytest.mark.django_db
def test_enrol_with_the_qr_code_then_log_in_with_a_code(make_user: Any, clock: Any) -> None:
    user = make_user("wang", role=Role.INSPECTOR)
    client = _password_step("wang")
    assert client.get("/registry/institutions/").url == "/account/two-factor/?next=%2Fregistry%2Finstitutions%2F"
    assert client.get("/api/institutions").status_code == 403  # the API too, until the second factor is given
    page = client.get("/account/two-factor/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "<script" not in html
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    device = otp.totp_device(user, confirmed=False)
    assert device is not None and otp.secret_for_typing(device).replace(" ", "") == secret
    assert client.post("/account/two-factor/", {"otp_token": "000000"}).status_code == 400
    clock.shift(2)  # past django-otp's one-second slow-down after a wrong code
    shown = client.post("/account/two-factor/", {"otp_token": otp.current_code(device), "next": "/"})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.content.decode())
    assert shown.status_code == 200 and len(codes) == otp.RECOVERY_CODES
    assert client.get("/").status_code == 200  # this session gave the factor while enrolling
    assert _actions(user) == ["core.otp.enrol", "core.otp.verify_failed", "core.otp.confirm"]

    clock.shift(30)  # the next step: the enrolment's code is spent
    second = _password_step("wang")
    assert second.get("/").url == "/login/code/?next=%2F"
    answer = second.post("/login/code/", {"otp_token": _code(user), "next": "/registry/institutions/"})
    assert answer.status_code == 302 and answer.url == "/registry/institutions/"
    assert second.get("/registry/institutions/").status_code == 200
    assert _actions(user)[-1] == "core.otp.verify"


@pytest.mark.django_db
def test_a_replayed_an_expired_and_a_wrong_code_are_refused(make_user: Any, clock: Any) -> None:
    user = make_user("wang", role=Role.INSPECTOR)
    otp.otp_enrol_fixed(user=user, key_hex=otp.demo_secret("wang"))
    first = _password_step("wang")
    code = _code(user)
    assert first.post("/login/code/", {"otp_token": code}).status_code == 302
    clock.shift(2)
    replay = _password_step("wang")
    refused = replay.post("/login/code/", {"otp_token": code})
    assert refused.status_code == 400 and "不能重复使用" in refused.content.decode()
    assert replay.get("/").status_code == 302
    clock.shift(2)
    assert replay.post("/login/code/", {"otp_token": _code(user, steps=-3)}).status_code == 400  # 90 s old: expired
    clock.shift(4)
    assert replay.post("/login/code/", {"otp_token": "123456" if code != "123456" else "654321"}).status_code == 400
    throttled = replay.post("/login/code/", {"otp_token": _code(user)})  # straight after: slowed down
    assert throttled.status_code == 400 and "秒后再输入" in throttled.content.decode()
    clock.shift(35)
    assert replay.post("/login/code/", {"otp_token": _code(user)}).status_code == 302
    assert _actions(user).count("core.otp.verify_failed") == 4


@pytest.mark.django_db
def test_a_recovery_code_works_once(make_user: Any, clock: Any) -> None:
    user = make_user("wang", role=Role.INSPECTOR)
    device = otp.otp_enrol_start(user=user)
    codes = otp.otp_enrol_confirm(user=user, token=otp.current_code(device))
    assert codes is not None and len(set(codes)) == otp.RECOVERY_CODES
    client = _password_step("wang")
    assert client.post("/login/code/", {"otp_token": codes[0].upper()}).status_code == 302
    assert client.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == otp.RECOVERY_CODES - 1
    clock.shift(5)
    again = _password_step("wang")
    assert again.post("/login/code/", {"otp_token": codes[0]}).status_code == 400
    assert "core.otp.recovery_used" in _actions(user)
    event = AuditEvent.objects.filter(action="core.otp.recovery_used").get()
    assert event.data == {"left": otp.RECOVERY_CODES - 1} and codes[0] not in str(event.data)


@pytest.mark.django_db
def test_only_the_security_administrator_resets_a_second_factor(make_user: Any, clock: Any) -> None:
    from weijian.core.roles import role_groups_sync

    groups = role_groups_sync()
    user = make_user("wang", role=Role.INSPECTOR)
    otp.otp_enrol_fixed(user=user, key_hex=otp.demo_secret("wang"))
    session = Client()
    session.force_login(user)
    staff = {}
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        admin_user = make_user(role, role=role, region=None, department=None, is_staff=True)
        admin_user.groups.set([groups[role]])
        staff[role] = Client()
        staff[role].force_login(admin_user)
    url = "/admin/auth/user/"
    for role in (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN):
        staff[role].post(url, {"action": "reset_second_factor", "_selected_action": [user.pk]})
        assert TOTPDevice.objects.filter(user=user).exists(), role
        with pytest.raises(PermissionDenied):
            otp.otp_reset(actor=admin_of(role), user=user)
    security = staff[Role.SECURITY_ADMIN]
    assert security.post(url, {"action": "reset_second_factor", "_selected_action": [user.pk]}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert session.get("/").url.startswith("/login/")  # the reset ended the user's sessions
    event = AuditEvent.objects.filter(action="core.otp.reset").get()
    assert event.actor == Role.SECURITY_ADMIN and event.object_id == str(user.pk)
    fresh = _password_step("wang")
    assert fresh.get("/").url.startswith("/account/two-factor/")  # enrols again


def admin_of(role: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=role)


@pytest.mark.django_db
def test_roles_that_need_a_second_factor_follow_the_setting(make_user: Any, settings: Any) -> None:
    inspector = make_user("wang", role=Role.INSPECTOR)
    institution = make_user("clinic", role=Role.INSTITUTION_USER, region=None, department=None)
    auditor = make_user("auditor", role=Role.AUDIT_ADMIN, region=None, department=None)
    assert otp.second_factor_required(inspector) and otp.second_factor_required(auditor)
    assert not otp.second_factor_required(institution)
    settings.WEIJIAN_2FA_ROLES = [Role.INSTITUTION_USER]
    for user in (inspector, institution, auditor):
        user._weijian_scope = None
    assert otp.second_factor_required(institution) and not otp.second_factor_required(inspector)
    assert otp.second_factor_required(auditor)  # the administrators always


@pytest.mark.django_db
def test_demo_totp_prints_the_current_code(make_user: Any, capsys: Any, clock: Any) -> None:
    from weijian.core.demo import demo_second_factors_setup

    make_user("inspector_a", role=Role.INSPECTOR)
    make_user("institution_user", role=Role.INSTITUTION_USER, region=None, department=None)
    assert demo_second_factors_setup(["inspector_a", "institution_user"]) == ["inspector_a"]
    assert demo_second_factors_setup(["inspector_a"]) == ["inspector_a"]  # idempotent: the same secret
    device = TOTPDevice.objects.get(user__username="inspector_a")
    assert device.key == otp.demo_secret("inspector_a") and device.confirmed
    call_command("demo", "totp", "inspector_a")
    assert capsys.readouterr().out.strip() == otp.current_code(device)


@pytest.mark.django_db
def test_a_user_who_enrolled_without_needing_to_is_asked_for_the_code(make_user: Any, clock: Any) -> None:
    user = make_user("clinic", role=Role.INSTITUTION_USER, region=None, department=None)
    assert _password_step("clinic").get("/").status_code == 200  # not enrolled: the password is enough
    otp.otp_enrol_fixed(user=user, key_hex=otp.demo_secret("clinic"))
    client = _password_step("clinic")
    assert client.get("/").url == "/login/code/?next=%2F"
    assert client.post("/login/code/", {"otp_token": _code(user)}).status_code == 302
    assert client.get("/").status_code == 200
