from django.urls import path  # noqa: F401

from casereview.planning import views  # noqa: F401

app_name = "planning"
urlpatterns = []
