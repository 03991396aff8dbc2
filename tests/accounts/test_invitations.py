"""Accounts for new people: finding or inviting a user, the e-mailed link to set a password, and asking again."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casereview.accounts.models import Role, User
from casereview.accounts.selectors import user_for_password_link
from casereview.accounts.services import (
    EMAIL_FORMAT,
    PASSWORD_RESET_EVERY,
    password_link,
    password_reset_request,
    password_set_with_link,
    user_find_or_invite,
)
from casereview.audit.models import AuditEvent
from casereview.core.errors import Invalid, NotAllowed
from tests.factories import AgencyFactory, UserFactory, grant, referred_review

NEW_PASSWORD = "a-long-new-passphrase-42"


def invite(actor, board, **overrides):
    details = {"email": "new.person@example.org", "full_name": "Nia New", "job_title": "Designated nurse"}
    return user_find_or_invite(actor=actor, board=board, **(details | overrides))


def link_path(message) -> str:
    """The path of the set-password link in an e-mail."""
    urls = re.findall(r"https?://\S+/accounts/set-password/\S+/", message.body)
    assert len(urls) == 1, message.body
    return urlsplit(urls[0]).path


def link_parts(path: str) -> dict[str, str]:
    uidb64, token = path.removeprefix("/accounts/set-password/").strip("/").split("/")
    return {"uidb64": uidb64, "token": token}


# --- Finding or inviting ------------------------------------------------------------------------------


def test_invite_creates_an_account_without_a_usable_password_and_audits_it(board, manager):
    user, created = invite(manager, board)

    assert created
    assert (user.email, user.full_name, user.job_title, user.is_active) == (
        "new.person@example.org",
        "Nia New",
        "Designated nurse",
        True,
    )
    assert not user.has_usable_password()
    event = AuditEvent.objects.get(action="user.invited")
    assert (event.actor, event.board, event.object_id) == (manager, board, str(user.pk))
    assert event.data == {"email": "new.person@example.org", "full_name": "Nia New", "job_title": "Designated nurse"}


def test_invite_finds_an_existing_user_whatever_the_case_and_spaces_of_the_email(board, manager):
    existing = UserFactory(email="pat.panel@example.org", full_name="Pat Panel")

    user, created = invite(manager, board, email="  Pat.PANEL@Example.org ", full_name="Somebody Else")

    assert (user, created) == (existing, False)
    assert User.objects.get(pk=existing.pk).full_name == "Pat Panel"  # not renamed by whoever typed it
    assert not AuditEvent.objects.filter(action="user.invited").exists()


def test_finding_an_existing_user_sends_no_email(board, manager, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="pat.panel@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        invite(manager, board, email="pat.panel@example.org")

    assert mailoutbox == []


def test_invite_stores_the_email_in_lower_case_and_trims_the_name(board, manager):
    user, _created = invite(manager, board, email=" New.Person@EXAMPLE.org", full_name="  Nia New  ", job_title=" ")

    assert (user.email, user.full_name, user.job_title) == ("new.person@example.org", "Nia New", "")


def test_invite_refuses_a_closed_account(board, manager, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="gone@example.org", is_active=False)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Invalid) as caught:
        invite(manager, board, email="GONE@example.org")

    assert caught.value.errors == {"email": "This person's account is closed: ask the board manager to reopen it"}
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("email", "full_name", "errors"),
    [
        ("", "Nia New", {"email": EMAIL_FORMAT}),
        ("not an address", "Nia New", {"email": EMAIL_FORMAT}),
        ("nia@", "Nia New", {"email": EMAIL_FORMAT}),
        ("nia@example.org", "   ", {"full_name": "Enter the person's full name"}),
        ("", "", {"email": EMAIL_FORMAT, "full_name": "Enter the person's full name"}),
        ("nia\x00@example.org", "Nia New", {"email": "Remove the null character from the email address"}),
        ("nia@example.org", "Nia\x00 New", {"full_name": "Remove the null character from the full name"}),
        ("nia@example.org", "N" * 201, {"full_name": "Full name must be 200 characters or fewer"}),
        ("n" * 250 + "@example.org", "Nia New", {"email": "Email address must be 254 characters or fewer"}),
    ],
)
def test_invite_refuses_invalid_details_and_saves_nothing(board, manager, email, full_name, errors):
    users = User.objects.count()

    with pytest.raises(Invalid) as caught:
        invite(manager, board, email=email, full_name=full_name)

    assert caught.value.errors == errors
    assert User.objects.count() == users
    assert not AuditEvent.objects.filter(action="user.invited").exists()


def test_invite_refuses_a_job_title_too_long(board, manager):
    with pytest.raises(Invalid) as caught:
        invite(manager, board, job_title="x" * 201)

    assert caught.value.errors == {"job_title": "Job title must be 200 characters or fewer"}


@given(email=st.text(max_size=60), full_name=st.text(max_size=60))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_invite_either_makes_a_valid_user_or_says_what_to_fix(board, manager, email, full_name):
    try:
        user, _created = invite(manager, board, email=email, full_name=full_name)
    except Invalid as error:
        assert set(error.errors) <= {"email", "full_name"}
        assert all(message for message in error.errors.values())
    else:
        assert user.email == user.email.strip().lower() and "\x00" not in user.email
        assert user.full_name.strip() and "\x00" not in user.full_name


@pytest.mark.parametrize("role", [Role.BOARD_CHAIR, Role.BOARD_MEMBER, Role.PANEL_CHAIR, Role.IMR_AUTHOR])
def test_anyone_with_a_role_on_the_board_may_invite(board, manager, role):
    review = referred_review(board, manager)
    actor = UserFactory()
    if role in (Role.BOARD_CHAIR, Role.BOARD_MEMBER):
        grant(actor, role, board)
    elif role == Role.PANEL_CHAIR:
        grant(actor, role, board, review=review)
    else:
        grant(actor, role, board, review=review, agency=AgencyFactory(board=board))

    assert invite(actor, board)[1]


@pytest.mark.parametrize("who", ["other_manager", "outsider"])
def test_nobody_without_a_role_on_the_board_may_invite_or_even_look_up(request, board, who):
    UserFactory(email="pat.panel@example.org")

    with pytest.raises(NotAllowed):
        invite(request.getfixturevalue(who), board)
    with pytest.raises(NotAllowed):
        invite(request.getfixturevalue(who), board, email="pat.panel@example.org")
    assert not User.objects.filter(email="new.person@example.org").exists()


# --- The invitation e-mail ----------------------------------------------------------------------------


def test_the_invitation_is_emailed_only_after_the_commit_and_names_the_board_only(
    board, manager, mailoutbox, django_capture_on_commit_callbacks
):
    review = referred_review(board, manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(manager, board)
    assert mailoutbox == []  # nothing is sent for a transaction that might still be rolled back

    for callback in callbacks:
        callback()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.person@example.org"]
    assert board.name in message.subject and board.name in message.body
    assert manager.full_name in message.body
    assert review.reference not in message.body and review.subject_pseudonym not in message.body
    assert link_path(message).startswith("/accounts/set-password/")
    assert message.body.count("http://testserver") == 0 and "http://127.0.0.1:8000/accounts/" in message.body


def test_no_invitation_is_sent_when_the_callers_transaction_fails(
    board, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        invite(manager, board)
        raise RuntimeError("the panel appointment failed")

    assert mailoutbox == []
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_the_link_uses_the_base_url_setting(board, manager, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.CASEREVIEW_BASE_URL = "https://casereview.example.gov.uk/"

    with django_capture_on_commit_callbacks(execute=True):
        invite(manager, board)

    assert "https://casereview.example.gov.uk/accounts/set-password/" in mailoutbox[0].body


def test_a_mail_server_that_is_down_does_not_undo_the_invitation(
    board, manager, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.accounts.test_invitations.BrokenBackend"}}

    with django_capture_on_commit_callbacks(execute=True):
        user, created = invite(manager, board)

    assert created and User.objects.filter(pk=user.pk).exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


# --- The link: set a password -------------------------------------------------------------------------


@pytest.fixture
def invited(board, manager, mailoutbox, django_capture_on_commit_callbacks):
    """A new user and the path of the link in their invitation."""
    with django_capture_on_commit_callbacks(execute=True):
        user, _created = invite(manager, board)
    return user, link_path(mailoutbox[-1])


def test_the_emailed_link_sets_the_password_and_then_the_user_can_sign_in(invited):
    user, path = invited
    client = Client()

    response = client.post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    signed_in = client.post("/accounts/sign-in/", {"username": user.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"].startswith("/accounts/two-factor/set-up/")
    event = AuditEvent.objects.get(action="password.set")
    assert (event.actor, event.object_id, event.data) == (
        user,
        str(user.pk),
        {"first_password": True, "unlocked": False},
    )


def test_the_link_works_only_once(invited):
    user, path = invited
    password_set_with_link(**link_parts(path), password=NEW_PASSWORD, password_again=NEW_PASSWORD)

    with pytest.raises(Invalid) as caught:
        password_set_with_link(
            **link_parts(path), password="another-long-pass-99", password_again="another-long-pass-99"
        )

    assert "expired or has already been used" in caught.value.message
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_link_expires_after_the_password_reset_timeout(invited, settings, monkeypatch):
    user, path = invited
    later = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)

    assert user_for_password_link(**link_parts(path)) is None
    with pytest.raises(Invalid):
        password_set_with_link(**link_parts(path), password=NEW_PASSWORD, password_again=NEW_PASSWORD)


def test_the_link_still_works_just_before_it_expires(invited, settings, monkeypatch):
    user, path = invited
    later = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)

    assert user_for_password_link(**link_parts(path)) == user


@pytest.mark.parametrize(
    ("uidb64", "token"),
    [("MQ", "wrong-token"), ("!!!", "x"), ("", ""), ("OTk5OTk5OQ", "abc-def"), ("bm90LWEtbnVtYmVy", "abc")],
)
def test_a_made_up_link_finds_nobody(db, uidb64, token):
    assert user_for_password_link(uidb64, token) is None


def test_the_link_of_a_closed_account_does_not_work(invited):
    user, path = invited
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert user_for_password_link(**link_parts(path)) is None


@pytest.mark.parametrize(
    ("password", "again", "field", "message"),
    [
        ("", "", "password", "Enter a password"),
        (NEW_PASSWORD, "something-else-entirely", "password_again", "Enter the same password in both boxes"),
        ("short-1", "short-1", "password", "Enter a password that is at least 12 characters long"),
        (
            "password1234",
            "password1234",
            "password",
            "Enter a password that is harder to guess: this one is commonly used",
        ),
        ("123456789012345", "123456789012345", "password", "Enter a password that is not only numbers"),
        (
            "nia.new@example",
            "nia.new@example",
            "password",
            "Enter a password that is not like your name or email address",
        ),
        ("a-long-pass\x00word", "a-long-pass\x00word", "password", "Remove the null character"),
    ],
)
def test_set_password_applies_the_password_rules(invited, password, again, field, message):
    user, path = invited

    with pytest.raises(Invalid) as caught:
        password_set_with_link(**link_parts(path), password=password, password_again=again)

    assert message in caught.value.errors[field]
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert user_for_password_link(**link_parts(path)) == user  # the link still works after a refused password


def test_setting_a_password_ends_every_other_session(board, manager, client_for):
    user = UserFactory(email="sam@example.org", full_name="Sam Someone")
    grant(user, Role.BOARD_MEMBER, board)
    elsewhere = client_for(user)
    assert elsewhere.get("/").status_code == 200
    token_before = user.session_token

    password_set_with_link(
        **link_parts(urlsplit(password_link(user)).path), password=NEW_PASSWORD, password_again=NEW_PASSWORD
    )

    user.refresh_from_db()
    assert user.session_token != token_before
    response = elsewhere.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
    assert SESSION_KEY not in elsewhere.session


# --- Forgotten password -------------------------------------------------------------------------------


def test_password_reset_emails_a_working_link(db, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="sam@example.org", full_name="Sam Someone")

    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email=" SAM@example.org ")

    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["sam@example.org"]
    path = link_path(mailoutbox[0])
    password_set_with_link(**link_parts(path), password=NEW_PASSWORD, password_again=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.get(action="password.set").data == {"first_password": False, "unlocked": False}
    event = AuditEvent.objects.get(action="password_reset.requested")
    assert (event.actor, event.object_id, event.data) == (None, str(user.pk), {"sent": True})


@pytest.mark.parametrize("email", ["nobody@example.org", "", "not an email"])
def test_password_reset_for_an_unknown_address_sends_nothing(db, mailoutbox, django_capture_on_commit_callbacks, email):
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email=email)

    assert mailoutbox == []


def test_password_reset_for_a_closed_account_sends_nothing(db, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="gone@example.org", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email="gone@example.org")

    assert mailoutbox == []


def test_password_reset_sends_at_most_one_email_per_address_every_five_minutes(
    db, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    user = UserFactory(email="sam@example.org")
    start = timezone.now()
    for minutes in (0, 1, 4):
        monkeypatch.setattr(timezone, "now", lambda minutes=minutes: start + timedelta(minutes=minutes))
        with django_capture_on_commit_callbacks(execute=True):
            password_reset_request(email="sam@example.org")
    assert len(mailoutbox) == 1
    assert list(AuditEvent.objects.filter(action="password_reset.requested").values_list("data", flat=True)) == [
        {"sent": True},
        {"sent": False},
        {"sent": False},
    ]

    monkeypatch.setattr(timezone, "now", lambda: start + PASSWORD_RESET_EVERY)
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email="sam@example.org")

    assert len(mailoutbox) == 2
    user.refresh_from_db()
    assert user.password_link_sent_at == start + PASSWORD_RESET_EVERY


def test_a_new_invitation_counts_towards_the_limit(board, manager, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(manager, board)
        password_reset_request(email="new.person@example.org")

    assert len(mailoutbox) == 1


def test_an_invited_user_whose_link_expired_can_ask_for_a_new_one(
    board, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user, _created = invite(manager, board)
    User.objects.filter(pk=user.pk).update(password_link_sent_at=timezone.now() - timedelta(days=4))

    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email="new.person@example.org")

    assert len(mailoutbox) == 2
    password_set_with_link(**link_parts(link_path(mailoutbox[1])), password=NEW_PASSWORD, password_again=NEW_PASSWORD)


def test_a_new_password_ends_a_lockout_of_the_address(db, client, settings):
    user = UserFactory(email="sam@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/sign-in/", {"username": "sam@example.org", "password": "wrong-guess"})
    assert client.post("/accounts/sign-in/", {"username": "sam@example.org", "password": "x"}).status_code == 429

    parts = link_parts(urlsplit(password_link(user)).path)
    password_set_with_link(**parts, password=NEW_PASSWORD, password_again=NEW_PASSWORD)

    response = client.post("/accounts/sign-in/", {"username": "sam@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="password.set").get().data["unlocked"] is True
