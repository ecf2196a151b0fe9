from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "weijian.alerts"
    label = "alerts"
    verbose_name = _("预警（非现场监管）")

    def ready(self) -> None:
        from weijian.alerts import checks  # noqa: F401  (registers the rules-file checks)
