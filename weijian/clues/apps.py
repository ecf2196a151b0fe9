from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CluesConfig(AppConfig):
    name = "weijian.clues"
    label = "clues"
    verbose_name = _("案源线索")
