from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "weijian.alerts"
    label = "alerts"
    verbose_name = "预警（非现场监管）"
