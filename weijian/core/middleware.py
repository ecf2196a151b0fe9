"""Language: Simplified Chinese unless the user chose another language with the switcher.

Django's LocaleMiddleware would follow the browser's Accept-Language; an office's shared
tablets often come with English system settings, so only an explicit choice (the language
cookie) switches the interface.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


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
    would reach the database and fail with a 500 instead of a clear 4xx.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        values = [request.path, *(v for _, vs in request.GET.lists() for v in vs)]
        if request.method == "POST" and request.content_type != "multipart/form-data":
            values += [v for _, vs in request.POST.lists() for v in vs]
        if any("\x00" in value for value in values):
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest("请求中含有非法字符（NUL）".encode(), content_type="text/plain; charset=utf-8")
        return self.get_response(request)
