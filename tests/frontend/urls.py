"""A stand-in URLconf so base.html can be rendered before the real accounts URLs exist."""

from django.http import HttpResponse
from django.urls import include, path


def _ok(request):
    return HttpResponse()


accounts_patterns = ([path("sign-out/", _ok, name="sign-out")], "accounts")

urlpatterns = [path("accounts/", include(accounts_patterns))]
