"""Exports of chronologies: workbooks and documents that reopen with openpyxl and python-docx with the expected
content, real dates, landscape pages and neutralised cells; the pages and the API that download them, audited."""

import io
from datetime import date, time

import docx
import pytest
from django.urls import reverse
from docx.enum.section import WD_ORIENT
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from casereview.accounts.models import Role
from casereview.audit.models import AuditEvent
from casereview.chronology.exports import (
    AGENCY_DOCX,
    AGENCY_XLSX,
    DOCX_CONTENT_TYPE,
    INTEGRATED_DOCX,
    INTEGRATED_XLSX,
    XLSX_CONTENT_TYPE,
    Heading,
    export_filename,
    safe_text,
    write_docx,
    write_xlsx,
)
from casereview.chronology.models import ChronologyEntry
from casereview.chronology.selectors import latest_submitted_versions
from casereview.chronology.services import entry_annotate
from tests.chronology.entries_world import build_chronology_world, entry_values
from tests.web import signed_in


def row(**overrides) -> dict:
    values = {
        "occurred_on": date(2016, 5, 22),
        "occurred_at": None,
        "precision": "day",
        "date_text": "",
        "agency": "Northshire Police",
        "people": "Child A, Mother",
        "practitioners": "PC 1234",
        "what_happened": "Police attended the family home.",
        "action": "Officers spoke to Mother.",
        "outcome": "Referral to children's social care.",
        "significance": "Significant",
        "significance_code": "significant",
        "source": "Custody record (version 1, custody record.pdf)",
        "analysis": "",
        "marks": "",
        "note": "",
        "themes": "",
    }
    return values | overrides


def workbook(rows, columns=INTEGRATED_XLSX, heading=None):
    out = io.BytesIO()
    count = write_xlsx(rows, out, heading=heading or Heading("Integrated chronology", ["SCR-1"]), columns=columns)
    out.seek(0)
    return count, load_workbook(out)


def document(rows, columns=INTEGRATED_DOCX, heading=None):
    out = io.BytesIO()
    count = write_docx(rows, out, heading=heading or Heading("Integrated chronology", ["SCR-1"]), columns=columns)
    out.seek(0)
    return count, docx.Document(out)


def sheet_rows(book):
    return [list(values) for values in book["Chronology"].iter_rows(values_only=True)]


# -- XLSX ---------------------------------------------------------------------------------------------------


def test_workbook_has_a_header_row_then_a_row_per_entry():
    count, book = workbook([row(), row(what_happened="Second")])
    rows = sheet_rows(book)
    assert count == 2
    assert rows[0] == [column.header for column in INTEGRATED_XLSX]
    assert rows[1][2] == "Northshire Police"
    assert rows[2][5] == "Second"
    assert book["Chronology"]["A1"].font.b


def test_workbook_dates_are_real_dates_formatted_by_precision():
    _count, book = workbook(
        [
            row(occurred_on=date(2016, 5, 22)),
            row(occurred_on=date(2016, 5, 1), precision="month"),
            row(occurred_on=date(2016, 5, 23), precision="datetime", occurred_at=time(14, 30)),
            row(occurred_on=date(2016, 5, 24), precision="approximate", date_text="?24 May 2016"),
        ]
    )
    sheet = book["Chronology"]
    cells = [sheet.cell(row=n, column=1) for n in range(2, 6)]
    assert [cell.value.date() for cell in cells] == [date(2016, 5, n) for n in (22, 1, 23, 24)]
    assert cells[1].number_format == "mmmm yyyy"
    assert cells[2].value.time() == time(14, 30)
    assert "h:mm" in cells[2].number_format
    written = [sheet.cell(row=n, column=2).value for n in range(2, 6)]
    assert written == ["22 May 2016", "May 2016", "23 May 2016, 2:30pm", "?24 May 2016"]


def test_workbook_columns_have_widths_and_the_header_stays_in_view():
    _count, book = workbook([row()])
    sheet = book["Chronology"]
    assert sheet.column_dimensions["F"].width == 60
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_workbook_text_that_looks_like_a_formula_is_neutralised(start):
    formula = f'{start}HYPERLINK("http://evil.example","Click")'
    _count, book = workbook([row(what_happened=formula, agency=formula, note=formula)])
    values = sheet_rows(book)[1]
    for index in (2, 5, 12):
        assert values[index] == f"'{formula}".replace("\r", "\n")
    sheet = book["Chronology"]
    assert all(cell.data_type != "f" for cells in sheet.iter_rows() for cell in cells)


