from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "casereview.panel"
    verbose_name = "Panel and independence"
