from django.urls import path  # noqa: F401

from casereview.involvement import views  # noqa: F401

app_name = "involvement"
urlpatterns = []
