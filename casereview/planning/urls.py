from django.urls import path

from casereview.planning import views

app_name = "planning"
urlpatterns = [
    path("reviews/<int:pk>/terms/", views.terms, name="terms"),
    path("reviews/<int:pk>/terms/edit/", views.terms_edit, name="terms-edit"),
    path("reviews/<int:pk>/terms/versions/<int:version_pk>/", views.terms_version, name="terms-version"),
    path("reviews/<int:pk>/terms/versions/<int:version_pk>/agree/", views.terms_agree, name="terms-agree"),
    path("reviews/<int:pk>/meetings/", views.meetings, name="meetings"),
    path("reviews/<int:pk>/meetings/new/", views.meeting_edit, name="meeting-new"),
    path("reviews/<int:pk>/meetings/<int:meeting_pk>/", views.meeting, name="meeting"),
    path("reviews/<int:pk>/meetings/<int:meeting_pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("reviews/<int:pk>/meetings/<int:meeting_pk>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path("reviews/<int:pk>/meetings/<int:meeting_pk>/actions/new/", views.action_new, name="action-new"),
    path(
        "reviews/<int:pk>/meetings/<int:meeting_pk>/actions/<int:action_pk>/done/",
        views.action_done,
        name="action-done",
    ),
]
