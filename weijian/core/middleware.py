"""Request/response rules of the whole site.

- Language: Simplified Chinese unless the user chose another language with the switcher.
  Django's LocaleMiddleware would follow the browser's Accept-Language; an office's shared
  tablets often come with English system settings, so only an explicit choice (the language
  cookie) switches the interface.
- NUL characters in a request: 400 (the error page; JSON under /api/).
- ``Cache-Control: no-store`` on every answer to a signed-in user: pages, API answers and exports
  carry personal data and must not stay in a browser's or a proxy's cache.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.allowed = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.allowed else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RejectNulMiddleware:
    """Answer 400 to a request whose path or parameters contain NUL characters.

    PostgreSQL cannot store or compare strings with NUL; without this a crafted query string
    would reach the database and fail with a 500 instead of a clear 4xx. Pages get the 400 error
    page, the API a JSON body like its other errors.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        values = [request.path, *(v for _, vs in request.GET.lists() for v in vs)]
        if request.method == "POST" and request.content_type != "multipart/form-data":
            values += [v for _, vs in request.POST.lists() for v in vs]
        if any("\x00" in value for value in values):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("请求中含有非法字符（NUL）")}, status=400)
            raise BadRequest(_("请求中含有非法字符（NUL）"))
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Every non-static response to an authenticated request: ``Cache-Control: no-store`` (and no-cache, private).

    Static files never get here (WhiteNoise answers them first); the prefix check keeps it so if
    static files are ever served by Django itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(self.static_prefix):
            add_never_cache_headers(response)
        return response
