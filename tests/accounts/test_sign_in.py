"""Sign-in hardening: two-factor sign-in (TOTP), lockout after repeated failures, idle expiry, sign out everywhere."""

import base64
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casereview.accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from casereview.accounts.models import Role
from casereview.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory, grant, referred_review
from tests.web import api_call, bearer, error_summary, field_error, page, signed_in, two_factor_verified


@pytest.fixture(autouse=True)
def no_code_throttling(settings):
    """django-otp makes a user wait (1 s, 2 s, 4 s, …) after each wrong code; tests that need it switch it on."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code_for(device: TOTPDevice, steps_ago: int = 0) -> str:
    """The code an authenticator app holding the device's key shows now (or `steps_ago` time steps before)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() - steps_ago * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, user, password: str = PASSWORD, **extra):
    return client.post(reverse("accounts:sign-in"), {"username": user.email, "password": password, **extra})


def actions(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).values_list("action", flat=True))


def signed_in_user(client):
    return client.get(reverse("reviews:dashboard")).wsgi_request.user


@pytest.fixture
def enrolled(manager):
    """The board manager with an authenticator app set up."""
    return TOTPDevice.objects.create(user=manager, name="Authenticator app", confirmed=True)


# -- Setting up an authenticator app ---------------------------------------------------------------------


def test_first_sign_in_of_a_manager_asks_to_set_up_an_authenticator_app(client, manager):
    response = sign_in(client, manager, next=reverse("accounts:agencies"))
    assert response["Location"] == reverse("accounts:two-factor-setup") + "?next=%2Faccounts%2Fagencies%2F"
    setup = client.get(response["Location"])
    doc = page(setup)
    assert doc.find("h1").text == "Set up your authenticator app"
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    key = doc.find(id="setup-key").text
    assert all(len(group) == 4 for group in key.split()[:-1])
    assert key.replace(" ", "") == base64.b32encode(device.bin_key).decode().rstrip("=")
    assert "otpauth://totp/" in setup.content.decode()
    assert "<script" not in setup.content.decode().split("<main")[1].split("</main>")[0]  # works without JS


def test_setup_confirmed_with_a_code_completes_the_sign_in_and_is_audited(client, manager):
    sign_in(client, manager, next=reverse("accounts:agencies"))
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=manager)
    response = client.post(
        reverse("accounts:two-factor-setup"), {"code": code_for(device), "next": reverse("accounts:agencies")}
    )
    assert response["Location"] == reverse("accounts:agencies")
    assert client.get(reverse("accounts:agencies")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert actions(actor=manager) == ["sign_in.succeeded", "two_factor.setup_started", "two_factor.enrolled"]
    assert AuditEvent.objects.get(action="sign_in.succeeded").data == {
        "email": manager.email,
        "two_factor": "needed",
    }


def test_reloading_the_setup_page_keeps_the_same_key(client, manager):
    sign_in(client, manager)
    first = page(client.get(reverse("accounts:two-factor-setup"))).find(id="setup-key").text
    second = page(client.get(reverse("accounts:two-factor-setup"))).find(id="setup-key").text
    assert first == second
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_setup_with_a_wrong_code_shows_the_error_and_is_audited(client, manager):
    sign_in(client, manager)
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=manager)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two-factor-setup"), {"code": wrong})
    assert response.status_code == 200
    assert error_summary(response) == {"Enter the 6-digit code shown in your authenticator app now": "id_code"}
    device.refresh_from_db()
    assert not device.confirmed
    assert "two_factor.failed" in actions(actor=manager)
    assert client.get(reverse("reviews:dashboard")).status_code == 302  # still not through


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "Enter the 6-digit code from your authenticator app"), ("12ab56", "Enter the code as 6 digits, like 123456")],
)
def test_code_that_is_not_six_digits_is_refused_with_a_govuk_error(client, manager, enrolled, code, message):
    sign_in(client, manager)
    response = client.post(reverse("accounts:two-factor"), {"code": code})
    assert error_summary(response) == {message: "id_code"}
    assert field_error(response, "id_code") == message


def test_code_with_spaces_is_accepted(client, manager, enrolled):
    sign_in(client, manager)
    code = code_for(enrolled)
    response = client.post(reverse("accounts:two-factor"), {"code": f"{code[:3]} {code[3:]}"})
    assert response["Location"] == reverse("reviews:dashboard")


