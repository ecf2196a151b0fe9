from typing import Any

from django.apps import AppConfig
from django.core.checks import Error, register


class RegistryConfig(AppConfig):
    name = "weijian.registry"
    label = "registry"
    verbose_name = "主体库（机构、人员、执法人员）"

    def ready(self) -> None:
        register("weijian")(institution_kinds_file)


def institution_kinds_file(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every kind of supervised unit has a sector and a licence kind in ``data/institution_kinds.yaml``."""
    from weijian.registry import kinds
    from weijian.registry.models import InstitutionKind

    try:
        kinds.check(list(InstitutionKind.values))
    except kinds.KindsError as exc:
        return [Error(str(exc), hint="改正 weijian/registry/data/institution_kinds.yaml", id="weijian.E010")]
    return []
