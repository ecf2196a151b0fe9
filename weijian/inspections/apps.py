from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "weijian.inspections"
    label = "inspections"
    verbose_name = _("双随机抽查与现场检查")

    def ready(self) -> None:
        from weijian.inspections.planning import checks  # noqa: F401  (registers the rules-file check)
