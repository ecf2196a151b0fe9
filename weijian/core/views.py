"""The landing page: what is in the user's scope at a glance (the alert counts come from the alerts app's tag)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from weijian.core.models import ADMINISTRATOR_ROLES
from weijian.core.scope import scope_of
from weijian.registry.models import InstitutionKind
from weijian.registry.selectors import registry_counts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = scope_of(request.user).role
    if role in ADMINISTRATOR_ROLES:  # administrators see no business record: their work is in the back-office
        return render(request, "core/administrator_home.html", {"role": role})
    counts = registry_counts(request.user)
    labels = dict(InstitutionKind.choices)
    by_kind = [{"label": labels.get(row["kind"], row["kind"]), "n": row["n"]} for row in counts["by_kind"]]
    return render(request, "core/home.html", {"counts": counts, "by_kind": by_kind})
