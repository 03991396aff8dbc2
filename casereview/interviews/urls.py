from django.urls import path

from casereview.interviews import views

app_name = "interviews"
urlpatterns = [
    path("reviews/<int:pk>/workers/", views.workers, name="workers"),
    path("reviews/<int:pk>/workers/<int:agency_pk>/new/", views.worker_edit, name="worker-new"),
    path("reviews/<int:pk>/workers/<int:agency_pk>/<int:worker_pk>/", views.worker_edit, name="worker"),
    path("reviews/<int:pk>/workers/<int:agency_pk>/<int:worker_pk>/remove/", views.worker_remove, name="worker-remove"),
]