# -- Entering the code -----------------------------------------------------------------------------------


def test_sign_in_with_an_app_set_up_asks_for_the_code(client, manager, enrolled):
    response = sign_in(client, manager)
    assert response["Location"] == reverse("accounts:two-factor") + "?next=%2F"
    doc = page(client.get(response["Location"]))
    assert doc.find("h1").text == "Enter the 6-digit code from your authenticator app"


def test_right_code_opens_the_dashboard_and_is_audited(client, manager, enrolled):
    sign_in(client, manager)
    response = client.post(reverse("accounts:two-factor"), {"code": code_for(enrolled), "next": "/"})
    assert response["Location"] == "/"
    assert client.get(reverse("reviews:dashboard")).status_code == 200
    assert actions(actor=manager)[-1] == "two_factor.verified"


def test_wrong_code_is_refused_and_audited(client, manager, enrolled):
    sign_in(client, manager)
    response = client.post(reverse("accounts:two-factor"), {"code": code_for(enrolled, steps_ago=10)})
    assert response.status_code == 200
    assert error_summary(response) == {"Enter the 6-digit code shown in your authenticator app now": "id_code"}
    event = AuditEvent.objects.filter(action="two_factor.failed").get()
    assert event.actor == manager
    assert event.data["reason"] == "wrong code"


def test_a_code_cannot_be_used_twice(manager, enrolled):
    code = code_for(enrolled)
    first = Client()
    sign_in(first, manager)
    assert first.post(reverse("accounts:two-factor"), {"code": code})["Location"] == "/"
    second = Client()
    sign_in(second, manager)
    response = second.post(reverse("accounts:two-factor"), {"code": code})
    assert response.status_code == 200
    assert "Enter the 6-digit code shown in your authenticator app now" in error_summary(response)


def test_wrong_codes_in_a_row_make_the_user_wait(client, manager, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    sign_in(client, manager)
    client.post(reverse("accounts:two-factor"), {"code": code_for(enrolled, steps_ago=10)})
    response = client.post(reverse("accounts:two-factor"), {"code": code_for(enrolled)})  # right, but too soon
    assert "You entered a wrong code too many times" in next(iter(error_summary(response)))
    assert AuditEvent.objects.filter(action="two_factor.failed").last().data["reason"] == "too many wrong codes"


# -- Before the code is entered, nothing else opens ----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["reviews:dashboard", "reviews:new", "accounts:agencies", "accounts:sign-out-everywhere"]
)
def test_pages_before_the_code_send_the_user_to_the_two_factor_step(manager, enrolled, name):
    client = Client()
    client.force_login(manager)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor") + "?next=")


def test_admin_before_the_code_sends_the_user_to_the_two_factor_step(manager):
    manager.is_staff = manager.is_superuser = True
    manager.save()
    client = Client()
    client.force_login(manager)
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:two-factor"))


def test_sign_out_works_before_the_code(manager, enrolled):
    client = Client()
    sign_in(client, manager)
    assert client.post(reverse("accounts:sign-out"))["Location"] == reverse("accounts:sign-in")
    assert not signed_in_user(client).is_authenticated
    assert "sign_out" in actions(actor=manager)


def test_api_refuses_a_session_before_the_code_but_not_a_bearer_token(manager, enrolled):
    client = Client()
    client.force_login(manager)
    response = api_call(client, "GET", "/api/reviews")
    assert response.status_code == 401
    assert api_call(bearer(manager), "GET", "/api/reviews").status_code == 200
    assert api_call(signed_in(manager), "GET", "/api/reviews").status_code == 200


# -- Who needs it ----------------------------------------------------------------------------------------


def test_worker_signs_in_with_a_password_alone(client, board, manager):
    worker = UserFactory(full_name="Wendy Worker")
    grant(worker, Role.WORKER, board, review=referred_review(board, manager))
    response = sign_in(client, worker)
    assert response["Location"] == reverse("reviews:dashboard")
    assert client.get(reverse("reviews:dashboard")).status_code == 200
    assert api_call(client, "GET", "/api/reviews").status_code == 200
    assert AuditEvent.objects.get(action="sign_in.succeeded").data["two_factor"] == "not needed"


