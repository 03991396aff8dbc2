"""Two-factor sign-in, the lockout page and sign out everywhere in Chromium, each page checked with axe."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from casereview.accounts.models import Board, Role, User
from casereview.accounts.services import membership_grant

PASSWORD = "correct-horse-battery-2026"


@pytest.fixture
def manager(transactional_db) -> User:
    board = Board.objects.create(name="Westmoor Safeguarding Children Board", short_name="WSCB")
    user = User.objects.create_user("manager@westmoor.example", PASSWORD, full_name="Wyn Manager")
    membership_grant(actor=None, user=user, role=Role.BOARD_MANAGER, board=board)
    return user


def code_of(device: TOTPDevice, steps_ago: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time -= steps_ago * device.step
    return f"{totp.token():06d}"


def sign_in(page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_code_step_wrong_code_then_right_code(page, visit, assert_accessible, manager, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=manager, name="Authenticator app", confirmed=True)
    visit(page, "/accounts/agencies/")
    sign_in(page, manager.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the 6-digit code from your authenticator app")
    assert_accessible(page)
    page.get_by_label("Code").fill(code_of(device, steps_ago=10))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: Enter the 6-digit code"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the 6-digit code shown in your authenticator app now"
    )
    assert_accessible(page)
    page.get_by_label("Code").fill(code_of(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agencies")  # where it was going

    # Sign out everywhere, from the footer.
    page.get_by_role("link", name="Sign out everywhere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign out everywhere")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Casereview")
    expect(page.get_by_text("You have been signed out on every device")).to_be_visible()
    assert_accessible(page)


def test_lockout_page(page, visit, assert_accessible, manager):
    visit(page, "/accounts/sign-in/")
    for _ in range(5):
        sign_in(page, manager.email, "not-the-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in for 30 minutes")
    assert_accessible(page)
