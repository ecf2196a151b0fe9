from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "weijian.cases"
    label = "cases"
    verbose_name = _("行政处罚案件")
