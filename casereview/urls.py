from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("casereview.reviews.urls")),
    path("accounts/", include("casereview.accounts.urls")),
    path("admin/", admin.site.urls),
]
