"""End to end in Chromium: an agency's IMR author imports its chronology from a CSV file (a file with a bad row first,
then a good one: upload, choose the columns, see the preview, import) and submits it; the lead reviewer then reads
the integrated chronology and its timeline.

Two-factor sign-in is switched off here: tests/e2e/test_sign_in.py covers it. Every page reached is checked with
axe-core (WCAG 2.2 A/AA).
"""

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from casereview.accounts.models import Agency, AgencyKind, Board, Role, User
from casereview.accounts.services import agency_create, membership_grant
from casereview.chronology.models import ChronologyEntry, ChronologyImport, ChronologyVersion, ImportStatus
from casereview.involvement.services import involvement_add
from casereview.reviews.models import Review
from casereview.reviews.services import person_add
from tests.factories import decided_review

PASSWORD = "correct-horse-battery-2026"
AGENCY = "Westshire Police"
HEADINGS = "Date,Time,Source,Practitioner / Role,Event,Action / Decision,Outcome,Key practice episode,People,Notes"
BAD_CSV = f"{HEADINGS}\r\n31/02/2021,,,,Called to the home,,,,,\r\n".encode()
GOOD_CSV = (
    f"{HEADINGS}\r\n"
    "31/03/2021,22:40,Incident log 2021/0331,PC 1234,Called to the home after a neighbour heard shouting,"
    "Officers spoke to Mother and saw Child A,Referral to children's social care,KPE,Child A; Mother,Second call\r\n"
    "?22 May 2016,,Intelligence record,Neighbourhood officer,Visit after a report of a child left alone,"
    "Advice given,No further action,routine,Mother,\r\n"
).encode("cp1252")


@dataclass(frozen=True)
class World:
    review: Review
    police: Agency
    author: User
    lead: User


@pytest.fixture
def world(transactional_db, settings, tmp_path) -> World:
    settings.CASEREVIEW_TWO_FACTOR = False
    settings.MEDIA_ROOT = tmp_path / "media"
    board = Board.objects.create(name="Westmoor Safeguarding Children Board", short_name="WSCB")
    manager = User.objects.create_user("manager@westmoor.example", PASSWORD, full_name="Mary Manager")
    chair = User.objects.create_user("chair@westmoor.example", PASSWORD, full_name="Charles Chair")
    author = User.objects.create_user("ira@westshire-police.example", PASSWORD, full_name="Ira Author")
    lead = User.objects.create_user("lee@westmoor.example", PASSWORD, full_name="Lee Leadreviewer")
    membership_grant(actor=None, user=manager, role=Role.BOARD_MANAGER, board=board)
    membership_grant(actor=None, user=chair, role=Role.BOARD_CHAIR, board=board)
    police = agency_create(actor=manager, board=board, name=AGENCY, kind=AgencyKind.POLICE)
    review = decided_review(board, manager, chair)
    involvement_add(actor=manager, review=review, agency=police)
    person_add(actor=manager, review=review, full_name="Maria Hale", relationship="mother", pseudonym="Mother")
    membership_grant(actor=None, user=author, role=Role.IMR_AUTHOR, board=board, review=review, agency=police)
    membership_grant(actor=None, user=lead, role=Role.LEAD_REVIEWER, board=board, review=review)
    return World(Review.objects.get(pk=review.pk), police, author, lead)


def sign_in(page, user: User) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Casereview")


def choose_file(page, name: str, content: bytes) -> None:
    page.get_by_label("Upload a file").set_input_files({"name": name, "mimeType": "text/csv", "buffer": content})
    page.get_by_role("button", name="Upload and continue").click()