def test_worker_who_also_holds_a_staff_role_needs_the_code(client, board, manager):
    worker = UserFactory(full_name="Wendy Worker")
    grant(worker, Role.WORKER, board, review=referred_review(board, manager))
    grant(worker, Role.BOARD_MEMBER, board)
    assert sign_in(client, worker)["Location"].startswith(reverse("accounts:two-factor-setup"))


def test_user_with_no_role_needs_the_code(client, outsider):
    assert sign_in(client, outsider)["Location"].startswith(reverse("accounts:two-factor-setup"))


def test_roles_that_need_it_are_a_setting(client, manager, settings):
    settings.CASEREVIEW_TWO_FACTOR_ROLES = ["panel_chair"]
    assert sign_in(client, manager)["Location"] == reverse("reviews:dashboard")


def test_two_factor_switched_off_needs_no_code(client, manager, enrolled, settings):
    settings.CASEREVIEW_TWO_FACTOR = False
    assert sign_in(client, manager)["Location"] == reverse("reviews:dashboard")
    assert client.get(reverse("reviews:dashboard")).status_code == 200
    assert client.get(reverse("accounts:two-factor"))["Location"] == reverse("reviews:dashboard")


# -- Failed sign-ins and lockout -------------------------------------------------------------------------


def test_failed_sign_in_is_audited_with_the_email_and_never_the_password(client, manager):
    sign_in(client, manager, password="wrong-password-123")
    event = AuditEvent.objects.get(action="sign_in.failed")
    assert event.data == {"email": manager.email, "reason": "wrong email or password"}
    assert event.object_id == str(manager.pk)
    assert "wrong-password-123" not in str(event.data)


def test_failed_sign_in_with_an_unknown_email_is_audited(client, db):
    client.post(reverse("accounts:sign-in"), {"username": "nobody@example.org", "password": "guess-guess-1"})
    event = AuditEvent.objects.get(action="sign_in.failed")
    assert event.data["email"] == "nobody@example.org"
    assert event.actor is None


def test_blank_sign_in_form_is_not_an_attempt(client, db):
    client.post(reverse("accounts:sign-in"), {"username": "", "password": ""})
    assert not AuditEvent.objects.filter(action="sign_in.failed").exists()
    assert not AccessAttempt.objects.exists()


def test_five_wrong_passwords_lock_the_account_for_30_minutes_and_are_audited(client, manager):
    for _ in range(4):
        assert sign_in(client, manager, password="wrong-password-123").status_code == 200
    locked = sign_in(client, manager, password="wrong-password-123")
    assert locked.status_code == 429
    assert page(locked).find("h1").text == "You cannot sign in for 30 minutes"
    event = AuditEvent.objects.get(action="sign_in.locked_out")
    assert event.data == {"email": manager.email, "failures": 5, "minutes": 30}
    # The right password no longer works, and the refusal is audited as such.
    refused = sign_in(client, manager)
    assert refused.status_code == 429
    assert not signed_in_user(client).is_authenticated
    assert AuditEvent.objects.filter(action="sign_in.failed").last().data["reason"] == "locked out"
    assert AuditEvent.objects.filter(action="sign_in.locked_out").count() == 1


def test_lockout_is_keyed_on_the_email_not_the_address(manager, chair):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        sign_in(client, manager, password="wrong-password-123")
    assert sign_in(client, manager).status_code == 429
    # Someone else at the same address still signs in.
    assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), chair).status_code == 302


def test_lockout_limit_is_a_setting(client, manager, settings):
    settings.AXES_FAILURE_LIMIT = 2
    sign_in(client, manager, password="wrong-password-123")
    assert sign_in(client, manager, password="wrong-password-123").status_code == 429


def test_lockout_ends_after_the_cool_off(client, manager):
    for _ in range(5):
        sign_in(client, manager, password="wrong-password-123")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31))
    assert sign_in(client, manager).status_code == 302


def test_force_login_works_with_axes(manager):
    """Tests sign in with force_login, which never calls authenticate: axes must not get in the way."""
    assert signed_in(manager).get(reverse("reviews:dashboard")).status_code == 200


