from django.apps import AppConfig


class InvolvementConfig(AppConfig):
    name = "casereview.involvement"
    verbose_name = "Agencies involved"