def test_imr_author_imports_and_submits_then_the_lead_reviewer_reads_the_integrated_view(
    page, visit, assert_accessible, world
):
    review, police = world.review, world.police
    sign_in(page, world.author)
    visit(page, f"/reviews/{review.pk}/chronology/agencies/{police.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Chronology: {AGENCY}")

    # A file with an impossible date: every problem listed, nothing imported.
    visit(page, f"/reviews/{review.pk}/chronology/agencies/{police.pk}/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import entries from a spreadsheet")
    choose_file(page, "police.csv", BAD_CSV)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose which column holds what")
    assert_accessible(page)
    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("There is a problem with your file")
    problem = page.get_by_role("row").filter(has_text="31/02/2021 is not a real date: February 2021 has 28 days")
    expect(problem.get_by_role("rowheader")).to_have_text("2")
    assert_accessible(page)
    assert not ChronologyEntry.objects.exists()

    # The good file, in Windows-1252 as Excel saves it: the columns matched from the headings, one chosen by hand.
    page.get_by_role("button", name="Upload a new file").click()
    choose_file(page, "police.csv", GOOD_CSV)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose which column holds what")
    expect(page.get_by_label("Date", exact=True)).to_have_value("1")
    expect(page.get_by_label("What happened", exact=True)).to_have_value("5")
    expect(page.get_by_label("Significance (optional)")).to_have_value("8")
    page.get_by_label("Analysis (optional)").select_option(label="Column J: Notes")
    assert_accessible(page)
    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your import")
    expect(page.get_by_role("cell", name="Called to the home after a neighbour heard shouting")).to_be_visible()
    expect(page.get_by_role("cell", name="?22 May 2016")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import 2 entries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import complete")
    expect(page.locator(".govuk-panel__body")).to_have_text(f"2 entries added to {AGENCY}'s draft chronology")
    assert_accessible(page)
    assert ChronologyImport.objects.filter(status=ImportStatus.DONE).count() == 1
    kpe = ChronologyEntry.objects.get(significance="key")
    assert (kpe.analysis, [person.pseudonym for person in kpe.people.all()]) == ("Second call", ["Child A", "Mother"])

    # Submit the chronology.
    page.get_by_role("link", name=f"Go to {AGENCY}'s chronology").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Chronology: {AGENCY}")
    assert_accessible(page)
    page.get_by_role("button", name="Submit the chronology").click()  # a link styled as a button
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit the chronology?")
    assert_accessible(page)
    page.get_by_role("button", name="Submit the chronology").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted")
    assert_accessible(page)
    assert ChronologyVersion.objects.get().is_submitted
    sign_out(page)

    # The lead reviewer reads the integrated chronology and its timeline.
    sign_in(page, world.lead)
    visit(page, f"/reviews/{review.pk}/chronology/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrated chronology")
    expect(page.get_by_text("Called to the home after a neighbour heard shouting")).to_be_visible()
    page.get_by_role("link", name="View these entries as a timeline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    expect(page.locator("svg").first).to_be_visible()
    assert_accessible(page)


def test_a_large_file_is_checked_in_the_background_while_its_page_shows_progress(
    page, visit, assert_accessible, world, settings
):
    from casereview.chronology.tasks import chronology_import_check

    settings.CASEREVIEW_CHRONOLOGY_BACKGROUND_ROWS = 1  # two rows are "large" here
    sign_in(page, world.author)
    visit(page, f"/reviews/{world.review.pk}/chronology/agencies/{world.police.pk}/import/")
    choose_file(page, "police.csv", GOOD_CSV)
    page.get_by_role("button", name="Check the rows").click()
    # No worker runs in this test: the check waits in the queue, and the page says so. It never reloads itself
    # (WCAG 2.2.1); with JavaScript its bar follows the import, and it says when the work has ended.
    expect(page.get_by_role("heading", level=1)).to_have_text("Checking your file")
    expect(page.get_by_text("police.csv: waiting to start.")).to_be_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    expect(page.get_by_role("button", name="Check progress")).to_be_visible()
    assert_accessible(page)

    chronology_import = ChronologyImport.objects.get()
    assert chronology_import.status == ImportStatus.CHECKING
    chronology_import_check.call(chronology_import.pk)  # what `casereview db_worker` does
    expect(page.get_by_role("status")).to_contain_text("has ended", timeout=15_000)
    page.get_by_role("link", name="See the result").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your import", timeout=15_000)
    assert_accessible(page)
