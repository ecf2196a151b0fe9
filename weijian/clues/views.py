"""The officials' clue list and clue page (scoped). Views parse input and call one selector."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from weijian.clues import selectors
from weijian.clues.models import ClueSource, ClueStatus


@login_required
def clue_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.clue_list(request.user, status=request.GET.get("status") or None,
                             source=request.GET.get("source") or None, q=request.GET.get("q") or None)  # fmt: skip
    return render(request, "clues/list.html", {
        "page": Paginator(qs, 30).get_page(request.GET.get("page")), "params": request.GET,
        "statuses": ClueStatus.choices, "sources": ClueSource.choices,
    })  # fmt: skip


@login_required
def clue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    clue = selectors.clue_get(request.user, pk)
    return render(request, "clues/detail.html", {"clue": clue})
