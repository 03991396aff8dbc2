from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "casereview.chronology"
    verbose_name = "Chronologies"
