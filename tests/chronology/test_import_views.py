"""The import pages and API operations: upload, choose the columns, see every problem or a preview, import, follow a
background import's progress; and the template download."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from casereview.chronology.imports import PARTS
from casereview.chronology.models import ChronologyEntry, ChronologyImport, ImportStatus
from tests.chronology.entries_world import build_chronology_world
from tests.web import api_call, error_summary, field_error, page, signed_in

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
GOOD = (
    b"Date,Time,Source,Practitioner / Role,Event,Significance,People\r\n"
    b"31/03/2021,14:30,Custody record,PC 1234,Arrested at home,KPE,Child A\r\n"
    b"?22 May 2016,,Case notes p. 4,Health visitor,Seen at clinic,routine,Mother\r\n"
)
BAD = b"Date,What happened\r\n31/03/2021,Seen\r\n31/02/2021,Seen\r\nlast week,Seen\r\n"


@pytest.fixture(autouse=True)
def import_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(board, manager, chair):
    return build_chronology_world(board, manager, chair)


@pytest.fixture
def author(world):
    return signed_in(world.users["police_imr"])


def upload_url(world):
    return reverse("chronology:import", args=[world.review.pk, world.police.pk])


def upload(client, world, content=GOOD, name="police.csv"):
    return client.post(upload_url(world), {"file": SimpleUploadedFile(name, content, "text/csv")})


def latest_import() -> ChronologyImport:
    return ChronologyImport.objects.latest("pk")


def columns_data(chronology_import, **changes) -> dict:
    data = {part: str(number) for part, number in chronology_import.mapping.items()}
    data.update(changes)
    return data


def test_the_upload_page_offers_the_template_and_a_file_box(world, author):
    response = author.get(upload_url(world))
    assert response.status_code == 200
    doc = page(response)
    assert doc.find("h1").text == "Import entries from a spreadsheet"
    assert doc.find_all("a", href=reverse("chronology:import-template"))
    assert doc.find_all("input", type="file")


def test_the_template_downloads_as_an_xlsx(world, author):
    response = author.get(reverse("chronology:import-template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="chronology-template.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.active["A1"].value == "Date"


def test_upload_map_check_and_import_a_small_file(world, author):
    response = upload(author, world)
    chronology_import = latest_import()
    columns = reverse("chronology:import-columns", args=[world.review.pk, chronology_import.pk])
    assert response.status_code == 302 and response["Location"] == columns

    doc = page(author.get(columns))
    assert doc.find("h1").text == "Choose which column holds what"
    assert "Arrested at home" in doc.root.text
    date_select = doc.find("select", id="id_date")
    assert [option.attrs.get("value") for option in date_select.children if "selected" in option.attrs] == ["1"]

    response = author.post(columns, columns_data(chronology_import))
    check = reverse("chronology:import-check", args=[world.review.pk, chronology_import.pk])
    assert response["Location"] == check
    doc = page(author.get(check))
    assert doc.find("h1").text == "Check your import"
    assert "Arrested at home" in doc.root.text
    assert "Import 2 entries" in [button.text for button in doc.find_all("button")]

    response = author.post(check)
    result = reverse("chronology:import-result", args=[world.review.pk, chronology_import.pk])
    assert response["Location"] == result
    doc = page(author.get(result))
    assert "2 entries added to Northshire Police's draft chronology" in doc.root.text
    assert ChronologyEntry.objects.filter(version__agency=world.police).count() == 2
    # A finished import's pages lead to its result.
    assert author.get(check)["Location"] == result
    assert author.get(columns)["Location"] == result


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_page(world, author):
    response = upload(author, world, b"%PDF-1.7\n%%EOF\n", name="chronology.xlsx")
    assert response.status_code == 200
    assert list(error_summary(response)) == [
        "The selected file is a PDF document, not a spreadsheet: upload a CSV or Excel (.xlsx) file"
    ]
    assert not ChronologyImport.objects.exists()


def test_no_file_chosen_says_select_one(world, author):
    response = author.post(upload_url(world), {})
    assert field_error(response, "id_file") == "Select a CSV or Excel file"


def test_a_file_over_the_size_limit_is_refused_while_it_arrives(world, author, settings):
    settings.CASEREVIEW_CHRONOLOGY_MAX_BYTES = 100
    response = upload(author, world)
    assert field_error(response, "id_file") == "The selected file must be smaller than 100 bytes"
    assert not ChronologyImport.objects.exists()


def test_the_columns_page_needs_a_date_and_what_happened(world, author):
    upload(author, world)
    chronology_import = latest_import()
    columns = reverse("chronology:import-columns", args=[world.review.pk, chronology_import.pk])
    response = author.post(columns, columns_data(chronology_import, date="", what_happened="6"))
    assert set(error_summary(response)) == {
        "Choose the column that holds the date",
        "Choose a different column for the significance: column F is chosen for what happened",
    }
    assert field_error(response, "id_date") == "Choose the column that holds the date"


def test_every_rows_problem_is_listed_and_nothing_can_be_imported(world, author):
    upload(author, world, BAD)
    chronology_import = latest_import()
    columns = reverse("chronology:import-columns", args=[world.review.pk, chronology_import.pk])
    response = author.post(columns, columns_data(chronology_import))
    check = reverse("chronology:import-check", args=[world.review.pk, chronology_import.pk])
    assert response["Location"] == check
    response = author.get(check)
    doc = page(response)
    assert doc.find("h1").text == "There is a problem with your file"
    rows = [[cell.text for cell in row.children if cell.tag in ("th", "td")] for row in doc.find_all("tr")][1:]
    assert rows == [
        ["3", "Date", "31/02/2021 is not a real date: February 2021 has 28 days"],
        ["4", "Date", "Enter a real date, like 31/03/2021 or March 2021"],
    ]
    assert not [button for button in doc.find_all("button") if button.text.startswith("Import")]
    response = author.post(check)
    assert response.status_code == 302
    assert not ChronologyEntry.objects.exists()


def test_a_large_file_is_checked_in_the_background_with_a_progress_page_that_never_reloads_itself(
    world, author, settings
):
    """WCAG 2.2.1: no timed refresh. A button checks again; with JavaScript the bar follows the import's API."""
    settings.CASEREVIEW_CHRONOLOGY_BACKGROUND_ROWS = 1
    upload(author, world)
    chronology_import = latest_import()
    columns = reverse("chronology:import-columns", args=[world.review.pk, chronology_import.pk])
    response = author.post(columns, columns_data(chronology_import))  # the worker has not run: it is queued
    progress = reverse("chronology:import-progress", args=[world.review.pk, chronology_import.pk])
    assert response["Location"] == progress
    response = author.get(progress)
    doc = page(response)
    assert doc.find("h1").text == "Checking your file"
    assert not doc.find_all("meta", http_equiv="refresh")
    assert doc.find("progress").attrs["max"] == "2"
    assert doc.find("a", role="button").attrs["href"] == progress
    status_url = doc.find(data_module="app-import-progress").attrs["data-status-url"]
    assert author.get(status_url).json()["status"] == "checking"


