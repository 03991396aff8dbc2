from django.urls import path

from casereview.involvement import views

app_name = "involvement"
urlpatterns = [
    path("reviews/<int:pk>/agencies/", views.agencies, name="agencies"),
    path("reviews/<int:pk>/agencies/add/", views.agency_add, name="agency-add"),
    path("reviews/<int:pk>/agencies/<int:agency_pk>/", views.agency, name="agency"),
    path("reviews/<int:pk>/agencies/<int:agency_pk>/deadlines/", views.deadlines, name="deadlines"),
    path(
        "reviews/<int:pk>/agencies/<int:agency_pk>/imr-author/", views.nominate_imr_author, name="nominate-imr-author"
    ),
    path(
        "reviews/<int:pk>/agencies/<int:agency_pk>/senior-manager/",
        views.nominate_senior_manager,
        name="nominate-senior-manager",
    ),
    path("reviews/<int:pk>/agencies/<int:agency_pk>/ask/", views.ask, name="ask"),
    path("reviews/<int:pk>/agencies/<int:agency_pk>/withdraw/", views.withdraw, name="withdraw"),
    path("reviews/<int:pk>/agencies/<int:agency_pk>/remove/", views.remove, name="remove"),
]
