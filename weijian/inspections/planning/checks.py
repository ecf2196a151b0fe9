"""System check (``weijian check``, before ``migrate`` / ``runserver``): ``random_checks.yaml`` (bundled or an
office's replacement) has exactly the keys planning reads, so a misspelt key is refused at start-up."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.utils.translation import gettext as _

from weijian.inspections.planning import rules
from weijian.rules import loader


@register("weijian")
def random_checks_file(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        rules.check()
    except loader.RulesError as exc:
        return [Error(str(exc), hint=_("改正规则文件（或 WEIJIAN_RULES_DIR 中的替换文件）"), id="weijian.E011")]
    return []
