"""Start-up checks of the core: the static files must have been collected before the site is served."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.files.storage import storages
from django.utils.translation import gettext


@register()
def static_files_collected(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With the hashed storage, a page can name its scripts only once ``collectstatic`` wrote the manifest."""
    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and not storage.exists(storage.manifest_name):
        return [
            Warning(
                gettext("静态文件尚未收集（%(folder)s 中没有 %(manifest)s），页面将无法显示") % {
                    "folder": storage.location, "manifest": storage.manifest_name,
                },
                hint=gettext("先运行 weijian collectstatic --no-input（make demo 会自动运行）"),
                id="weijian.W001",
            )
        ]
    return []


@register("weijian")
def deadlines_file(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``deadlines.yaml`` (bundled or an office's) has exactly the codes and fields the deadlines module reads."""
    from weijian.core import deadlines
    from weijian.rules import loader

    try:
        deadlines.check()
    except loader.RulesError as exc:
        return [Error(str(exc), hint=gettext("改正规则文件（或 WEIJIAN_RULES_DIR 中的替换文件）"), id="weijian.E020")]
    return []
