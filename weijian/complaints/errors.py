"""Errors of the complaints app: each message names the field and the reason, in Chinese (translated)."""

from __future__ import annotations


class ComplaintError(ValueError):
    """A complaint or an action on it that is refused. ``errors``: field → message, for a form to show in place."""

    def __init__(self, errors: dict[str, str] | str, field: str = "__all__") -> None:
        self.errors = {field: errors} if isinstance(errors, str) else dict(errors)
        super().__init__(" ".join(self.errors.values()))
