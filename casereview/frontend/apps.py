from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "casereview.frontend"
    label = "frontend"
    verbose_name = "Frontend"
