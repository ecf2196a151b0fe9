from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "weijian.core"
    label = "core"
    verbose_name = _("基础（区划、部门、审计）")

    def ready(self) -> None:
        from weijian.core import auth_events, checks, workbench, workbench_links  # noqa: F401  (registers checks and cards)

        auth_events.connect()  # logins, failures, lockouts as audit events; the password policy on every save

        workbench.autodiscover()  # every app's workbench.py registers its cards

        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from weijian.core import dbstats

        connection_created.connect(dbstats.on_connect, dispatch_uid="weijian.core.dbstats.on_connect")
        post_migrate.connect(dbstats.after_migrate, dispatch_uid="weijian.core.dbstats.after_migrate")
