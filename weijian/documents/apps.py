from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "weijian.documents"
    label = "documents"
    verbose_name = _("执法文书")

    def ready(self) -> None:
        from weijian.documents import checks  # noqa: F401  (registers the rules-file check)
