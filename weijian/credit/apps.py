from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "weijian.credit"
    label = "credit"
    verbose_name = _("信用监管")

    def ready(self) -> None:
        from weijian.credit import checks_lists, workbench_lists  # noqa: F401  (registers the lists' check and cards)