def test_the_background_path_runs_to_the_result(world, author, settings, django_capture_on_commit_callbacks):
    settings.CASEREVIEW_CHRONOLOGY_BACKGROUND_ROWS = 1
    settings.TASKS = IMMEDIATE
    upload(author, world)
    chronology_import = latest_import()
    columns = reverse("chronology:import-columns", args=[world.review.pk, chronology_import.pk])
    with django_capture_on_commit_callbacks(execute=True):
        author.post(columns, columns_data(chronology_import))
    progress = reverse("chronology:import-progress", args=[world.review.pk, chronology_import.pk])
    check = reverse("chronology:import-check", args=[world.review.pk, chronology_import.pk])
    assert author.get(progress)["Location"] == check  # finished: on to the preview
    with django_capture_on_commit_callbacks(execute=True):
        response = author.post(check)
    assert response["Location"] == progress
    result = reverse("chronology:import-result", args=[world.review.pk, chronology_import.pk])
    assert author.get(progress)["Location"] == result
    assert latest_import().status == ImportStatus.DONE


@pytest.mark.parametrize("who", ["police_senior", "health_imr", "lead_reviewer", "board_manager"])
def test_only_the_agencys_imr_author_sees_its_imports(world, author, who):
    upload(author, world)
    chronology_import = latest_import()
    client = signed_in(world.users[who])
    assert client.get(upload_url(world)).status_code == 404
    for name in ("chronology:import-columns", "chronology:import-check", "chronology:import-result"):
        assert client.get(reverse(name, args=[world.review.pk, chronology_import.pk])).status_code == 404


# -- API ------------------------------------------------------------------------------------------------------


def api_upload(client, world, content=GOOD, name="police.csv"):
    url = f"/api/reviews/{world.review.pk}/chronology/agencies/{world.police.pk}/imports"
    return client.post(url, {"file": SimpleUploadedFile(name, content, "text/csv")})


