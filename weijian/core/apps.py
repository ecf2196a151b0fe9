from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "weijian.core"
    label = "core"
    verbose_name = "基础（区划、部门、审计）"
