"""Translation for every part of weijian, including the parts that run without Django.

Pages and Django commands translate with Django (the language of the request, or the one the
``weijian`` console script activates). The analytics engine and the rules loader must also run on a
Spark driver without Django, so their messages go through :func:`gettext` here: Django's translation
when Django is set up, else the same compiled catalogue (``weijian/locale``) read with the standard
library, in the language chosen by :func:`set_language` (``--language``) or the environment's
``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``. Chinese is the default: the source strings are Chinese.

Data files that carry their own English (``name`` / ``name_en``, ``zh`` / ``en``) are read through
:func:`localized`, which picks the text of the active language.

This module never imports Django itself (``weijian.analytics`` has no Django import).
"""

from __future__ import annotations

import gettext as stdlib_gettext
import os
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LANGUAGE = "zh-hans"
LANGUAGES = ("zh-hans", "en")
_chosen: str | None = None


def _django_ready() -> bool:
    conf, apps = sys.modules.get("django.conf"), sys.modules.get("django.apps")
    return bool(conf and apps and conf.settings.configured and apps.apps.ready)


def normalize_language(code: str | None) -> str | None:
    """``en_US.UTF-8`` → ``en``, ``zh_CN`` → ``zh-hans``; None for a language weijian has no text in."""
    if not code:
        return None
    base = code.split(".")[0].split("@")[0].replace("_", "-").lower()
    if base.startswith("en"):
        return "en"
    if base.startswith("zh"):
        return DEFAULT_LANGUAGE
    return None


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for (POSIX order: LC_ALL, LC_MESSAGES, LANG); Chinese by default."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return normalize_language(env[name]) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def pop_language(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """Take ``--language CODE`` / ``--language=CODE`` out of a command line: (the language or None, the rest)."""
    rest: list[str] = []
    language: str | None = None
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--language" and i + 1 < len(args):
            language, i = args[i + 1], i + 2
            continue
        if arg.startswith("--language="):
            language = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        i += 1
    if language is not None and normalize_language(language) is None:
        raise SystemExit(f"--language: {language!r} (zh-hans, en)")
    return (normalize_language(language) if language else None), rest


def set_language(code: str | None) -> None:
    """The language of Django-free code in this process (None: back to the environment's)."""
    global _chosen
    _chosen = normalize_language(code) if code else None


def get_language() -> str:
    if _django_ready():
        from django.utils import translation  # only when Django is already loaded and set up

        return translation.get_language() or DEFAULT_LANGUAGE
    return _chosen or language_from_env()


def is_english() -> bool:
    return get_language().startswith("en")


@cache
def _catalogue(language: str) -> stdlib_gettext.NullTranslations:
    """The project catalogue, then each app's own (``weijian/<app>/locale``), as Django reads them."""
    locale = language.replace("-hans", "_Hans")
    catalogue = stdlib_gettext.translation("django", localedir=LOCALE_DIR, languages=[locale], fallback=True)
    for app_locale in sorted(LOCALE_DIR.parent.glob("*/locale")):
        catalogue.add_fallback(
            stdlib_gettext.translation("django", localedir=app_locale, languages=[locale], fallback=True)
        )
    return catalogue


def gettext(message: str) -> str:
    """``message`` (a Chinese source string) in the active language."""
    if _django_ready():
        from django.utils.translation import gettext as django_gettext

        return django_gettext(message)
    return _catalogue(get_language()).gettext(message)


_ = gettext


def pgettext(context: str, message: str) -> str:
    """``message`` in the active language, told apart by ``context`` from the same words elsewhere."""
    if _django_ready():
        from django.utils.translation import pgettext as django_pgettext

        return django_pgettext(context, message)
    return _catalogue(get_language()).pgettext(context, message)


def gettext_noop(message: str) -> str:
    """Mark a string for the catalogue where it is defined; translate it with :func:`gettext` where it is used."""
    return message


def english_key(field: str) -> str:
    """Where a data entry keeps the English of ``field``: ``zh`` → ``en``, ``name_zh`` / ``name`` → ``name_en``."""
    if field == "zh":
        return "en"
    return f"{field.removesuffix('_zh')}_en"


def localized(entry: Mapping[str, Any] | None, field: str = "name", fallback: str = "") -> str:
    """The text of a data entry in the active language: ``entry[english_key(field)]`` in English when there
    is one, else ``entry[field]``."""
    if not entry:
        return fallback
    if is_english() and entry.get(english_key(field)):
        return str(entry[english_key(field)])
    return str(entry.get(field) or fallback)


def in_language(zh: str, en: str | None) -> str:
    """One of two texts of a data entry (a Chinese one and its English), by the active language."""
    return en if en and is_english() else zh
