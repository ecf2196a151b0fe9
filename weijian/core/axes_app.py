"""django-axes (login lockouts) under a Chinese name in the back office. Its models' names and fields are
translated in ``weijian/locale/zh_Hans`` (axes ships no Chinese catalogue)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录安全")
