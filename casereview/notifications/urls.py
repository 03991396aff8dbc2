from django.urls import path

from casereview.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read-all/", views.notifications_read_all, name="read-all"),
    path("notifications/<int:notification_pk>/", views.notification_open, name="open"),
]
