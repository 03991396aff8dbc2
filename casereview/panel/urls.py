from django.urls import path

from casereview.panel import views

app_name = "panel"
urlpatterns = [
    path("reviews/<int:pk>/panel/", views.panel, name="panel"),
    path("reviews/<int:pk>/panel/appoint/", views.appoint, name="appoint"),
    path("reviews/<int:pk>/panel/appointments/<int:appointment_pk>/end/", views.appointment_end, name="end"),
    path("reviews/<int:pk>/panel/gap/", views.seat_gap, name="gap"),
    path("reviews/<int:pk>/panel/conflicts/<int:conflict_pk>/override/", views.conflict_override, name="override"),
    path("reviews/<int:pk>/declaration/", views.declaration, name="declaration"),
]
