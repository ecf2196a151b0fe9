from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "weijian.complaints"
    label = "complaints"
    verbose_name = _("投诉举报")

    def ready(self) -> None:
        from weijian.complaints import checks  # noqa: F401  (registers the rules-file check)
