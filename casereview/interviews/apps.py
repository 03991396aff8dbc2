from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "casereview.interviews"
    verbose_name = "Interviews"
