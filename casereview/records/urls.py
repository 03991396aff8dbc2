from django.urls import path

from casereview.records import views

app_name = "records"
urlpatterns = [
    path("reviews/<int:pk>/records/", views.vault, name="vault"),
    path("reviews/<int:pk>/records/<int:agency_pk>/", views.agency_records, name="agency"),
    path("reviews/<int:pk>/records/<int:agency_pk>/secured/", views.records_secure, name="secure"),
    path("reviews/<int:pk>/records/<int:agency_pk>/upload/", views.record_upload, name="upload"),
    path("reviews/<int:pk>/records/files/<int:file_pk>/", views.record_download, name="download"),
]