# -- Idle expiry -----------------------------------------------------------------------------------------


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_session_ends_after_30_minutes_without_a_request(manager):
    client = signed_in(manager)
    assert client.get(reverse("reviews:dashboard")).status_code == 200
    _age_session(client, **{LAST_SEEN: 32 * 60})
    response = client.get(reverse("accounts:agencies"))
    assert response["Location"] == f"{reverse('accounts:sign-in')}?next=/accounts/agencies/"
    notice = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity" in notice
    assert not signed_in_user(client).is_authenticated


def test_session_with_recent_activity_stays(manager):
    client = signed_in(manager)
    client.get(reverse("reviews:dashboard"))
    _age_session(client, **{LAST_SEEN: 29 * 60})
    assert client.get(reverse("accounts:agencies")).status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5  # the request counts as activity


def test_idle_minutes_are_a_setting(manager, settings):
    settings.CASEREVIEW_IDLE_MINUTES = 5
    client = signed_in(manager)
    client.get(reverse("reviews:dashboard"))
    _age_session(client, **{LAST_SEEN: 7 * 60})
    response = client.get(reverse("reviews:dashboard"))
    assert "You were signed out after 5 minutes without activity" in client.get(response["Location"]).content.decode()


def test_session_ends_at_the_absolute_cap_even_when_active(manager, settings):
    client = signed_in(manager)
    client.get(reverse("reviews:dashboard"))
    _age_session(client, **{SIGNED_IN_AT: settings.SESSION_COOKIE_AGE + 60, LAST_SEEN: 0})
    assert client.get(reverse("reviews:dashboard"))["Location"].startswith(reverse("accounts:sign-in"))


def test_idle_api_session_answers_401(manager):
    client = signed_in(manager)
    client.get(reverse("reviews:dashboard"))
    _age_session(client, **{LAST_SEEN: 32 * 60})
    assert api_call(client, "GET", "/api/reviews").status_code == 401


# -- Sign out everywhere ---------------------------------------------------------------------------------


def test_sign_out_everywhere_ends_every_session_and_is_audited(manager, chair):
    laptop, phone, chairs = signed_in(manager), signed_in(manager), signed_in(chair)
    page_ = laptop.get(reverse("accounts:sign-out-everywhere"))
    assert page(page_).find("h1").text == "Sign out everywhere"
    response = laptop.post(reverse("accounts:sign-out-everywhere"))
    assert response["Location"] == reverse("accounts:sign-in")
    assert "You have been signed out on every device" in laptop.get(response["Location"]).content.decode()
    for client in (laptop, phone):
        assert not signed_in_user(client).is_authenticated
        assert api_call(client, "GET", "/api/reviews").status_code == 401
    assert chairs.get(reverse("reviews:dashboard")).status_code == 200  # other people stay signed in
    assert actions(actor=manager)[-1] == "sign_out.everywhere"
    # Signing in again works as before.
    manager.refresh_from_db()
    assert signed_in(manager).get(reverse("reviews:dashboard")).status_code == 200


def test_sign_out_everywhere_is_post_to_change_and_needs_the_csrf_token(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    two_factor_verified(client, manager)
    assert client.post(reverse("accounts:sign-out-everywhere")).status_code == 403
    assert signed_in_user(client) == manager


def test_footer_links_to_sign_out_everywhere(manager):
    content = signed_in(manager).get(reverse("reviews:dashboard")).content.decode()
    assert f'href="{reverse("accounts:sign-out-everywhere")}"' in content


def test_sign_out_is_audited(manager):
    client = signed_in(manager)
    client.post(reverse("accounts:sign-out"))
    assert actions(actor=manager) == ["sign_out"]


# -- The demo --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("two_factor", [False, True])
def test_demo_says_whether_two_factor_is_on_and_its_sign_ins_work(db, settings, two_factor):
    from io import StringIO

    from django.core.management import call_command

    from casereview.core.management.commands.demo import DEMO_PASSWORD

    settings.CASEREVIEW_TWO_FACTOR = two_factor
    out = StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()
    assert ("Two-factor sign-in is on" in printed) is two_factor
    assert ("Two-factor sign-in is off in this demo" in printed) is not two_factor
    client = Client()
    response = client.post(
        reverse("accounts:sign-in"), {"username": "manager@northbridge.example", "password": DEMO_PASSWORD}
    )
    expected = reverse("accounts:two-factor-setup") if two_factor else reverse("reviews:dashboard")
    assert response["Location"].split("?")[0] == expected
