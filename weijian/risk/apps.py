from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "weijian.risk"
    label = "risk"
    verbose_name = "综合监管风险等级"
