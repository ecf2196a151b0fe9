"""What the ``weijian plan`` and ``weijian draw`` commands share: the acting user, and argument parsing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from weijian.core.models import Role
from weijian.core.scope import Scope


class CommandActor:
    """The command line acting city-wide, like ``weijian analytics load``: audited as ``cli``."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None
    id = None
    username = "cli"
    _weijian_scope = Scope(role=Role.CITY_ADMIN, region_prefix=None, department_code=None, institution_id=None)

    def __str__(self) -> str:
        return self.username


def actor_for(username: str | None) -> Any:
    if not username:
        return CommandActor()
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("--user：没有名为 %(username)s 的在用账号") % {"username": username}, returncode=2)
    return user


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").replace(_("，"), ",").split(",") if part.strip()]


def parse_ratios(value: str | None) -> dict[str, str]:
    """``A=5,B=20,C=50,D=100`` → {"A": "5", …} (checked by the service)."""
    out: dict[str, str] = {}
    for part in split_list(value):
        grade, sep, number = part.partition("=")
        if not sep:
            raise CommandError(_("--ratios：“%(part)s”应写成 等级=百分比，如 A=5") % {"part": part}, returncode=2)
        out[grade.strip().upper()] = number.strip()
    return out
