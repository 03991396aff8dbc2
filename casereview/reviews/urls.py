from django.urls import path

from casereview.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reviews/new/", views.review_new, name="new"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/referral/", views.referral_change, name="referral"),
    path("reviews/<int:pk>/decision/", views.decision, name="decision"),
    path("reviews/<int:pk>/stage/", views.stage_change, name="stage"),
    path("reviews/<int:pk>/deadlines/", views.deadlines, name="deadlines"),
    path("reviews/<int:pk>/people/", views.people, name="people"),
    path("reviews/<int:pk>/people/new/", views.person_edit, name="person-new"),
    path("reviews/<int:pk>/people/<int:person_pk>/", views.person_edit, name="person"),
    path("reviews/<int:pk>/people/<int:person_pk>/remove/", views.person_remove, name="person-remove"),
    path("reviews/<int:pk>/places/new/", views.place_edit, name="place-new"),
    path("reviews/<int:pk>/places/<int:place_pk>/", views.place_edit, name="place"),
    path("reviews/<int:pk>/places/<int:place_pk>/remove/", views.place_remove, name="place-remove"),
]
