from django.urls import path  # noqa: F401

from casereview.panel import views  # noqa: F401

app_name = "panel"
urlpatterns = []
