from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "casereview.records"
    verbose_name = "Records vault"
