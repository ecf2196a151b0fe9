from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "weijian.portal"
    label = "portal"
    verbose_name = _("公众门户")

    def ready(self) -> None:
        from weijian.portal import checks  # noqa: F401  (registers the rules-file check)
