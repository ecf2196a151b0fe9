from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "weijian.registry"
    label = "registry"
    verbose_name = _("主体库（机构、人员、执法人员）")
