"""End to end in Chromium: the board manager appoints to the panel, an appointment is refused for a conflict the
independence check finds, the board chair overrides it, and the appointment goes through.

Two-factor sign-in is switched off here: tests/e2e/test_sign_in.py covers it. Every page reached is checked with
axe-core (WCAG 2.2 A/AA).
"""

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from casereview.accounts.models import AgencyKind, Board, Role, User
from casereview.accounts.services import agency_create, membership_grant
from casereview.panel.models import Appointment, IndependenceConflict, Position
from casereview.reviews.models import Review
from casereview.reviews.services import person_add
from tests.factories import decided_review

PASSWORD = "correct-horse-battery-2026"


@dataclass(frozen=True)
class World:
    review: Review
    manager: User
    chair: User


@pytest.fixture
def world(transactional_db, settings) -> World:
    settings.CASEREVIEW_TWO_FACTOR = False
    board = Board.objects.create(name="Westmoor Safeguarding Children Board", short_name="WSCB")
    manager = User.objects.create_user("manager@westmoor.example", PASSWORD, full_name="Mary Manager")
    chair = User.objects.create_user("chair@westmoor.example", PASSWORD, full_name="Charles Chair")
    membership_grant(actor=None, user=manager, role=Role.BOARD_MANAGER, board=board)
    membership_grant(actor=None, user=chair, role=Role.BOARD_CHAIR, board=board)
    agency_create(actor=manager, board=board, name="Westshire Police", kind=AgencyKind.POLICE)
    review = decided_review(board, manager, chair)
    person_add(
        actor=manager, review=review, full_name="Connor Hale", relationship="step_parent", pseudonym="Stepfather"
    )
    return World(review, manager, chair)


def sign_in(page, user: User) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Casereview")


def appoint(page, email: str, full_name: str, position: str, agency: str | None = None) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Full name (if they have no account yet)").fill(full_name)
    page.get_by_label(position, exact=True).check()
    if agency:
        page.get_by_label("Agency they represent").select_option(label=agency)
    page.get_by_role("button", name="Appoint").click()


def test_manager_appoints_a_conflict_is_refused_and_the_chair_overrides_it(page, visit, assert_accessible, world):
    panel = f"/reviews/{world.review.pk}/panel/"
    sign_in(page, world.manager)
    visit(page, panel)
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel and independence")
    expect(page.get_by_role("cell", name="Not filled").first).to_be_visible()

    # A representative of the police, with no conflict.
    page.get_by_role("button", name="Appoint someone").or_(page.get_by_role("link", name="Appoint someone")).click()
    assert_accessible(page)
    appoint(page, "pia@westshire.example", "Pia Police", "Agency representative", "Westshire Police")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Pia Police appointed as agency representative")
    assert_accessible(page)

    # Someone named like the stepfather on the people register: refused, the conflict named, nothing appointed.
    page.get_by_role("link", name="Appoint someone").or_(page.get_by_role("button", name="Appoint someone")).click()
    appoint(page, "connor@westmoor.example", "Connor Hale", "Lead reviewer")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Connor Hale cannot be appointed")
    expect(summary).to_contain_text("Their name matches Stepfather (step-parent or parent's partner) on the people")
    assert_accessible(page)
    assert not Appointment.objects.filter(position=Position.LEAD_REVIEWER).exists()
    visit(page, panel)
    expect(page.get_by_text("1 conflict needs a decision")).to_be_visible()
    sign_out(page)

    # The board chair overrides it with a reason.
    sign_in(page, world.chair)
    visit(page, panel)
    page.get_by_role("link", name="Override the conflict found for Connor Hale").click()
    assert_accessible(page)
    page.get_by_role("button", name="Override the conflict").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the conflict does not stop them")
    assert_accessible(page)
    page.get_by_label("Why does this conflict not stop them taking part?").fill("A different Connor Hale")
    page.get_by_role("button", name="Override the conflict").click()
    expect(page.get_by_role("cell", name="A different Connor Hale")).to_be_visible()
    assert_accessible(page)
    assert IndependenceConflict.objects.get().overridden_by == world.chair
    sign_out(page)

    # Now the appointment goes through.
    sign_in(page, world.manager)
    visit(page, f"/reviews/{world.review.pk}/panel/appoint/")
    appoint(page, "connor@westmoor.example", "", "Lead reviewer")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Connor Hale appointed as lead reviewer")
    assert_accessible(page)
    assert Appointment.objects.get(position=Position.LEAD_REVIEWER).user.full_name == "Connor Hale"
