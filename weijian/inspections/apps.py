from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "weijian.inspections"
    label = "inspections"
    verbose_name = "双随机抽查与现场检查"

    def ready(self) -> None:
        from weijian.inspections.planning import checks  # noqa: F401  (registers the rules-file check)
