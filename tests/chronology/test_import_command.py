"""`casereview chronology import --review REF --agency NAME FILE [--as EMAIL]`: exit 0 and a summary when every row
is imported; non-zero with each bad row's number and reason on stderr, and nothing imported, otherwise."""

import io
from unittest import mock

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from openpyxl import Workbook

from casereview.chronology.models import ChronologyEntry, ChronologyImport, ChronologyVersion
from tests.chronology.entries_world import build_chronology_world

HEADINGS = "Date,Time,Source reference,Practitioner,What happened,Significance,People"


@pytest.fixture(autouse=True)
def import_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(board, manager, chair):
    return build_chronology_world(board, manager, chair)


def write_csv(tmp_path, *rows: str, name="police.csv"):
    path = tmp_path / name
    path.write_text("\r\n".join([HEADINGS, *rows]) + "\r\n", encoding="utf-8")
    return path


def run(world, path, *extra, agency=None):
    """The command as the shell runs it: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["casereview", "chronology", "import", "--review", world.review.reference]
    argv += ["--agency", agency or world.police.name, *extra, str(path)]
    import sys

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        # Django closes every connection when a command run from the shell ends: on PostgreSQL that would close
        # the test's own connection, inside its transaction.
        with mock.patch("django.core.management.base.connections.close_all"):
            execute_from_command_line(argv)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    finally:
        sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


def test_a_good_file_is_imported_with_exit_0_and_a_one_line_summary(world, tmp_path):
    path = write_csv(
        tmp_path,
        "31/03/2021,14:30,Custody record,PC 1234,Arrested at home,KPE,Child A; Mother",
        "?22 May 2016,,Case notes,Health visitor,Seen at clinic,routine,Child A",
    )
    code, out, err = run(world, path)
    assert code == 0, err
    assert out == (
        f"Imported 2 entries from police.csv into Northshire Police's draft chronology (version 1) on "
        f"{world.review.reference}\n"
    )
    draft = ChronologyVersion.objects.get(agency=world.police)
    assert draft.created_by == world.users["police_imr"]
    assert ChronologyEntry.objects.filter(version=draft).count() == 2
    assert ChronologyImport.objects.get().created_by == world.users["police_imr"]


def test_bad_rows_are_each_reported_on_stderr_with_a_non_zero_exit_and_nothing_is_imported(world, tmp_path):
    path = write_csv(
        tmp_path,
        "31/03/2021,,,,Seen,,",
        "31/02/2021,,,,Seen,,",
        "soon,,,,Seen,,Uncle Bob",
        "=TODAY(),,,,Seen,,",
    )
    code, out, err = run(world, path)
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "row 3: Date: 31/02/2021 is not a real date: February 2021 has 28 days",
        "row 4: Date: Enter a real date, like 31/03/2021 or March 2021",
        'row 4: People: "Uncle Bob" is not on the people register: add them to it, or write their pseudonym or name '
        "as the register has it",
        "row 5: the Date cell holds a formula (=TODAY()): type its value instead",
        "CommandError: Nothing imported: 3 rows with problems",
    ]
    assert not ChronologyEntry.objects.exists()
    assert not ChronologyImport.objects.exists()


def test_an_xlsx_with_a_formula_is_refused_row_by_row(world, tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADINGS.split(","))
    workbook.active.append(["01/03/2021", "", "", "", "Seen", "", ""])
    workbook.active.append(["=TODAY()", "", "", "", "Seen", "", ""])
    path = tmp_path / "police.xlsx"
    workbook.save(path)
    code, _out, err = run(world, path)
    assert code == 1
    assert err.splitlines()[0] == "row 3: the Date cell holds a formula (=TODAY()): type its value instead"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The selected file is empty"),
        (b"%PDF-1.7\n%%EOF\n", "The selected file is a PDF document, not a spreadsheet"),
        (b"Date,What happened\r\n01/03/2021,Caf\x81\x8d\r\n", "The selected file's text is not in an encoding"),
        (b"Date,What happened\r\n", "The selected file has headings but no rows of events below them"),
        (b"Day,Notes\r\n01/03/2021,Seen\r\n", 'The file has no "Date" and "What happened" column'),
    ],
)
def test_a_file_that_cannot_be_read_says_why(world, tmp_path, content, message):
    path = tmp_path / "police.xlsx"
    path.write_bytes(content)
    code, _out, err = run(world, path)
    assert code == 1
    assert err.splitlines()[0].startswith(message)
    assert err.splitlines()[-1] == "CommandError: Nothing imported"
    assert not ChronologyEntry.objects.exists()


def test_as_names_who_imports_and_their_permission_is_checked(world, tmp_path):
    path = write_csv(tmp_path, "01/03/2021,,,,Seen,,")
    code, _out, err = run(world, path, "--as", world.users["police_senior"].email)
    assert code == 1
    assert "You do not have permission to import entries into this agency's chronology" in err
    code, _out, err = run(world, path, "--as", world.users["health_imr"].email, agency=world.health.name)
    assert code == 0, err
    assert ChronologyVersion.objects.get().agency == world.health


def test_unknown_review_agency_file_or_missing_imr_author_are_refused(world, tmp_path, board):
    from tests.factories import AgencyFactory

    path = write_csv(tmp_path, "01/03/2021,,,,Seen,,")
    with pytest.raises(CommandError, match="No review has the reference 'SCR-NOPE'"):
        call_command("chronology", "import", "--review", "SCR-NOPE", "--agency", "x", str(path))
    with pytest.raises(CommandError, match="has no agency named 'Nobody'"):
        call_command("chronology", "import", "--review", world.review.reference, "--agency", "Nobody", str(path))
    AgencyFactory(board=board, name="Housing")
    with pytest.raises(CommandError, match="Housing has no IMR author on"):
        call_command("chronology", "import", "--review", world.review.reference, "--agency", "housing", str(path))
    with pytest.raises(CommandError, match="There is no file at"):
        call_command(
            "chronology", "import", "--review", world.review.reference, "--agency", world.police.name, "nope.csv"
        )
