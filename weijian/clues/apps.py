from django.apps import AppConfig


class CluesConfig(AppConfig):
    name = "weijian.clues"
    label = "clues"
    verbose_name = "案源线索"
