"""``weijian createsuperuser``: Django's command, with the password policy applied also with ``--noinput``
(``DJANGO_SUPERUSER_PASSWORD``), which Django's own command does not validate."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options.get("interactive") and password is not None:
            username = options.get(self.UserModel.USERNAME_FIELD) or ""
            try:
                validate_password(password, self.UserModel(**{self.UserModel.USERNAME_FIELD: username}))
            except ValidationError as exc:
                raise CommandError(_("DJANGO_SUPERUSER_PASSWORD：%(problems)s") % {"problems": " ".join(exc.messages)}) from exc
        super().handle(*args, **options)
