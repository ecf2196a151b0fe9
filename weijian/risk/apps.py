from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "weijian.risk"
    label = "risk"
    verbose_name = _("综合监管风险等级")
