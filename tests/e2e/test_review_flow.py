"""End to end in Chromium: a referral recorded, completed and sent to the chair, who decides to hold a review.

Every page reached is checked with axe-core (WCAG 2.2 A/AA), and the pages are driven the way a user
would: by their labels, roles and the keyboard. Also: the sign-in page by keyboard alone, and the
referral form with JavaScript switched off.
"""

import base64
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import expect

from casereview.accounts.models import AgencyKind, Board, Role, User
from casereview.accounts.services import agency_create, membership_grant

PASSWORD = "correct-horse-battery-2026"
BOARD_NAME = "Eastmoor Safeguarding Children Board"
SUBJECT = "Child D"
CHILD_DIED_GROUND = "A child has died and abuse or neglect is known or suspected to be a factor in the death"


@dataclass(frozen=True)
class Staff:
    board: Board
    manager: User
    chair: User


@pytest.fixture
def staff(transactional_db) -> Staff:
    """A board with a board manager, a board chair and a few agencies, built through the services."""
    board = Board.objects.create(name=BOARD_NAME, short_name="ESCB")
    manager = User.objects.create_user("manager@eastmoor.example", PASSWORD, full_name="Mary Manager")
    chair = User.objects.create_user("chair@eastmoor.example", PASSWORD, full_name="Charles Chair")
    membership_grant(actor=None, user=manager, role=Role.BOARD_MANAGER, board=board)
    membership_grant(actor=None, user=chair, role=Role.BOARD_CHAIR, board=board)
    for name, kind in [
        ("Eastmoor Council Children's Services", AgencyKind.CHILDRENS_SOCIAL_CARE),
        ("Eastmoor Hospitals NHS Trust", AgencyKind.NHS_TRUST),
        ("Eastshire Police", AgencyKind.POLICE),
    ]:
        agency_create(actor=manager, board=board, name=name, kind=kind)
    return Staff(board, manager, chair)


@pytest.fixture
def check(assert_accessible):
    """check(page): the page reached by a click loaded without a JavaScript error and passes axe."""

    def run(page):
        page.wait_for_load_state()
        errors = getattr(page, "casereview_js_errors", [])
        assert not errors, f"JavaScript errors on {page.url}: {errors}"
        assert_accessible(page)

    return run


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def fill_date(page, legend: str, value: date) -> None:
    """Fill a GOV.UK date input: the Day, Month and Year boxes inside the fieldset named by `legend`."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day", exact=True).fill(str(value.day))
    group.get_by_label("Month", exact=True).fill(str(value.month))
    group.get_by_label("Year", exact=True).fill(str(value.year))


def error_summary(page):
    return page.locator(".govuk-error-summary")


def sign_in(page, email: str, password: str, *, two_factor: bool = True, check=None) -> None:
    """Email and password; then, unless told otherwise, the two-factor step (`check` runs on its page)."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if two_factor:
        set_up_authenticator_app(page, check=check)


