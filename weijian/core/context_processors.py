from typing import Any

from django.http import HttpRequest

from weijian.core.notifications import unread_count
from weijian.core.scope import can_edit_registry, scope_of


def user_scope(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"scope": scope_of(user), "can_edit_registry": can_edit_registry(user),
            "unread_notifications": unread_count(user) if user is not None else 0}
