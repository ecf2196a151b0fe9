"""System check (``weijian check``, before ``migrate`` / ``runserver``): ``publication_windows.yaml`` (bundled or an
office's replacement) has exactly the keys the disclosure service reads, so a misspelt key is refused at start-up."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.utils.translation import gettext as _

from weijian.portal import windows
from weijian.rules import loader


@register("weijian")
def publication_windows_file(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        windows.check()
    except loader.RulesError as exc:
        return [Error(str(exc), hint=_("改正规则文件（或 WEIJIAN_RULES_DIR 中的替换文件）"), id="weijian.E030")]
    return []
