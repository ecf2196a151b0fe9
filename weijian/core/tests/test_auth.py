"""Passwords (length, character classes, history, expiry) on every path that sets one; sessions (idle timeout,
absolute lifetime, log out everywhere); lockouts per account and per address; logins as audit events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from weijian.core.demo import DEMO_PASSWORD
from weijian.core.models import AuditEvent, PasswordHistory, Role

PASSWORD = "correct-horse-9"


@pytest.mark.parametrize("weak", ["123", "weijian2026", "short-1A", "abcdefghijkl", "ABCDEFGH12345"])
@pytest.mark.django_db
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(weak)


@pytest.mark.django_db
def test_good_passwords_pass() -> None:
    for good in (DEMO_PASSWORD, PASSWORD, "Zhou-Min-2026", "Ab3defghijk"):
        validate_password(good)


@pytest.mark.django_db
def test_createsuperuser_without_input_refuses_a_weak_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "123")
    with pytest.raises((CommandError, ValidationError)):
        call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org")
    assert not get_user_model().objects.filter(username="root").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Break-glass-2026")
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org")
    assert get_user_model().objects.get(username="root").check_password("Break-glass-2026")


@pytest.mark.django_db
def test_set_password_in_code_is_checked_and_the_last_five_cannot_return(make_user: Any) -> None:
    user = make_user("zhou")
    user.set_password("weijian2026")
    with pytest.raises(ValidationError):
        user.save()  # scripts and the API go through the same guard
    passwords = [f"Second-pass-{n}" for n in range(6)]
    for value in passwords:
        user.set_password(value)
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for recent in passwords[1:]:
        user.set_password(recent)
        with pytest.raises(ValidationError, match="最近 5 次"):
            user.save()
    user.set_password(passwords[0])  # six changes ago: allowed again
    user.save()


@pytest.mark.django_db
def test_the_password_page_and_the_admin_form_apply_the_policy(make_user: Any) -> None:
    from weijian.core.roles import role_groups_sync

    user = make_user("zhou", role=Role.INSTITUTION_USER, region=None, department=None)
    client = Client()
    client.force_login(user)
    weak = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "weijian2026",
                                              "new_password2": "weijian2026"})  # fmt: skip
    assert weak.status_code == 400 and "至少要包含" in weak.content.decode()
    same = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": PASSWORD,
                                              "new_password2": PASSWORD})  # fmt: skip
    assert same.status_code == 400 and "最近 5 次" in same.content.decode()
    good = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "New-secret-2026",
                                              "new_password2": "New-secret-2026"})  # fmt: skip
    assert good.status_code == 302
    assert AuditEvent.objects.filter(action="core.password.change", actor="zhou").exists()

    system = make_user("sys", role=Role.SYSTEM_ADMIN, region=None, department=None, is_staff=True)
    system.groups.set([role_groups_sync()[Role.SYSTEM_ADMIN]])
    admin = Client()
    admin.force_login(system)
    url = f"/admin/auth/user/{user.pk}/password/"
    answer = admin.post(url, {"password1": "123", "password2": "123", "usable_password": "true"})
    assert answer.status_code == 200
    user.refresh_from_db()
    assert user.check_password("New-secret-2026")


@pytest.mark.django_db
def test_an_expired_password_must_be_changed_first(make_user: Any, settings: Any) -> None:
    user = make_user("zhou", role=Role.INSTITUTION_USER, region=None, department=None)
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200  # expiry is off by default
    settings.WEIJIAN_PASSWORD_POLICY = {**settings.WEIJIAN_PASSWORD_POLICY, "max_age_days": 90}
    PasswordHistory.objects.filter(user=user).update(changed_at=timezone.now() - dt.timedelta(days=91))
    assert client.get("/").url == "/account/password/"
    assert client.get("/account/password/").status_code == 200
    client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "New-secret-2026",
                                       "new_password2": "New-secret-2026"})  # fmt: skip
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_sessions_end_when_idle_and_after_their_lifetime(make_user: Any) -> None:
    make_user("zhou", role=Role.INSTITUTION_USER, region=None, department=None)
    start = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        client.post("/login/", {"username": "zhou", "password": PASSWORD})
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        assert client.get("/").status_code == 302  # idle for 31 minutes: signed out
        assert AuditEvent.objects.filter(action="core.session.expired", data__reason="idle").exists()

        client.post("/login/", {"username": "zhou", "password": PASSWORD})
        for _ in range(19):  # busy all day, a request every 25 minutes: 7 h 55 min
            clock.shift(dt.timedelta(minutes=25))
            assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=25))  # 8 h 20 min after the login
        assert client.get("/").status_code == 302
        assert AuditEvent.objects.filter(action="core.session.expired", data__reason="lifetime").exists()


@pytest.mark.django_db
def test_log_out_everywhere_ends_every_session(make_user: Any) -> None:
    user = make_user("zhou", role=Role.INSTITUTION_USER, region=None, department=None)
    other = make_user("li", role=Role.INSTITUTION_USER, region=None, department=None)
    phone, desk, bystander = Client(), Client(), Client()
    phone.force_login(user)
    desk.force_login(user)
    bystander.force_login(other)
    assert desk.post("/account/logout-everywhere/").url == "/login/"
    assert phone.get("/").status_code == 302 and desk.get("/").status_code == 302
    assert bystander.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="core.session.end_all", data__sessions=2).exists()


def _fail(client: Client, username: str, address: str) -> int:
    return client.post("/login/", {"username": username, "password": "Wrong-pass-1"}, REMOTE_ADDR=address).status_code


@pytest.mark.django_db
def test_one_password_sprayed_over_many_accounts_locks_the_address(make_user: Any) -> None:
    for n in range(6):
        make_user(f"user{n}", role=Role.INSTITUTION_USER, region=None, department=None)
    client = Client()
    assert [_fail(client, f"user{n}", "10.0.0.9") for n in range(5)] == [200, 200, 200, 200, 429]
    locked = client.post("/login/", {"username": "user5", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429  # even the right password of a fresh account, from that address
    elsewhere = Client().post("/login/", {"username": "user5", "password": PASSWORD}, REMOTE_ADDR="10.0.0.10")
    assert elsewhere.status_code == 302
    assert AuditEvent.objects.filter(action="core.auth.login_failed").count() >= 4
    assert AuditEvent.objects.filter(action="core.auth.locked_out", data__address="10.0.0.9").exists()
    assert AuditEvent.objects.filter(action="core.auth.login", actor="user5").exists()


@pytest.mark.django_db
def test_a_good_login_clears_its_own_failures_not_the_address_count(make_user: Any) -> None:
    for n in range(5):
        make_user(f"user{n}", role=Role.INSTITUTION_USER, region=None, department=None)
    make_user("own", role=Role.INSTITUTION_USER, region=None, department=None)
    client = Client()
    assert [_fail(client, "own", "10.0.3.1") for _ in range(3)] == [200, 200, 200]
    good = Client().post("/login/", {"username": "own", "password": PASSWORD}, REMOTE_ADDR="10.0.3.1")
    assert good.status_code == 302
    assert [_fail(client, "own", "10.0.3.2") for _ in range(4)] == [200, 200, 200, 200]  # its three are gone
    # a spray from one address, interleaved with good logins of an account the sprayer owns, still locks it
    assert [_fail(client, f"user{n}", "10.0.3.9") for n in range(3)] == [200, 200, 200]
    assert Client().post("/login/", {"username": "user4", "password": PASSWORD}, REMOTE_ADDR="10.0.3.9").status_code == 302
    assert [_fail(client, f"user{n}", "10.0.3.9") for n in range(2)] == [200, 429]


@pytest.mark.django_db
def test_failures_from_many_addresses_lock_the_account(make_user: Any) -> None:
    make_user("zhou", role=Role.INSTITUTION_USER, region=None, department=None)
    client = Client()
    assert [_fail(client, "zhou", f"10.0.1.{n}") for n in range(5)][-1] == 429
    locked = client.post("/login/", {"username": "zhou", "password": PASSWORD}, REMOTE_ADDR="10.0.2.1")
    assert locked.status_code == 429
