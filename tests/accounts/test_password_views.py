"""The pages of the e-mailed link to set a password, and of "Forgotten your password?"."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from casereview.accounts.models import User
from casereview.accounts.services import password_link
from casereview.audit.models import AuditEvent
from tests.factories import UserFactory
from tests.web import error_summary, field_error, page

NEW_PASSWORD = "a-long-new-passphrase-42"


@pytest.fixture
def newcomer(db):
    user = User(email="nia@example.org", full_name="Nia New")
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def link(newcomer):
    return urlsplit(password_link(newcomer)).path


def test_sign_in_page_links_to_forgotten_password(client, db):
    doc = page(client.get(reverse("accounts:sign-in")))

    links = {a.text: a.attrs["href"] for a in doc.find_all("a")}
    assert links["Forgotten your password?"] == reverse("accounts:password-reset")


def test_set_password_page_shows_the_form_and_the_rules(client, link):
    response = client.get(link)

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("h1").text == "Set your password"
    assert doc.find(id="id_password").attrs["autocomplete"] == "new-password"
    assert doc.find(id="id_password-hint").text == (
        "Use at least 12 characters. Do not use a common password, only numbers, or something like your name or "
        "email address."
    )


def test_set_password_shows_errors_with_the_govuk_error_summary(client, link, newcomer):
    response = client.post(link, {"password": "short", "password_again": "different"})

    assert response.status_code == 200
    summary = error_summary(response)
    assert summary["Enter a password that is at least 12 characters long"] == "id_password"
    assert summary["Enter the same password in both boxes"] == "id_password_again"
    assert field_error(response, "id_password") == "Enter a password that is at least 12 characters long"
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


def test_set_password_asks_for_both_boxes(client, link):
    summary = error_summary(client.post(link, {"password": "", "password_again": ""}))

    assert summary == {"Enter a password": "id_password", "Enter the password again": "id_password_again"}


def test_set_password_says_when_the_boxes_differ(client, link):
    response = client.post(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"})

    assert error_summary(response) == {"Enter the same password in both boxes": "id_password_again"}


def test_setting_the_password_sends_the_user_to_sign_in_with_a_message(client, link, newcomer):
    response = client.post(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("accounts:sign-in"), 302)]
    assert "Your password is set" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)


def test_a_used_link_gets_a_page_saying_what_to_do(client, link):
    client.post(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    response = client.get(link)

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("h1").text == "This link has expired or has already been used"
    hrefs = {a.attrs["href"] for a in doc.find_all("a")}
    assert {reverse("accounts:password-reset"), reverse("accounts:sign-in")} <= hrefs
    assert doc.find_all(id="id_password") == []


def test_posting_to_a_wrong_link_changes_nothing(client, newcomer):
    url = reverse("accounts:set-password", kwargs={"uidb64": "MQ", "token": "made-up"})

    response = client.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert "expired or has already been used" in response.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()
    assert not AuditEvent.objects.filter(action="password.set").exists()


def test_setting_a_password_in_a_browser_signed_in_as_someone_else_signs_them_out(link, newcomer, manager, client_for):
    client = client_for(manager)

    response = client.post(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert response["Location"] == reverse("accounts:sign-in")
    assert client.get(reverse("accounts:sign-in")).status_code == 200  # not sent on to the manager's dashboard


# --- Forgotten your password? ---------------------------------------------------------------------------


def test_password_reset_page_has_a_back_link_to_sign_in(client, db):
    doc = page(client.get(reverse("accounts:password-reset")))

    assert doc.find("a", cls="govuk-back-link").attrs["href"] == reverse("accounts:sign-in")
    assert doc.find("h1").text == "Reset your password"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not-an-email", "Enter an email address in the correct format, like name@example.com"),
    ],
)
def test_password_reset_shows_errors_with_the_govuk_error_summary(client, db, email, message):
    response = client.post(reverse("accounts:password-reset"), {"email": email})

    assert error_summary(response) == {message: "id_email"}
    assert field_error(response, "id_email") == message


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    client, newcomer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("accounts:password-reset"), {"email": "NIA@example.org"}, follow=True)
        unknown = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("accounts:password-reset-sent"), 302)]
    assert known.content == unknown.content
    assert "If that address has an account, we have sent a link" in known.content.decode()
    assert [message.to for message in mailoutbox] == [["nia@example.org"]]


def test_password_reset_link_from_the_email_opens_the_set_password_page(
    client, newcomer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "nia@example.org"})
    path = urlsplit(next(word for word in mailoutbox[0].body.split() if "/set-password/" in word)).path

    assert page(client.get(path)).find("h1").text == "Set your password"


def test_a_second_request_within_five_minutes_sends_nothing_but_answers_the_same(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="sam@example.org", password_link_sent_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "sam@example.org"})

    assert response["Location"] == reverse("accounts:password-reset-sent")
    assert mailoutbox == []
