from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "weijian.inspections"
    label = "inspections"
    verbose_name = "双随机抽查与现场检查"
