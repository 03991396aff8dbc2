from django.urls import path

from casereview.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("two-factor/", views.two_factor_verify, name="two-factor"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("set-password/<uidb64>/<token>/", views.set_password, name="set-password"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path("people/", views.people, name="people"),
    path("people/<int:user_pk>/reset-authenticator/", views.two_factor_reset, name="two-factor-reset"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/new/", views.agency_edit, name="agency-new"),
    path("agencies/<int:pk>/", views.agency_edit, name="agency"),
]
