"""Start-up checks of the core: the static files must have been collected before the site is served; the
working-day calendar must know the years the deadlines of the coming months fall in."""

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


CALENDAR_LOOKAHEAD_DAYS = 120  # how far ahead the deadlines counted today reach (60 working days and more)


@register("weijian")
def calendar_years_known(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Working-day deadlines (复议, 告知, 答复 …) need each year's holidays and 调休 days: warn while the year
    of today or of the next months is neither in the calendar package nor in ``calendar.yaml``."""
    import datetime as dt

    from django.utils import timezone

    from weijian.core import workdays

    today = timezone.localdate()
    missing = []
    for year in sorted({today.year, (today + dt.timedelta(days=CALENDAR_LOOKAHEAD_DAYS)).year}):
        try:
            workdays.is_workday(dt.date(year, 1, 1))
        except workdays.CalendarYearUnknown:
            missing.append(year)
    return [
        Warning(
            gettext("%(year)d年的法定节假日和调休安排尚未录入工作日历：落在该年的按工作日计算的期限将无法计算") % {
                "year": year},
            hint=gettext("国务院办公厅公布后，将该年的节假日和调休上班日加入规则文件 calendar.yaml"
                         "（WEIJIAN_RULES_DIR 中的替换文件）"),
            id="weijian.W002",
        )
        for year in missing
    ]