def test_workbook_drops_characters_xml_cannot_hold():
    _count, book = workbook([row(what_happened="Seen\x00 at\x0b home\x1f")])
    assert sheet_rows(book)[1][5] == "Seen at home"


def test_workbook_about_sheet_holds_the_heading_and_the_count():
    _count, book = workbook([row()] * 3, heading=Heading("Integrated chronology", ["SCR-1: Child A", "=danger"]))
    about = [values[0] for values in book["About"].iter_rows(values_only=True)]
    assert about == ["Integrated chronology", "SCR-1: Child A", "'=danger", "3 entries"]


def test_agency_workbook_has_no_agency_column():
    _count, book = workbook([row()], columns=AGENCY_XLSX)
    assert "Agency" not in sheet_rows(book)[0]


def test_empty_workbook_has_only_the_header():
    count, book = workbook([])
    assert count == 0
    assert len(sheet_rows(book)) == 1


# -- DOCX ---------------------------------------------------------------------------------------------------


def test_document_is_landscape_a4_with_a_table_and_a_repeated_header_row():
    count, doc = document([row(), row(what_happened="Second\nline")])
    section = doc.sections[0]
    assert count == 2
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    (table,) = doc.tables
    assert [cell.text for cell in table.rows[0].cells] == [column.header for column in INTEGRATED_DOCX]
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")
    assert [cell.text for cell in table.rows[1].cells][:4] == [
        "22 May 2016",
        "Northshire Police",
        "Child A, Mother",
        "Police attended the family home.",
    ]
    assert table.rows[2].cells[3].text == "Second\nline"


def test_document_shows_uncertain_dates_as_written_the_uk_way():
    _count, doc = document(
        [row(precision="approximate"), row(occurred_on=date(2016, 5, 1), precision="month")], columns=AGENCY_DOCX
    )
    table = doc.tables[0]
    assert [table.rows[n].cells[0].text for n in (1, 2)] == ["?22 May 2016", "May 2016"]


def test_document_heading_and_lines_are_there():
    _count, doc = document([row()], heading=Heading("Northshire Police chronology", ["SCR-1: Child A"]))
    texts = [paragraph.text for paragraph in doc.paragraphs]
    assert texts[:2] == ["Northshire Police chronology", "SCR-1: Child A"]


def test_document_cells_are_neutralised():
    _count, doc = document([row(what_happened="=1+1", note="@SUM(A1)")])
    cells = [cell.text for cell in doc.tables[0].rows[1].cells]
    assert "'=1+1" in cells and "'@SUM(A1)" in cells


def test_document_key_practice_episode_is_bold():
    _count, doc = document([row(significance="Key practice episode", significance_code="key")])
    column = [c.key for c in INTEGRATED_DOCX].index("significance")
    cell = doc.tables[0].rows[1].cells[column]
    assert cell.paragraphs[0].runs[0].bold


def test_empty_document_says_so():
    _count, doc = document([])
    assert "There are no entries." in [paragraph.text for paragraph in doc.paragraphs]


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=200))
def test_any_text_reopens_the_same_but_neutralised(text):
    _count, book = workbook([row(what_happened=text)])
    expected = safe_text(text) or None
    assert sheet_rows(book)[1][5] == expected
    _count, doc = document([row(what_happened=text)])
    assert doc.tables[0].rows[1].cells[3].text == (expected or "")


def test_file_names_say_what_and_when_in_safe_characters():
    assert export_filename("SCR-2026-001 integrated chronology", date(2026, 3, 4), "xlsx") == (
        "SCR-2026-001 integrated chronology 2026-03-04.xlsx"
    )
    assert export_filename('Police "North"/South', date(2026, 3, 4), "docx") == "Police -North--South 2026-03-04.docx"


# -- Pages and API (with the database) -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def vault_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(board, manager, chair):
    world = build_chronology_world(board, manager, chair)
    world.submitted(
        world.police,
        entry_values(date="02/04/2021", what_happened='=HYPERLINK("http://evil.example","Click")'),
        entry_values(date="March 2021", what_happened="Police in March", people=[world.child.pk]),
    )
    world.submitted(
        world.health,
        entry_values(date="01/04/2021 09:00", what_happened="Health visit", source_reference="GP record"),
    )
    return world


def download(response) -> io.BytesIO:
    assert response.status_code == 200, response.content[:500]
    return io.BytesIO(b"".join(response.streaming_content))


def integrated_url(world) -> str:
    return reverse("chronology:integrated-export", args=[world.review.pk])


