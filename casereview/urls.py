from django.contrib import admin
from django.urls import include, path

from casereview.api import api

urlpatterns = [
    path("", include("casereview.reviews.urls")),
    path("", include("casereview.records.urls")),
    path("", include("casereview.audit.urls")),
    path("", include("casereview.panel.urls")),
    path("", include("casereview.involvement.urls")),
    path("", include("casereview.planning.urls")),
    path("", include("casereview.interviews.urls")),
    path("", include("casereview.notifications.urls")),
    path("", include("casereview.chronology.urls")),
    path("accounts/", include("casereview.accounts.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
