"""A new person's first visit in Chromium: the invitation link, setting a password, signing in with an
authenticator app; then "Forgotten your password?" and a used link. Every page is checked with axe."""

import base64
import re
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from casereview.accounts.models import Board, Role, User
from casereview.accounts.services import membership_grant, two_factor_reset, user_find_or_invite

PASSWORD = "correct-horse-battery-2026"
NEW_PASSWORD = "a-long-new-passphrase-42"


@pytest.fixture
def board(transactional_db) -> Board:
    return Board.objects.create(name="Westmoor Safeguarding Children Board", short_name="WSCB")


@pytest.fixture
def manager(board) -> User:
    user = User.objects.create_user("manager@westmoor.example", PASSWORD, full_name="Wyn Manager")
    membership_grant(actor=None, user=user, role=Role.BOARD_MANAGER, board=board)
    return user


def link_in(message) -> str:
    """The path of the set-password link in an e-mail."""
    url = re.search(r"https?://\S+/accounts/set-password/\S+/", message.body).group(0)
    return urlsplit(url).path


def set_password(page, password: str, again: str) -> None:
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("Confirm new password").fill(again)
    page.get_by_role("button", name="Set password").click()


def sign_in(page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def set_up_authenticator_app(page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    key = page.locator("#setup-key").inner_text().replace(" ", "")
    code = TOTP(base64.b32decode(key + "=" * (-len(key) % 8))).token()
    page.get_by_label("Code").fill(f"{code:06d}")
    page.get_by_role("button", name="Continue").click()


def test_invited_person_sets_a_password_and_signs_in(page, visit, assert_accessible, board, manager, mailoutbox):
    with transaction.atomic():
        newcomer, created = user_find_or_invite(
            actor=manager, board=board, email="Nia.New@westmoor.example", full_name="Nia New"
        )
        membership_grant(actor=manager, user=newcomer, role=Role.BOARD_MEMBER, board=board)
    assert created and len(mailoutbox) == 1
    link = link_in(mailoutbox[0])

    visit(page, link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")

    set_password(page, "short", "different")
    expect(page).to_have_title(re.compile(r"^Error: Set your password"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a password that is at least 12 characters long")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the same password in both boxes")
    assert_accessible(page)

    set_password(page, NEW_PASSWORD, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Casereview")
    expect(page.get_by_text("Your password is set")).to_be_visible()
    assert_accessible(page)

    sign_in(page, "nia.new@westmoor.example", NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    assert_accessible(page)
    set_up_authenticator_app(page)
    expect(page).to_have_url(re.compile(r"/$"))
    assert_accessible(page)

    # The link has been used: opening it again says what to do.
    visit(page, link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired or has already been used")


def test_forgotten_password_then_a_reset_authenticator(page, visit, assert_accessible, board, manager, mailoutbox):
    TOTPDevice.objects.create(user=manager, name="Authenticator app", confirmed=True)
    two_factor_reset(actor=manager, user=manager)  # a lost phone: the next sign-in sets up a new app
    mailoutbox.clear()

    visit(page, "/accounts/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(page)

    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    assert_accessible(page)

    page.get_by_label("Email address").fill("Manager@Westmoor.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_text("If that address has an account, we have sent a link")).to_be_visible()
    assert_accessible(page)
    assert [message.to for message in mailoutbox] == [["manager@westmoor.example"]]

    visit(page, link_in(mailoutbox[0]))
    set_password(page, NEW_PASSWORD, NEW_PASSWORD)
    sign_in(page, manager.email, NEW_PASSWORD)
    set_up_authenticator_app(page)
    expect(page).to_have_url(re.compile(r"/$"))

    visit(page, "/accounts/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    page.get_by_role("link", name="Reset authenticator of Wyn Manager").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset Wyn Manager's authenticator app")
    assert_accessible(page)
