"""The ``weijian`` console script.

Django-free commands (the synthetic-data generators and the analytics engine) run without
setting Django up, so they work unchanged on a Spark driver; everything else is passed to
Django's management commands (``weijian migrate``, ``weijian runserver``, ``weijian import`` …).

Output is in Simplified Chinese unless ``--language en`` (anywhere on the command line) or the
environment's ``LC_ALL`` / ``LC_MESSAGES`` / ``LANG`` asks for English.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from weijian import i18n, keep_files_private

# (command, subcommand) → "module:function" taking the remaining argv; these never import Django.
DJANGO_FREE: dict[tuple[str, str], str] = {
    ("sim", "city"): "weijian.sim.city:main",
    ("sim", "activity"): "weijian.sim.activity:main",
    ("analytics", "run"): "weijian.analytics.cli:run_main",
    ("analytics", "evaluate"): "weijian.analytics.cli:evaluate_main",
    ("sim", "truth"): "weijian.sim.inspection_truth:main",
    ("draw", "verify"): "weijian.inspections.planning.verify:main",
    ("complaints", "classifier-eval"): "weijian.complaints.classify.__main__:eval_main",
}


def _resolve(target: str) -> Callable[[list[str]], int | None]:
    module_name, _, func = target.partition(":")
    return getattr(import_module(module_name), func)


def main(argv: Sequence[str] | None = None) -> int:
    keep_files_private()  # outputs (sim, analytics, exports) 0600, before any command writes
    chosen, args = i18n.pop_language(sys.argv[1:] if argv is None else argv)
    language = chosen or i18n.language_from_env()
    if len(args) >= 2 and (args[0], args[1]) in DJANGO_FREE:
        i18n.set_language(language)
        return int(_resolve(DJANGO_FREE[(args[0], args[1])])(args[2:]) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weijian.project.settings")
    import django
    from django.core.management import execute_from_command_line
    from django.utils import translation

    django.setup()
    with translation.override(language):
        execute_from_command_line(["weijian", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
