from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "weijian.registry"
    label = "registry"
    verbose_name = "主体库（机构、人员、执法人员）"
