"""The vault pages through the test client: upload without JavaScript, download, secured, and agency walls."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from casereview.audit.models import AuditEvent
from casereview.records.models import CaseRecordFile, RecordsSecured
from casereview.records.services import record_upload, records_secure
from tests.factories import today
from tests.records import files
from tests.records.test_services import stored_files
from tests.web import date_parts, error_summary, field_error, page, signed_in


def upload_url(held, agency=None):
    return reverse("records:upload", args=[held.review.pk, (agency or held.police).pk])


def post_file(client, url, data: bytes, name="case file.pdf", title=""):
    return client.post(url, {"title": title, "file": SimpleUploadedFile(name, data, "application/pdf")})


def test_upload_page_is_a_multipart_govuk_form(held):
    response = signed_in(held.users["police_imr"]).get(upload_url(held))
    doc = page(response)
    file_input = doc.find(id="id_file")
    form = next(a for a in file_input.ancestors() if a.tag == "form")
    assert (form.attrs["method"], form.attrs["enctype"]) == ("post", "multipart/form-data")
    assert file_input.attrs["type"] == "file"
    assert "govuk-file-upload" in file_input.classes


def test_upload_through_the_page_keeps_the_file(held, vault_storage):
    response = post_file(signed_in(held.users["police_imr"]), upload_url(held), files.PDF, title="Case file")
    assert response.status_code == 302
    assert response["Location"] == reverse("records:agency", args=[held.review.pk, held.police.pk])
    stored = CaseRecordFile.objects.get()
    assert (stored.name, stored.record.title, stored.version) == ("case file.pdf", "Case file", 1)
    assert len(stored_files(vault_storage)) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The selected file is empty"),
        (files.EXE, "Windows program"),
        (files.with_declared_size(files.docx(), "word/document.xml", 300 * 1024 * 1024), "archive bomb"),
    ],
)
def test_refused_upload_shows_the_reason_on_the_field_and_leaves_nothing(held, vault_storage, tmp_path, data, message):
    temp = tmp_path / "uploads"
    temp.mkdir()
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(temp), FILE_UPLOAD_MAX_MEMORY_SIZE=10):
        response = post_file(signed_in(held.users["police_imr"]), upload_url(held), data)
    assert response.status_code == 200
    assert message in field_error(response, "id_file")
    assert any(message in text for text in error_summary(response))
    assert not CaseRecordFile.objects.exists()
    assert not stored_files(vault_storage)
    assert not list(temp.iterdir()), "a temporary upload file was left behind"


def test_oversized_upload_is_stopped_while_it_arrives(held, vault_storage, tmp_path):
    temp = tmp_path / "uploads"
    temp.mkdir()
    with override_settings(
        CASEREVIEW_VAULT_MAX_BYTES=1000, FILE_UPLOAD_TEMP_DIR=str(temp), FILE_UPLOAD_MAX_MEMORY_SIZE=10
    ):
        response = post_file(signed_in(held.users["police_imr"]), upload_url(held), files.PDF + b"0" * 200_000)
    assert response.status_code == 200
    assert field_error(response, "id_file") == "The selected file must be smaller than 1000 bytes"
    assert not CaseRecordFile.objects.exists() and not stored_files(vault_storage)
    assert not list(temp.iterdir())


def test_upload_without_a_file_asks_for_one(held):
    response = signed_in(held.users["police_imr"]).post(upload_url(held), {"title": "Case file"})
    assert field_error(response, "id_file") == "Select a file"


def test_download_is_an_attachment_with_the_sanitised_name_and_is_audited(held):
    stored = record_upload(
        actor=held.users["police_imr"],
        vault=held.vault(),
        file=SimpleUploadedFile("x", files.PDF),
        name='..\\evil"name\r\n.exe',
    )
    response = signed_in(held.users["lead_reviewer"]).get(reverse("records:download", args=[held.review.pk, stored.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "evil_name.exe.pdf" in disposition
    assert "\r" not in disposition and "\n" not in disposition
    assert AuditEvent.objects.filter(action="record.downloaded", actor=held.users["lead_reviewer"]).count() == 1


def test_imr_author_of_one_agency_never_reaches_another_agencys_records(held):
    health_file = record_upload(
        actor=held.users["health_imr"], vault=held.vault(held.health), file=SimpleUploadedFile("x", files.PDF), name="a"
    )
    client = signed_in(held.users["police_imr"])
    for url in [
        reverse("records:download", args=[held.review.pk, health_file.pk]),
        reverse("records:agency", args=[held.review.pk, held.health.pk]),
        reverse("records:upload", args=[held.review.pk, held.health.pk]),
        reverse("records:secure", args=[held.review.pk, held.health.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert post_file(client, upload_url(held, held.health), files.PDF).status_code == 404
    vault_page = client.get(reverse("records:vault", args=[held.review.pk])).content.decode()
    assert "Northshire Police" in vault_page and "Northshire NHS Trust" not in vault_page


def test_panel_sees_every_agency(held):
    response = signed_in(held.users["panel_member"]).get(reverse("records:vault", args=[held.review.pk]))
    text = response.content.decode()
    assert "Northshire Police" in text and "Northshire NHS Trust" in text


def test_reading_an_agencys_records_is_audited_as_a_read(held):
    record_upload(actor=held.users["police_imr"], vault=held.vault(), file=SimpleUploadedFile("x", files.PDF), name="a")
    response = signed_in(held.users["panel_chair"]).get(
        reverse("records:agency", args=[held.review.pk, held.police.pk])
    )
    assert response.status_code == 200
    assert "a.pdf" in response.content.decode()
    event = AuditEvent.objects.get(action="records.viewed")
    assert (event.actor, event.review_id, event.data) == (
        held.users["panel_chair"],
        held.review.pk,
        {"agency": held.police.pk, "files": 1},
    )


def test_confirming_records_secured_through_the_page(held):
    url = reverse("records:secure", args=[held.review.pk, held.police.pk])
    client = signed_in(held.users["police_senior"])
    response = client.post(url, {**date_parts("secured_on", today()), "note": "Case files copied and locked"})
    assert response.status_code == 302
    secured = RecordsSecured.objects.get()
    assert (secured.agency, secured.recorded_by) == (held.police, held.users["police_senior"])
    refused = client.post(url, date_parts("secured_on", today()))
    assert "already confirmed" in page(refused).find("div", cls="govuk-error-summary").text


def test_secured_page_asks_for_the_date(held):
    url = reverse("records:secure", args=[held.review.pk, held.police.pk])
    response = signed_in(held.users["board_manager"]).post(url, date_parts("secured_on", None))
    assert field_error(response, "id_secured_on").startswith("Enter the date the records were secured")


def test_workspace_shows_records_secured_per_agency_at_set_up(held):
    review_url = reverse("reviews:review", args=[held.review.pk])
    police_page = signed_in(held.users["police_imr"]).get(review_url).content.decode()
    assert "Records secured: Northshire Police" in police_page
    assert "Records secured: Northshire NHS Trust" in police_page
    assert reverse("records:agency", args=[held.review.pk, held.police.pk]) in police_page
    assert reverse("records:agency", args=[held.review.pk, held.health.pk]) not in police_page
    records_secure(actor=held.users["board_manager"], vault=held.vault(), secured_on=today())
    manager_page = page(signed_in(held.users["board_manager"]).get(review_url))
    task = next(
        item
        for item in manager_page.find_all("li", cls="govuk-task-list__item")
        if "Records secured: Northshire Police" in item.text
    )
    assert "Completed" in task.text


def test_review_page_links_to_the_case_records_for_those_who_see_them(held):
    review_url = reverse("reviews:review", args=[held.review.pk])
    vault_url = reverse("records:vault", args=[held.review.pk])
    assert vault_url in signed_in(held.users["panel_member"]).get(review_url).content.decode()
    assert vault_url not in signed_in(held.users["worker"]).get(review_url).content.decode()


def test_nothing_of_the_vault_is_left_in_the_temp_folder_after_a_good_upload(held, tmp_path):
    temp = tmp_path / "uploads"
    temp.mkdir()
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(temp), FILE_UPLOAD_MAX_MEMORY_SIZE=10):
        post_file(signed_in(held.users["police_imr"]), upload_url(held), files.PDF)
    assert not list(Path(temp).iterdir())