def test_integrated_export_reopens_in_merge_order_with_neutralised_cells(world):
    response = signed_in(world.users[Role.LEAD_REVIEWER]).get(integrated_url(world), {"format": "xlsx"})
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "integrated chronology" in response["Content-Disposition"]
    book = load_workbook(download(response))
    rows = sheet_rows(book)
    what = [values[5] for values in rows[1:]]
    assert what == ["Police in March", "Health visit", '\'=HYPERLINK("http://evil.example","Click")']
    assert rows[1][3] == "Child A"
    assert [values[11] for values in rows[1:]] == ["No source", None, "No source"]
    about = [values[0] for values in book["About"].iter_rows(values_only=True)]
    assert about[1] == f"{world.review.reference}: Child A"
    event = AuditEvent.objects.get(action="chronology.exported")
    assert (
        event.data["entries"] == 3 and event.data["format"] == "xlsx" and event.actor == world.users[Role.LEAD_REVIEWER]
    )


def test_integrated_export_applies_the_filters(world):
    client = signed_in(world.users[Role.PANEL_MEMBER])
    response = client.get(integrated_url(world), {"format": "docx", "agency": world.health.pk})
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    doc = docx.Document(download(response))
    table = doc.tables[0]
    assert len(table.rows) == 2
    assert table.rows[1].cells[1].text == "Northshire NHS Trust"
    assert any(paragraph.text == "Agencies: Northshire NHS Trust" for paragraph in doc.paragraphs)


def test_integrated_export_holds_the_lead_reviewers_note_and_themes(world):
    key = str(ChronologyEntry.objects.filter(what_happened="Health visit").values_list("key", flat=True).get())
    entry_annotate(
        actor=world.users[Role.LEAD_REVIEWER],
        review=world.fresh_review(),
        entry_key=key,
        note="Ask",
        themes=["Neglect"],
    )
    response = signed_in(world.users["board_manager"]).get(integrated_url(world))
    rows = sheet_rows(load_workbook(download(response)))
    health = next(values for values in rows if values[5] == "Health visit")
    assert (health[12], health[13]) == ("Ask", "Neglect")


@pytest.mark.parametrize("who", ["board_chair", "police_imr", Role.WORKER])
def test_integrated_export_is_not_found_for_others(world, who):
    response = signed_in(world.users[who]).get(integrated_url(world))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="chronology.exported").exists()


def test_unknown_format_is_not_found(world):
    response = signed_in(world.users[Role.LEAD_REVIEWER]).get(integrated_url(world), {"format": "pdf"})
    assert response.status_code == 404


def test_agency_version_export_for_its_own_staff_and_the_panel(world):
    version = latest_submitted_versions(world.fresh_review())[1]
    assert version.agency == world.police
    address = reverse("chronology:version-export", args=[world.review.pk, version.pk])
    for who in ("police_imr", "police_senior", Role.PANEL_CHAIR):
        book = load_workbook(download(signed_in(world.users[who]).get(address)))
        rows = sheet_rows(book)
        assert rows[0] == [column.header for column in AGENCY_XLSX]
        assert [values[4] for values in rows[1:]] == ["Police in March", '\'=HYPERLINK("http://evil.example","Click")']
    doc = docx.Document(download(signed_in(world.users["police_imr"]).get(address, {"format": "docx"})))
    assert doc.paragraphs[0].text == "Northshire Police chronology"
    assert signed_in(world.users["health_imr"]).get(address).status_code == 404
    assert AuditEvent.objects.filter(action="chronology.exported", data__what="agency").count() == 4


def test_a_draft_is_exported_only_to_its_agency(world):
    draft = world.draft(world.police)
    address = reverse("chronology:version-export", args=[world.review.pk, draft.pk])
    assert signed_in(world.users["police_imr"]).get(address).status_code == 200
    assert signed_in(world.users[Role.LEAD_REVIEWER]).get(address).status_code == 404


def test_api_downloads_the_exports(world):
    client = signed_in(world.users[Role.LEGAL_ADVISER])
    response = client.get(f"/api/reviews/{world.review.pk}/chronology/integrated/export?format=docx")
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert len(docx.Document(download(response)).tables[0].rows) == 4
    version = latest_submitted_versions(world.fresh_review())[0]
    response = client.get(f"/api/reviews/{world.review.pk}/chronology/versions/{version.pk}/export")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert len(sheet_rows(load_workbook(download(response)))) == 2
    refused = signed_in(world.users["board_chair"]).get(f"/api/reviews/{world.review.pk}/chronology/integrated/export")
    assert refused.status_code == 404
