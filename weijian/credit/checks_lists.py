"""System check (``weijian check``): the credit list, joint-punishment and exchange rules files are well formed."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.utils.translation import gettext as _

from weijian.rules import loader


@register("weijian")
def credit_list_files(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from weijian.credit import lists

    try:
        lists.check()
        loader.check_keys("credit_exchange", ("second_penalty_window_months",))
    except loader.RulesError as exc:
        return [Error(str(exc), hint=_("改正规则文件（或 WEIJIAN_RULES_DIR 中的替换文件）"), id="weijian.E061")]
    return []
