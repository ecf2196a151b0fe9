"""System check: ``complaints.yaml`` holds exactly the keys the complaints app reads (a typo is refused at start)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.utils.translation import gettext as _

from weijian.complaints import rules
from weijian.rules import loader


@register("weijian")
def complaints_rules_file(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        loader.check_keys(rules.FILE, rules.KEYS)
    except loader.RulesError as exc:
        return [Error(str(exc), hint=_("改正规则文件（或 WEIJIAN_RULES_DIR 中的替换文件）"), id="weijian.E050")]
    return []