def set_up_authenticator_app(page, *, check=None, submit_with_enter: bool = False) -> None:
    """Do what a user does with an authenticator app: read the setup key off the page, let the app (django-otp's
    TOTP, with the settings every app uses) make the code, and enter it."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    if check is not None:
        check(page)
    key = page.locator("#setup-key").inner_text().replace(" ", "")
    code = TOTP(base64.b32decode(key + "=" * (-len(key) % 8))).token()
    page.get_by_label("Code").fill(f"{code:06d}")
    if submit_with_enter:
        page.keyboard.press("Enter")
    else:
        page.get_by_role("button", name="Continue").click()


def sign_out(page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Casereview")


def link_button(page, name: str):
    """A link styled as a button: GOV.UK gives it role="button", these pages do not yet. Either will do."""
    return page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))


def sign_in_as_manager_and_refer(page, staff) -> None:
    """Signed in as the board manager, on the empty referral form (used by the shorter tests)."""
    page.goto("/reviews/new/")
    sign_in(page, staff.manager.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a referral")


def open_task(page, name: str) -> None:
    page.locator(".govuk-task-list").get_by_role("link", name=name).click()


def test_referral_to_the_chairs_decision(page, visit, check, staff):
    manager, chair = staff.manager, staff.chair
    referred_on, died_on, notified_on = days_ago(5), days_ago(8), days_ago(4)
    reference = f"SCR-{referred_on.year}-001"

    # 1. Sign in as the board manager: the wrong password first.
    visit(page, "/")  # the dashboard sends a signed-out user to sign in
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next=/$"))
    sign_in(page, manager.email, "not-the-password", two_factor=False)
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(error_summary(page)).to_contain_text("There is a problem")
    expect(error_summary(page)).to_contain_text("Enter a correct email address and password")
    check(page)
    sign_in(page, manager.email, PASSWORD, check=check)  # a board manager sets up an authenticator app first

    # 2. The dashboard: nothing yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews")
    expect(page.get_by_text("There are no reviews you can see yet.")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    check(page)
    link_button(page, "Record a referral").click()

    # 3. The referral form: empty first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a referral")
    check(page)
    page.get_by_role("button", name="Record the referral").click()
    expect(page).to_have_title(re.compile(r"^Error: Record a referral"))
    summary = error_summary(page)
    expect(summary).to_be_focused()  # govuk-frontend moves focus to the summary on load
    expected_errors = {
        "Enter the pseudonym of the child, for example Child A": "#id_subject_pseudonym",
        "Enter the date of the referral": "#id_referred_on-day",
        "Enter the name of the person who referred the case": "#id_referred_by_name",
        "Enter the circumstances of the case": "#id_circumstances",
        "Select yes if the child died": "#id_child_died_0",
    }
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(expected_errors))
    for text, href in expected_errors.items():
        expect(summary.get_by_role("link", name=text)).to_have_attribute("href", href)
    # Each message is repeated at its field, and the field points at it.
    expect(page.locator("#id_subject_pseudonym-error")).to_contain_text("Enter the pseudonym of the child")
    expect(page.get_by_label("Pseudonym of the child")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_subject_pseudonym-error\b")
    )
    check(page)
    # GOV.UK behaviour: the first link in the summary moves focus to its field.
    links.first.click()
    expect(page.get_by_label("Pseudonym of the child")).to_be_focused()
    # A link to a date moves focus to its first box, one to radios to the first radio.
    summary.get_by_role("link", name="Enter the date of the referral").click()
    expect(page.get_by_role("group", name="Date of the referral").get_by_label("Day")).to_be_focused()
    summary.get_by_role("link", name="Select yes if the child died").click()
    expect(page.get_by_role("group", name="Did the child die?").get_by_label("Yes", exact=True)).to_be_focused()

    # Now filled in correctly.
    page.get_by_label("Pseudonym of the child").fill(SUBJECT)
    page.get_by_label("Circumstances of the case").fill(
        "A baby of six months was brought to hospital unresponsive and died. Children's social care, "
        "the health visitor and the police knew the family."
    )
    fill_date(page, "Date of the serious incident (optional)", days_ago(9))
    page.get_by_role("group", name="Did the child die?").get_by_label("Yes", exact=True).check()
    fill_date(page, "Date of death", died_on)
    fill_date(page, "Date of the referral", referred_on)
    page.get_by_label("Name of the person who referred the case").fill("Helen Marsh")
    page.get_by_label("Their role (optional)").fill("Named nurse for safeguarding")
    page.get_by_label("Their agency (optional)").select_option(label="Eastmoor Hospitals NHS Trust")
    fill_date(page, "Date the serious incident was notified to Ofsted (optional)", notified_on)
    page.get_by_role("button", name="Record the referral").click()

    # The review workspace, at the referral stage, with its task list.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{reference}: {SUBJECT}")
    banner = page.get_by_role("alert").filter(has_text="Success")
    expect(banner).to_contain_text(f"Referral recorded as {reference}")
    expect(page.get_by_text("Stage: Referral")).to_be_visible()
    task_list = page.locator(".govuk-task-list").first
    expect(task_list.get_by_role("link", name="Referral details")).to_be_visible()
    expect(task_list.get_by_role("link", name="Serious incident notified to Ofsted")).to_be_visible()
    people_task = f"Add {SUBJECT} and their family to the people register"
    expect(task_list.get_by_role("link", name=people_task)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=people_task)).to_contain_text("Not yet started")
    check(page)

    # 4. Sending it for the decision before the subject is in the register is refused, in plain words.
    open_task(page, "Move the review to its next stage")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the stage")
    check(page)
    page.get_by_label("Send for the chair's decision").check()
    page.get_by_role("button", name="Change the stage").click()
    expect(page).to_have_title(re.compile(r"^Error: Change the stage"))
    refusal = error_summary(page)
    expect(refusal).to_contain_text("The review cannot move yet")
    expect(refusal.get_by_role("listitem")).to_have_text(
        [f"Add {SUBJECT} to the people register as the subject of the review"]
    )
    expect(page.get_by_text("The review is at the referral stage.")).to_be_visible()
    check(page)

    # 5. The people register: add the subject, with a wrong NHS number first.
    page.get_by_role("link", name="Back").click()
    open_task(page, people_task)
    expect(page.get_by_role("heading", level=1)).to_have_text("People register")
    expect(page.get_by_text("No one is in the register yet.")).to_be_visible()
    check(page)
    link_button(page, "Add a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person")
    check(page)
    page.get_by_label("Full name").fill("Noah Pembury")
    page.get_by_label("Pseudonym in reports").fill(SUBJECT)
    page.get_by_label("Relationship to the child").select_option(label="Subject of the review")
    fill_date(page, "Date of birth (optional)", days_ago(190))
    page.get_by_label("NHS number (optional)").fill("943 476 5918")
    page.get_by_role("button", name="Save").click()
    nhs_error = "Enter a valid NHS number: 10 digits, like 943 476 5919"
    expect(page).to_have_title(re.compile(r"^Error: Add a person"))
    expect(error_summary(page).get_by_role("link", name=nhs_error)).to_have_attribute("href", "#id_nhs_number")
    expect(page.locator("#id_nhs_number-error")).to_contain_text(nhs_error)
    expect(page.get_by_label("Full name")).to_have_value("Noah Pembury")  # what was typed is kept
    check(page)
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People register")
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(f"{SUBJECT} saved in the register")
    card = page.locator(".govuk-summary-card").filter(has=page.get_by_role("heading", name=SUBJECT))
    expect(card).to_contain_text("Subject of the review")
    expect(card).to_contain_text("9434765919")
    check(page)

    # 6. Now the move is allowed.
    page.get_by_role("link", name=f"Back to {reference}").click()
    expect(page.get_by_role("listitem").filter(has_text=people_task)).to_contain_text("Completed")
    open_task(page, "Move the review to its next stage")
    page.get_by_label("Send for the chair's decision").check()
    page.get_by_role("button", name="Change the stage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{reference}: {SUBJECT}")
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text("The review moved to decision")
    expect(page.get_by_text("Stage: Decision")).to_be_visible()
    check(page)

    # 7. The chair decides.
    sign_out(page)
    check(page)
    sign_in(page, chair.email, PASSWORD, check=check)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews")
    check(page)
    page.get_by_role("link", name=reference).click()
    check(page)
    open_task(page, "Chair's decision against the criteria")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide whether to hold a review")
    check(page)
    grounds = page.get_by_role("group", name="Which of these apply?")
    grounds.get_by_label(CHILD_DIED_GROUND).check()
    outcome = page.get_by_role("group", name="Decision", exact=True)
    outcome.get_by_label("Do not hold a review", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    refused = (
        "A review must be held because: a child has died and abuse or neglect is known or suspected to be a "
        "factor in the death. Choose to hold a review"
    )
    expect(page).to_have_title(re.compile(r"^Error: Decision"))
    expect(error_summary(page).get_by_role("link", name=refused)).to_be_visible()
    expect(page.locator("#id_outcome-error")).to_contain_text(refused)
    expect(grounds.get_by_label(CHILD_DIED_GROUND)).to_be_checked()  # the choice is kept
    check(page)
    outcome.get_by_label("Hold a review", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"{reference}: {SUBJECT}")
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text("Decision recorded")
    expect(page.get_by_text("Stage: Set-up")).to_be_visible()
    referral_summary = page.locator('h2:text-is("Referral") + dl')
    decision_row = referral_summary.locator(".govuk-summary-list__row").filter(has=page.get_by_text("Decision"))
    today = timezone.localdate()
    expect(decision_row).to_contain_text(
        f"Hold a review, {today.day} {today.strftime('%B')} {today.year}, by {chair.full_name}"
    )
    check(page)

    page.get_by_role("link", name="All reviews").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference))
    expect(row.get_by_role("cell")).to_have_text(
        [reference, SUBJECT, "Set-up", re.compile(r"^Completion: \d{1,2} \w+ \d{4}$"), "On time"]
    )
    expect(row.locator(".govuk-tag")).to_have_class(re.compile(r"\bgovuk-tag--green\b"))
    check(page)


def test_referral_error_summary_follows_the_order_of_the_page(page, staff):
    """GOV.UK: the error summary lists the errors in the order the fields appear on the page."""
    sign_in_as_manager_and_refer(page, staff)
    page.get_by_role("button", name="Record the referral").click()
    hrefs = error_summary(page).get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    field_ids = page.locator(".govuk-form-group--error").evaluate_all(
        "groups => groups.map(g => '#' + g.querySelector('input:not([type=hidden]), select, textarea').id)"
    )
    assert len(hrefs) == 5
    assert hrefs == field_ids


def test_sign_in_by_keyboard(page, visit, staff):
    visit(page, "/accounts/sign-in/")
    # The email field has autofocus; start from the top of the page as a keyboard user arriving would.
    page.evaluate(
        """() => {
            document.activeElement.blur();
            document.body.setAttribute("tabindex", "-1");
            document.body.focus();
            document.body.removeAttribute("tabindex");
        }"""
    )

    def tab_to():
        page.keyboard.press("Tab")
        return page.evaluate(
            """() => {
                const el = document.activeElement;
                const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
                return `${el.tagName.toLowerCase()}: ${(label || el.textContent || "").trim()}`;
            }"""
        )

    skip_link = page.get_by_role("link", name="Skip to main content")
    assert tab_to() == "a: Skip to main content"
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # visible when focused
    order = [tab_to() for _ in range(4)]
    assert order == [
        "a: Casereview",  # the header's link to the home page
        "input: Email address",
        "input: Password",
        "button: Sign in",
    ], order

    # The skip link takes focus past the header to the main content.
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # From the main content, Tab reaches the email field; type and submit with Enter alone.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type(staff.manager.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    set_up_authenticator_app(page, submit_with_enter=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews")


def test_referral_form_without_javascript(page_without_js, assert_accessible, staff):
    """axe cannot run in a page with JavaScript off; assert_accessible checks what the page shows instead."""
    page = page_without_js
    response = page.goto("/reviews/new/")
    assert response.ok
    sign_in(page, staff.manager.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a referral")  # back where it was going
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))  # base.html's script did not run
    assert_accessible(page)
    page.get_by_role("button", name="Record the referral").click()
    expect(page).to_have_title(re.compile(r"^Error: Record a referral"))
    summary = error_summary(page)
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_count(5)
    expect(page.locator(".govuk-form-group--error")).to_have_count(5)
    assert_accessible(page)
    # Without the script the link is a plain fragment link: it still takes the user to the field.
    summary.get_by_role("link", name="Enter the circumstances of the case").click()
    expect(page).to_have_url(re.compile(r"#id_circumstances$"))
    expect(page.get_by_label("Circumstances of the case")).to_be_focused()
    expect(page.get_by_label("Circumstances of the case")).to_be_in_viewport()

    # And it still records the referral.
    page.get_by_label("Pseudonym of the child").fill("Child E")
    page.get_by_label("Circumstances of the case").fill("A boy of nine was found alone at home, badly hurt.")
    page.get_by_role("group", name="Did the child die?").get_by_label("No", exact=True).check()
    fill_date(page, "Date of the referral", days_ago(2))
    page.get_by_label("Name of the person who referred the case").fill("Daniel Okafor")
    page.get_by_role("button", name="Record the referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^SCR-\d{4}-001: Child E$"))
    assert_accessible(page)
