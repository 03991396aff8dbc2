from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "casereview.planning"
    verbose_name = "Terms of reference and meetings"
