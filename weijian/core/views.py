"""The landing page: the user's workbench (工作台), cards from every app (:mod:`weijian.core.workbench`)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from weijian.core.notifications import notifications_mark_read, notifications_of
from weijian.core.people import person_name
from weijian.core.scope import scope_of
from weijian.core.workbench import workbench_sections


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = scope_of(request.user).role
    return render(
        request,
        "core/home.html",
        {"sections": workbench_sections(request.user, role), "name": person_name(request.user), "role": role},
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico`` for browsers and tools that ask for it: the SVG icon that base.html links."""
    return redirect(static("weijian/favicon.svg"), permanent=True)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The reader's own notifications (消息提醒), newest first; a POST marks them all read."""
    if request.method == "POST":
        notifications_mark_read(actor=request.user)
        return redirect("notifications")
    return render(request, "core/notifications.html", {"items": notifications_of(request.user)[:200]})
