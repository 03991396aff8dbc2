from django.urls import path  # noqa: F401

from casereview.interviews import views  # noqa: F401

app_name = "interviews"
urlpatterns = []