def test_api_upload_returns_the_mapping_problems_and_preview(world):
    client = signed_in(world.users["police_imr"])
    response = api_upload(client, world)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "waiting"
    assert body["checked"] is True
    assert body["mapping"] == {
        "date": 1,
        "time": 2,
        "source": 3,
        "practitioners": 4,
        "what_happened": 5,
        "significance": 6,
        "people": 7,
    }
    assert body["columns"][4] == {"number": 5, "letter": "E", "heading": "Event", "part": "what_happened"}
    assert body["problems"] == []
    assert body["preview"][0]["what_happened"] == "Arrested at home"

    response = api_upload(client, world, BAD)
    assert response.json()["problems"] == [
        {"row": 3, "column": "Date", "message": "Date: 31/02/2021 is not a real date: February 2021 has 28 days"},
        {"row": 4, "column": "Date", "message": "Date: Enter a real date, like 31/03/2021 or March 2021"},
    ]


def test_api_upload_refuses_what_is_not_a_spreadsheet(world):
    response = api_upload(signed_in(world.users["police_imr"]), world, b"%PDF-1.7\n%%EOF\n")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "file": "The selected file is a PDF document, not a spreadsheet: upload a CSV or Excel (.xlsx) file"
    }


def test_api_confirm_imports_with_a_mapping_and_reports_progress(world):
    client = signed_in(world.users["police_imr"])
    content = b"When it was,Notes\r\n31/03/2021,Seen at home\r\n01/04/2021,Seen at school\r\n"
    created = api_upload(client, world, content).json()
    assert created["missing"] == ["date", "what_happened"]
    assert created["checked"] is False
    url = f"/api/reviews/{world.review.pk}/chronology/imports/{created['id']}"
    response = api_call(client, "POST", f"{url}/import", {"mapping": {"date": 1, "what_happened": 2}})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    assert response.json()["entries_added"] == 2
    progress = api_call(client, "GET", url).json()
    assert (progress["status"], progress["rows_done"], progress["rows_total"]) == ("done", 2, 2)


def test_api_confirm_with_bad_rows_answers_400_and_imports_nothing(world):
    client = signed_in(world.users["police_imr"])
    created = api_upload(client, world, BAD).json()
    url = f"/api/reviews/{world.review.pk}/chronology/imports/{created['id']}/import"
    response = api_call(client, "POST", url, {"mapping": {"date": 1, "what_happened": 2}})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "row 3": "Date: 31/02/2021 is not a real date: February 2021 has 28 days",
        "row 4": "Date: Enter a real date, like 31/03/2021 or March 2021",
    }
    assert not ChronologyEntry.objects.exists()
    response = api_call(client, "POST", url, {"mapping": {"date": 1}})
    assert response.status_code == 400
    assert response.json()["errors"] == {"what_happened": "Choose the column that holds what happened"}


def test_api_confirm_of_a_large_file_checks_and_imports_in_the_background(world, settings):
    settings.CASEREVIEW_CHRONOLOGY_BACKGROUND_ROWS = 1
    client = signed_in(world.users["police_imr"])
    content = b"When it was,Notes\r\n31/03/2021,Seen at home\r\n01/04/2021,Seen at school\r\n"
    created = api_upload(client, world, content).json()
    url = f"/api/reviews/{world.review.pk}/chronology/imports/{created['id']}"
    response = api_call(client, "POST", f"{url}/import", {"mapping": {"date": 1, "what_happened": 2}})
    assert response.status_code == 202
    assert response.json()["status"] == "checking"
    # A second confirmation while it runs is refused.
    assert api_call(client, "POST", f"{url}/import", {}).status_code == 409
    settings.TASKS = IMMEDIATE
    from casereview.chronology.tasks import chronology_import_check

    assert chronology_import_check.call(created["id"]) == "done"  # what the worker does: check, then import
    done = api_call(client, "GET", url).json()
    assert done["status"] == "done"
    assert done["entries_added"] == 2


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)
@given(values=st.lists(st.text(max_size=12), min_size=11, max_size=11))
def test_any_choice_of_columns_is_answered_without_a_server_error(world, author, values):
    if not ChronologyImport.objects.exists():
        upload(author, world)
    chronology_import = latest_import()
    ChronologyImport.objects.filter(pk=chronology_import.pk).update(status=ImportStatus.WAITING)
    columns = reverse("chronology:import-columns", args=[world.review.pk, chronology_import.pk])
    data = dict(zip([part.code for part in PARTS], values, strict=True))
    assert author.post(columns, data).status_code in (200, 302)


def test_api_confirm_refuses_unknown_parts_and_columns(world):
    client = signed_in(world.users["police_imr"])
    created = api_upload(client, world).json()
    url = f"/api/reviews/{world.review.pk}/chronology/imports/{created['id']}/import"
    response = api_call(client, "POST", url, {"mapping": {"date": 1, "what_happened": 99, "colour": 2}})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "what_happened": "Choose a column of the file for what happened, or none",
        "mapping": "Unknown parts of an entry: colour",
    }
    assert api_call(client, "POST", url, {"mapping": {"date": "A"}}).status_code == 422
    assert not ChronologyEntry.objects.exists()
