from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "weijian.alerts"
    label = "alerts"
    verbose_name = "预警（非现场监管）"

    def ready(self) -> None:
        from weijian.alerts import checks  # noqa: F401  (registers the rules-file checks)
