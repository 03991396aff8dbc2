"""End to end in Chromium: an agency secures and uploads its case records; the board manager reads the audit trail.

Built on the demo board (review SCR-…-001 is decided and at the agency reviews stage), with the NHS trust added
to it late: its IMR author has records yet to secure. Two-factor sign-in is switched off here:
tests/e2e/test_sign_in.py covers it.
Every page reached is checked with axe-core (WCAG 2.2 A/AA).
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from casereview.accounts.models import Agency, User
from casereview.audit.models import AuditEvent
from casereview.core.management.commands.demo import DEMO_PASSWORD
from casereview.involvement.services import involvement_add, involvement_nominate
from casereview.panel.models import Position
from casereview.records.models import CaseRecordFile
from casereview.reviews.models import Review

TRUST = "Northbridge Hospitals NHS Trust"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CASEREVIEW_TWO_FACTOR = False
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    review = Review.objects.get(subject_pseudonym="Child A")
    manager = User.objects.get(email="manager@northbridge.example")
    author = User.objects.create_user("trust.imr@northbridge.example", DEMO_PASSWORD, full_name="Tara Imrie")
    involvement = involvement_add(actor=manager, review=review, agency=Agency.objects.get(name=TRUST))
    involvement_nominate(actor=manager, involvement=involvement, position=Position.IMR_AUTHOR, user=author)
    return review


def sign_in(page, local: str) -> None:
    page.get_by_label("Email address").fill(f"{local}@northbridge.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_agency_secures_and_uploads_records_and_manager_reads_the_trail(page, visit, assert_accessible, demo, tmp_path):
    visit(page, "/accounts/sign-in/")
    sign_in(page, "trust.imr")
    visit(page, f"/reviews/{demo.pk}/")
    page.get_by_role("link", name="Case records").click()
    assert_accessible(page)
    page.get_by_role("link", name=TRUST).click()
    assert_accessible(page)

    page.get_by_role("button", name="Confirm records secured").click()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()  # empty: the date is asked for
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    group = page.get_by_role("group", name="Date the records were secured")
    today = demo.decision.decided_on
    group.get_by_label("Day", exact=True).fill(str(today.day))
    group.get_by_label("Month", exact=True).fill(str(today.month))
    group.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_role("button", name="Confirm").click()
    assert_accessible(page)

    page.get_by_role("button", name="Upload a file").click()
    assert_accessible(page)
    executable = tmp_path / "chronology.pdf"
    executable.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)  # a program renamed .pdf
    page.get_by_label("Upload a file").set_input_files(str(executable))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    assert not CaseRecordFile.objects.exists()

    good = tmp_path / "case-notes.pdf"
    good.write_bytes(PDF)
    page.get_by_label("Upload a file").set_input_files(str(good))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("case-notes.pdf").first).to_be_visible()
    assert_accessible(page)
    assert CaseRecordFile.objects.get().size == len(PDF)

    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    sign_in(page, "manager")
    visit(page, f"/reviews/{demo.pk}/audit/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Audit trail")
    expect(page.get_by_role("cell", name="record.uploaded").first).to_be_visible()
    visit(page, f"/reviews/{demo.pk}/audit/?action=record.uploaded")
    assert AuditEvent.objects.filter(action="record.uploaded", review=demo).count() == 1
