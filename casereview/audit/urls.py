from django.urls import path

from casereview.audit import views

app_name = "audit"
urlpatterns = [
    path("reviews/<int:pk>/audit/", views.trail, name="trail"),
    path("reviews/<int:pk>/audit.csv", views.trail_csv, name="trail-csv"),
]
