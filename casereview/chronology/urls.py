from django.urls import path  # noqa: F401

from casereview.chronology import views  # noqa: F401

app_name = "chronology"
urlpatterns = []
