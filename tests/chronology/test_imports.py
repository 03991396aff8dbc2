"""Chronology imports: reading CSV and XLSX files (and refusing what is not one), matching columns, checking every
row, importing all or nothing, and the background path with its progress."""

import io
from datetime import date, datetime, time

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from casereview.audit.models import AuditEvent
from casereview.chronology import imports
from casereview.chronology.imports import (
    RowChecker,
    check_rows,
    detect_mapping,
    import_check,
    import_confirm,
    import_file,
    import_map,
    import_upload,
    normalise_heading,
    open_spreadsheet,
    template_workbook,
)
from casereview.chronology.models import ChronologyEntry, ChronologyImport, ChronologyVersion, ImportStatus
from casereview.core.errors import Conflict, Invalid, NotAllowed
from tests.chronology.entries_world import build_chronology_world

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
HEADINGS = ["Date", "Time", "Source", "Practitioner / Role", "What happened", "Significance", "People"]


@pytest.fixture(autouse=True)
def import_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(board, manager, chair):
    return build_chronology_world(board, manager, chair)


def csv_bytes(rows, headings=HEADINGS, encoding="utf-8", delimiter=",") -> bytes:
    lines = [delimiter.join(headings)] + [delimiter.join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, headings=HEADINGS, title="Sheet1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_row(day: int = 1, what: str = "Home visit: Child A seen") -> list[str]:
    return [f"{day:02d}/03/2021", "", "Case notes p. 4", "Health visitor", what, "routine", "Child A"]


def upload(world, content: bytes, name="chronology.csv", who="police_imr"):
    return import_upload(
        actor=world.users[who], review=world.fresh_review(), agency=world.police, file=ContentFile(content), name=name
    )


def read_all(content: bytes, world, mapping=None):
    sheet = open_spreadsheet(io.BytesIO(content))
    checker = RowChecker.load(world.review, world.police, sheet.headers, mapping or detect_mapping(sheet.headers))
    try:
        return check_rows(sheet, checker)
    finally:
        sheet.close()


def refusal(content: bytes) -> str:
    with pytest.raises(Invalid) as raised:
        open_spreadsheet(io.BytesIO(content))
    assert set(raised.value.errors) == {"file"}
    return raised.value.message


class MillionRows(io.RawIOBase):
    """A CSV of a heading and a million rows, made on demand from the offset asked for: never all in memory."""

    HEAD = b"Date,What happened\r\n"
    ROW = b"01/03/2021,Seen at home\r\n"

    def __init__(self, rows: int = 1_000_000):
        self.rows = rows
        self.size = len(self.HEAD) + rows * len(self.ROW)
        self.position = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        wanted = min(len(buffer), self.size - self.position)
        chunk = bytearray()
        while len(chunk) < wanted:
            at = self.position + len(chunk)
            if at < len(self.HEAD):
                chunk += self.HEAD[at:]
            else:
                offset = (at - len(self.HEAD)) % len(self.ROW)
                chunk += self.ROW[offset:]
        buffer[:wanted] = chunk[:wanted]
        self.position += wanted
        return wanted


# -- Reading: what is refused ------------------------------------------------------------------------------


def test_a_pdf_renamed_xlsx_is_not_a_spreadsheet():
    message = refusal(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    assert message == "The selected file is a PDF document, not a spreadsheet: upload a CSV or Excel (.xlsx) file"


def test_a_word_document_is_not_a_spreadsheet():
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    assert "Word document, not a spreadsheet" in refusal(buffer.getvalue())


def test_random_binary_is_not_a_spreadsheet():
    assert refusal(bytes(range(256)) * 8) == "The selected file must be a CSV or Excel (.xlsx) spreadsheet"


def test_a_program_is_refused():
    assert "program" in refusal(b"MZ\x90\x00" + b"\x00" * 200)


def test_an_old_excel_file_is_refused_with_how_to_save_it():
    assert "save it as an Excel Workbook (.xlsx)" in refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_a_damaged_xlsx_is_refused():
    content = xlsx_bytes([good_row()])
    assert "damaged" in refusal(content[: len(content) // 2])


def test_utf16_text_is_refused_with_how_to_save_it():
    message = refusal("\ufeffDate,What happened\r\n01/03/2021,Seen\r\n".encode("utf-16"))
    assert message.startswith("The selected file is saved as UTF-16 or UTF-32 text: save it as CSV UTF-8")


def test_text_in_an_unknown_encoding_is_refused():
    # 0x81 and 0x8d are undefined in Windows-1252 and not UTF-8.
    message = refusal(b"Date,What happened\r\n01/03/2021,Seen \x81\x8d at home\r\n")
    assert message.startswith("The selected file's text is not in an encoding Casereview can read")


def test_utf8_with_a_byte_order_mark_that_is_not_utf8_is_refused():
    message = refusal(b"\xef\xbb\xbfDate,What happened\r\n01/03/2021,Caf\xe9\r\n")
    assert "has characters that are not UTF-8" in message


def test_an_empty_file_is_refused():
    assert refusal(b"") == "The selected file is empty"


def test_a_file_of_blank_lines_is_refused_as_empty():
    assert refusal(b"\r\n , ,\r\n\r\n").startswith("The selected file is empty: it needs a row of headings")


def test_headings_with_no_rows_are_refused():
    sheet = open_spreadsheet(io.BytesIO(b"Date,What happened\r\n\r\n"))
    assert sheet.rows_estimate == 0


def test_an_xlsx_with_headings_and_no_rows_has_no_rows_to_check(world):
    with pytest.raises(Invalid, match="headings but no rows of events"):
        read_all(xlsx_bytes([]), world)


def test_a_file_larger_than_the_limit_is_refused(settings):
    settings.CASEREVIEW_CHRONOLOGY_MAX_BYTES = 1024
    assert refusal(csv_bytes([good_row()] * 50)) == "The selected file must be smaller than 1 KB"


def test_a_million_rows_are_refused_quickly_without_reading_them_all():
    stream = io.BufferedReader(MillionRows())
    message = refusal_of_stream(stream)
    assert message == (
        "The selected file has more than 200,000 rows: import at most 200,000 rows at a time, in several files"
    )
    assert stream.tell() < MillionRows().size // 2  # stopped soon after the limit


def refusal_of_stream(stream) -> str:
    with pytest.raises(Invalid) as raised:
        open_spreadsheet(stream)
    return raised.value.message


def test_the_row_limit_is_a_setting(settings):
    settings.CASEREVIEW_CHRONOLOGY_MAX_ROWS = 3
    assert refusal(csv_bytes([good_row()] * 4)).startswith("The selected file has more than 3 rows")
    assert open_spreadsheet(io.BytesIO(csv_bytes([good_row()] * 3))).rows_estimate == 3


def test_an_xlsx_whose_sheet_goes_past_the_limit_is_refused_from_its_size(settings):
    settings.CASEREVIEW_CHRONOLOGY_MAX_ROWS = 5
    workbook = Workbook()
    workbook.active.append(HEADINGS)
    workbook.active.cell(row=1000, column=1, value="01/03/2021")
    buffer = io.BytesIO()
    workbook.save(buffer)
    message = refusal(buffer.getvalue())
    assert message.startswith("The selected file has more than 5 rows (its sheet goes down to row 1,000)")


# -- Reading: what is accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Date,What happened\r\n01/03/2021,Café visit\r\n".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "Date,What happened\r\n01/03/2021,Café visit\r\n".encode(), "utf-8-sig"),
        ("Date,What happened\r\n01/03/2021,Café visit\r\n".encode("cp1252"), "cp1252"),
    ],
)
def test_csv_in_utf8_with_or_without_bom_or_windows_1252_is_read(content, encoding):
    sheet = open_spreadsheet(io.BytesIO(content))
    assert sheet.encoding == encoding
    assert sheet.headers == ["Date", "What happened"]
    assert list(sheet.rows()) == [(2, ("01/03/2021", "Café visit"))]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_found(delimiter):
    sheet = open_spreadsheet(io.BytesIO(csv_bytes([good_row()], delimiter=delimiter)))
    assert sheet.headers == HEADINGS
    assert list(sheet.rows())[0][1][4] == "Home visit: Child A seen"


def test_row_numbers_are_those_the_spreadsheet_shows():
    content = b'\r\nDate,What happened\r\n01/03/2021,"Two\r\nlines"\r\n\r\n02/03/2021,Seen\r\n'
    sheet = open_spreadsheet(io.BytesIO(content))
    assert sheet.header_row == 2
    assert [number for number, _cells in sheet.rows()] == [3, 5]


def test_xlsx_reads_the_sheet_named_chronology_and_dates_as_dates():
    workbook = Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["Nothing here"])
    chronology = workbook.create_sheet("Chronology")
    chronology.append(HEADINGS)
    chronology.append([datetime(2021, 3, 31), time(14, 30), "", "", "Seen at school", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = open_spreadsheet(buffer)
    assert sheet.headers == HEADINGS
    [(number, cells)] = list(sheet.rows())
    assert number == 2
    assert cells[0] == datetime(2021, 3, 31)
    assert cells[1] == time(14, 30)


def test_the_usual_headings_are_matched_case_and_punctuation_aside():
    headers = [
        "DATE",
        "time",
        "Seq",
        "Source ref.",
        "Practitioner's role",
        "Event",
        "Action / Decision",
        "Outcome",
        "Key Practice Episode",
        "Analysis",
        "People involved",
        "Agency",
    ]
    assert detect_mapping(headers) == {
        "date": 1,
        "time": 2,
        "sequence": 3,
        "source": 4,
        "practitioners": 5,
        "what_happened": 6,
        "action": 7,
        "outcome": 8,
        "significance": 9,
        "analysis": 10,
        "people": 11,
    }
    assert normalise_heading("Practitioner / Role") == "practitioner role"


def test_the_first_column_with_a_usual_heading_wins():
    assert detect_mapping(["Event", "Date", "What happened", "Date"]) == {"what_happened": 1, "date": 2}


def test_the_template_is_an_xlsx_whose_headings_are_matched_and_whose_hint_row_is_skipped(world):
    workbook = load_workbook(io.BytesIO(template_workbook()))
    sheet = workbook["Chronology"]
    headings = [cell.value for cell in sheet[1]]
    assert headings[:2] == ["Date", "Time"]
    assert set(detect_mapping(headings)) == {part.code for part in imports.PARTS}
    assert sheet.column_dimensions["F"].width == 60
    assert sheet.freeze_panes == "A2"
    sheet.append(["31/03/2021", "", "", "", "", "Seen at home"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_all(buffer.getvalue(), world)
    assert result.problems == []
    assert [number for number, _values in result.rows] == [3]


# -- Checking rows ---------------------------------------------------------------------------------------------


def test_a_formula_is_a_problem_of_its_row_and_is_never_evaluated(world):
    rows = [good_row(day) for day in range(1, 12)] + [["=TODAY()", "", "", "", "Seen", "", ""]]
    result = read_all(xlsx_bytes(rows), world)
    assert result.problems == [
        [13, "Date", "The Date cell holds a formula (=TODAY()): type its value instead"],
    ]
    assert result.rows == []


def test_a_formula_in_a_column_not_imported_is_ignored(world):
    result = read_all(xlsx_bytes([[*good_row(), "=1+1"]], headings=[*HEADINGS, "Notes"]), world)
    assert result.problems == []


def test_a_cell_showing_an_error_is_a_problem(world):
    workbook = Workbook()
    workbook.active.append(HEADINGS)
    workbook.active.append(["01/03/2021", "", "", "", "Seen", "", ""])
    workbook.active["E2"].value = "#REF!"
    workbook.active["E2"].data_type = "e"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_all(buffer.getvalue(), world)
    assert result.problems == [[2, "What happened", "The What happened cell shows an error (#REF!): type its value"]]


def test_a_csv_cell_starting_with_equals_is_a_formula_too(world):
    result = read_all(csv_bytes([["=TODAY()", "", "", "", "Seen", "", ""]]), world)
    assert result.problems[0][2] == "The Date cell holds a formula (=TODAY()): type its value instead"


def test_impossible_dates_and_text_in_the_date_column_are_problems_of_their_rows(world):
    rows = [good_row(1), ["31/02/2021", "", "", "", "Seen", "", ""], ["last Tuesday", "", "", "", "Seen", "", ""]]
    result = read_all(csv_bytes(rows), world)
    assert result.problems == [
        [3, "Date", "Date: 31/02/2021 is not a real date: February 2021 has 28 days"],
        [4, "Date", "Date: Enter a real date, like 31/03/2021 or March 2021"],
    ]


def test_a_number_in_the_date_column_is_not_taken_for_a_date(world):
    result = read_all(xlsx_bytes([[44286, "", "", "", "Seen", "", ""]]), world)
    assert "holds the number 44286, not a date" in result.problems[0][2]


def test_every_problem_of_every_row_is_listed(world):
    rows = [["", "25:00", "", "", "", "maybe", "Uncle Bob"]]
    result = read_all(csv_bytes(rows), world)
    assert [message for _row, _column, message in result.problems] == [
        "Time: Enter a time like 14:30 or 2:30pm",
        "Date: Enter the date, like 31/03/2021 or March 2021",
        "Significance: Enter routine, significant or key practice episode (KPE), not 'maybe'",
        'People: "Uncle Bob" is not on the people register: add them to it, or write their pseudonym or name as '
        "the register has it",
        "What happened: Enter what happened",
    ]
    # A blank row is skipped; a row with a date only lacks what happened.
    result = read_all(csv_bytes([["", "", "", "", "", "", ""], ["01/03/2021"] + [""] * 6]), world)
    assert result.problems == [[3, "What happened", "What happened: Enter what happened"]]


def test_uk_date_forms_times_significance_people_and_sources_become_entry_values(world):
    rows = [
        ["31/03/2021", "14:30", "Custody record", "PC 1234", "Arrest", "KPE", "Child A; Maria Example"],
        ["31-Mar-21", "", "Interview with the health visitor", "", "Seen", "Key practice episode", "mother"],
        ["March 2021", "", "", "", "Seen", "significant", ""],
        ["?22 May 2016", "2pm", "", "", "Seen", "", ""],
        ["31 March 2021", "", "", "", "Seen", "yes", ""],
    ]
    result = read_all(csv_bytes(rows), world)
    assert result.problems == []
    first, second, third, fourth, fifth = (values for _number, values in result.rows)
    assert first["occurred_on"] == date(2021, 3, 31)
    assert first["occurred_at"] == time(14, 30)
    assert first["precision"] == "datetime"
    assert first["significance"] == "key"
    assert first["people"] == [world.child.pk, world.mother.pk]
    assert first["source_kind"] == "record"
    assert first["source_file"] == world.police_file.pk
    assert second["occurred_on"] == date(2021, 3, 31)
    assert second["source_kind"] == "interview"
    assert second["people"] == [world.mother.pk]
    assert third["precision"] == "month"
    assert third["significance"] == "significant"
    assert fourth["precision"] == "approximate"
    assert fourth["occurred_at"] == time(14, 0)
    assert fourth["date_text"] == "?22 May 2016, 2pm"
    assert fifth["significance"] == "key"
    assert result.preview[0] == {
        "row": 2,
        "date": "31/03/2021, 2:30pm",
        "what_happened": "Arrest",
        "significance": "Key practice episode",
        "source": "Custody record",
        "people": "Child A, Mother",
    }


def test_excel_dates_and_times_are_taken_as_they_are(world):
    rows = [[datetime(2021, 3, 31), time(9, 15), "", "", "Seen", "", ""], [date(2021, 4, 1), None, "", "", "Seen"]]
    result = read_all(xlsx_bytes(rows), world)
    assert result.problems == []
    (_n1, first), (_n2, second) = result.rows
    assert (first["occurred_on"], first["occurred_at"], first["precision"]) == (
        date(2021, 3, 31),
        time(9, 15),
        "datetime",
    )
    assert (second["occurred_on"], second["occurred_at"], second["precision"]) == (date(2021, 4, 1), None, "day")


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.text(max_size=30), min_size=7, max_size=7))
def test_any_row_is_either_values_or_problems_never_an_exception(world, cells):
    checker = RowChecker.load(world.review, world.police, HEADINGS, detect_mapping(HEADINGS))
    values, problems = checker.check(tuple(cells))
    assert bool(values) != bool(problems)
    for heading, message in problems:
        assert message and (heading == "" or heading in HEADINGS)


@hypothesis_settings(max_examples=40, deadline=None)
@given(content=st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused_with_a_message(content):
    try:
        sheet = open_spreadsheet(io.BytesIO(content))
    except Invalid as refused:
        assert refused.errors["file"]
        return
    for _number, cells in sheet.rows():
        assert isinstance(cells, tuple)


# -- Uploading, mapping, checking, importing -----------------------------------------------------------------------


def test_upload_keeps_the_file_and_matches_the_columns(world, settings):
    chronology_import = upload(world, csv_bytes([good_row(1), good_row(2)]))
    assert chronology_import.status == ImportStatus.WAITING
    assert chronology_import.mapping == {
        "date": 1,
        "time": 2,
        "source": 3,
        "practitioners": 4,
        "what_happened": 5,
        "significance": 6,
        "people": 7,
    }
    assert chronology_import.rows_total == 2
    assert chronology_import.file_kind == "csv"
    kept = settings.MEDIA_ROOT / "imports" / chronology_import.sha256[:2] / chronology_import.sha256
    assert kept.read_bytes() == csv_bytes([good_row(1), good_row(2)])
    assert AuditEvent.objects.filter(action="chronology.import_uploaded").count() == 1


def test_a_refused_upload_keeps_nothing(world, settings):
    with pytest.raises(Invalid):
        upload(world, b"%PDF-1.7\n%%EOF\n", name="chronology.xlsx")
    assert not ChronologyImport.objects.exists()
    assert not (settings.MEDIA_ROOT / "imports").exists()


@pytest.mark.parametrize("who", ["police_senior", "health_imr", "board_manager", "lead_reviewer"])
def test_only_the_agencys_imr_author_imports(world, who):
    with pytest.raises(NotAllowed):
        upload(world, csv_bytes([good_row()]), who=who)


def test_mapping_needs_a_date_and_what_happened_each_from_one_column(world):
    chronology_import = upload(world, csv_bytes([good_row()]))
    actor = world.users["police_imr"]
    with pytest.raises(Invalid) as raised:
        import_map(actor=actor, chronology_import=chronology_import, mapping={"date": 1, "source": 1})
    assert raised.value.errors == {
        "source": "Choose a different column for the source reference: column A is chosen for the date",
        "what_happened": "Choose the column that holds what happened",
    }


def test_mapping_a_small_file_checks_it_at_once_with_a_preview(world):
    chronology_import = upload(world, csv_bytes([good_row(day) for day in range(1, 16)]))
    checked = import_map(
        actor=world.users["police_imr"], chronology_import=chronology_import, mapping=chronology_import.mapping
    )
    assert checked.is_ready
    assert checked.rows_total == 15
    assert len(checked.preview) == 10
    assert checked.preview[0]["what_happened"] == "Home visit: Child A seen"


def test_a_file_with_problems_cannot_be_imported_until_the_mapping_or_the_file_is_fixed(world):
    rows = [good_row(1), ["31/02/2021", "", "", "", "Seen", "", ""]]
    chronology_import = upload(world, csv_bytes(rows))
    actor = world.users["police_imr"]
    checked = import_map(actor=actor, chronology_import=chronology_import, mapping=chronology_import.mapping)
    assert checked.status == ImportStatus.FAILED
    assert checked.row_errors == [[3, "Date", "Date: 31/02/2021 is not a real date: February 2021 has 28 days"]]
    with pytest.raises(Conflict):
        import_confirm(actor=actor, chronology_import=checked)
    assert not ChronologyEntry.objects.exists()


def test_import_adds_every_row_to_the_agencys_draft(world):
    chronology_import = upload(world, csv_bytes([good_row(day) for day in range(1, 6)]))
    actor = world.users["police_imr"]
    checked = import_map(actor=actor, chronology_import=chronology_import, mapping=chronology_import.mapping)
    done = import_confirm(actor=actor, chronology_import=checked)
    assert done.status == ImportStatus.DONE
    assert done.entries_added == 5
    draft = ChronologyVersion.objects.get(review=world.review, agency=world.police, submitted_at__isnull=True)
    assert done.version == draft
    entries = list(ChronologyEntry.objects.filter(version=draft).order_by("occurred_on"))
    assert [entry.occurred_on.day for entry in entries] == [1, 2, 3, 4, 5]
    assert entries[0].source_reference == "Case notes p. 4"
    assert list(entries[0].people.all()) == [world.child]
    assert AuditEvent.objects.filter(action="chronology.imported").count() == 1
    with pytest.raises(Conflict, match="already imported"):
        import_confirm(actor=actor, chronology_import=done)


def test_nothing_is_saved_when_row_9999_is_bad(world):
    rows = [good_row(1 + day % 28, f"Event {day}") for day in range(9_997)]
    rows.append(["31/02/2021", "", "", "", "The bad one", "", ""])
    with pytest.raises(Invalid) as raised:
        import_file(
            actor=world.users["police_imr"],
            review=world.fresh_review(),
            agency=world.police,
            file=ContentFile(csv_bytes(rows)),
            name="long.csv",
        )
    assert raised.value.errors == {"row 9999": "Date: 31/02/2021 is not a real date: February 2021 has 28 days"}
    assert not ChronologyEntry.objects.exists()
    assert not ChronologyVersion.objects.filter(agency=world.police).exists()
    assert not ChronologyImport.objects.exists()


def test_rows_only_the_entries_rules_refuse_are_numbered_as_in_the_file_and_nothing_is_saved(world):
    rows = [good_row(1 + day % 28, f"Event {day}") for day in range(3_000)]
    rows[1_500][4] = ""  # spreadsheet row 1,502: no "what happened"
    rows[2_500][3] = "Health visitor " * 30  # row 2,502: too long for the practitioner's role
    with pytest.raises(Invalid) as raised:
        import_file(
            actor=world.users["police_imr"],
            review=world.fresh_review(),
            agency=world.police,
            file=ContentFile(csv_bytes(rows)),
            name="long.csv",
        )
    assert raised.value.errors == {
        "row 1502": "What happened: Enter what happened",
        "row 2502": "Practitioner / Role: Practitioners must be 300 characters or fewer",
    }
    assert not ChronologyEntry.objects.exists()


def test_import_file_refuses_a_file_without_the_required_columns(world):
    with pytest.raises(Invalid) as raised:
        import_file(
            actor=world.users["police_imr"],
            review=world.fresh_review(),
            agency=world.police,
            file=ContentFile(b"When it was,Notes\r\n01/03/2021,Seen\r\n"),
            name="odd.csv",
        )
    assert raised.value.errors == {
        "file": 'The file has no "Date" and "What happened" column: name the columns like the template\'s '
        '(headings found: "When it was", "Notes")'
    }


def test_a_draft_submitted_between_the_check_and_the_import_is_not_imported_into(world):
    from casereview.chronology.services import chronology_submit, entry_add

    chronology_import = upload(world, csv_bytes([good_row()]))
    actor = world.users["police_imr"]
    checked = import_map(actor=actor, chronology_import=chronology_import, mapping=chronology_import.mapping)
    draft = world.draft()
    entry_add(actor=actor, version=draft, date="01/01/2021", what_happened="Earlier")
    chronology_submit(actor=actor, version=draft)
    done = import_confirm(actor=actor, chronology_import=checked)
    # The import starts the next version (a copy of the submitted one) and adds to it.
    assert done.status == ImportStatus.DONE
    assert done.version.number == 2
    assert done.version.entries.count() == 2


# -- The background path ------------------------------------------------------------------------------------------


@pytest.fixture
def small_background(settings):
    settings.CASEREVIEW_CHRONOLOGY_BACKGROUND_ROWS = 3
    settings.TASKS = IMMEDIATE


def test_a_large_file_is_checked_and_imported_in_the_background_with_progress(
    world, small_background, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    seen = []
    real_progress = imports._progress_of

    def watching(chronology_import):
        update = real_progress(chronology_import)

        def progress(done):
            update(done)
            seen.append(ChronologyImport.objects.get(pk=chronology_import.pk).rows_done)

        return progress

    monkeypatch.setattr(imports, "_progress_of", watching)
    chronology_import = upload(world, csv_bytes([good_row(day) for day in range(1, 8)]))
    actor = world.users["police_imr"]
    with django_capture_on_commit_callbacks(execute=True):
        checking = import_map(actor=actor, chronology_import=chronology_import, mapping=chronology_import.mapping)
    assert checking.status == ImportStatus.CHECKING  # as the page saw it; the task ran on commit
    checked = ChronologyImport.objects.get(pk=chronology_import.pk)
    assert checked.is_ready
    assert checked.task_id
    assert seen == [2, 4, 6]
    with django_capture_on_commit_callbacks(execute=True):
        importing = import_confirm(actor=actor, chronology_import=checked)
    assert importing.status == ImportStatus.IMPORTING
    done = ChronologyImport.objects.get(pk=chronology_import.pk)
    assert done.status == ImportStatus.DONE
    assert done.entries_added == 7
    assert done.rows_done == 7


def test_the_database_backend_queues_the_check_for_the_worker(world, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.CASEREVIEW_CHRONOLOGY_BACKGROUND_ROWS = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    chronology_import = upload(world, csv_bytes([good_row(day) for day in range(1, 8)]))
    with django_capture_on_commit_callbacks(execute=True):
        import_map(
            actor=world.users["police_imr"], chronology_import=chronology_import, mapping=chronology_import.mapping
        )
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "casereview.chronology.tasks.chronology_import_check"
    assert queued.args_kwargs == {"args": [chronology_import.pk], "kwargs": {}}
    still = ChronologyImport.objects.get(pk=chronology_import.pk)
    assert still.status == ImportStatus.CHECKING
    assert still.task_id == str(queued.id)


def test_a_background_check_that_crashes_says_nothing_was_imported(
    world, small_background, django_capture_on_commit_callbacks, monkeypatch
):
    def crash(**_kwargs):
        raise RuntimeError("boom")

    chronology_import = upload(world, csv_bytes([good_row(day) for day in range(1, 8)]))
    monkeypatch.setattr(imports, "_read", crash)
    with django_capture_on_commit_callbacks(execute=True):
        import_map(
            actor=world.users["police_imr"], chronology_import=chronology_import, mapping=chronology_import.mapping
        )
    failed = ChronologyImport.objects.get(pk=chronology_import.pk)
    assert failed.status == ImportStatus.FAILED
    assert failed.problem.startswith("Something went wrong while reading the file: nothing was imported")


def test_a_task_delivered_twice_imports_once(world, small_background, django_capture_on_commit_callbacks):
    from casereview.chronology.tasks import chronology_import_rows

    chronology_import = upload(world, csv_bytes([good_row(day) for day in range(1, 8)]))
    actor = world.users["police_imr"]
    with django_capture_on_commit_callbacks(execute=True):
        import_map(actor=actor, chronology_import=chronology_import, mapping=chronology_import.mapping)
    with django_capture_on_commit_callbacks(execute=True):
        import_confirm(actor=actor, chronology_import=ChronologyImport.objects.get(pk=chronology_import.pk))
    assert chronology_import_rows.call(chronology_import.pk) == "skipped"
    assert ChronologyEntry.objects.count() == 7


@override_settings(CASEREVIEW_CHRONOLOGY_BACKGROUND_ROWS=3)
def test_import_check_keeps_the_first_problem_rows_numbered_as_in_the_file(world):
    content = xlsx_bytes([good_row(1), [None] * 7, ["=NOW()", "", "", "", "x", "", ""]])
    chronology_import = upload(world, content, name="file.xlsx")
    chronology_import.mapping = detect_mapping(HEADINGS)
    chronology_import.status = ImportStatus.CHECKING
    chronology_import.save()
    checked = import_check(chronology_import=chronology_import)
    assert checked.row_errors == [[4, "Date", "The Date cell holds a formula (=NOW()): type its value instead"]]
