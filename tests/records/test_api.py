"""The vault through the JSON API: scoped list, multipart upload, streamed download, secured; refusals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casereview.records.models import CaseRecordFile
from casereview.records.services import record_upload
from tests.factories import today
from tests.records import files
from tests.records.test_services import stored_files
from tests.web import api_call, bearer, signed_in


def records_url(held):
    return f"/api/reviews/{held.review.pk}/records"


def upload(client, held, agency, data=files.PDF, name="case file.pdf", **fields):
    return client.post(
        f"/api/reviews/{held.review.pk}/records/{agency.pk}/files",
        {"file": SimpleUploadedFile(name, data, "application/pdf"), **fields},
    )


def test_upload_then_list_and_download(held):
    client = bearer(held.users["police_imr"])
    response = upload(client, held, held.police, title="Case file")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["version"], body["kind"], body["content_type"]) == (
        "Case file",
        1,
        "pdf",
        "application/pdf",
    )
    second = upload(client, held, held.police, data=files.docx(), name="x.docx", title="case file")
    assert second.json()["version"] == 2

    listing = api_call(bearer(held.users["panel_chair"]), "GET", records_url(held)).json()
    assert [a["agency_name"] for a in listing] == ["Northshire NHS Trust", "Northshire Police"]
    police = next(a for a in listing if a["agency_id"] == held.police.pk)
    assert [v["version"] for v in police["records"][0]["versions"]] == [2, 1]

    download = bearer(held.users["lead_reviewer"]).get(f"{records_url(held)}/files/{body['id']}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == files.PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")


def test_list_is_scoped_to_the_agency_of_its_staff(held):
    record_upload(
        actor=held.users["health_imr"], vault=held.vault(held.health), file=SimpleUploadedFile("x", files.PDF), name="a"
    )
    listing = api_call(bearer(held.users["police_imr"]), "GET", records_url(held)).json()
    assert [a["agency_id"] for a in listing] == [held.police.pk]
    assert listing[0]["records"] == []


def test_another_agencys_file_is_not_found(held):
    health_file = record_upload(
        actor=held.users["health_imr"], vault=held.vault(held.health), file=SimpleUploadedFile("x", files.PDF), name="a"
    )
    client = bearer(held.users["police_imr"])
    response = client.get(f"{records_url(held)}/files/{health_file.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found", "errors": {}}
    assert upload(client, held, held.health).status_code == 404


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (files.EXE, "Windows program"), (files.SHEBANG, "script"), (b"plain text", "must be one of")],
)
def test_refused_upload_answers_400_with_the_reason_and_keeps_nothing(held, vault_storage, data, reason):
    response = upload(bearer(held.users["police_imr"]), held, held.police, data=data)
    assert response.status_code == 400
    assert reason in response.json()["errors"]["file"]
    assert not CaseRecordFile.objects.exists() and not stored_files(vault_storage)


def test_upload_without_a_file_is_a_422(held):
    response = bearer(held.users["police_imr"]).post(f"{records_url(held)}/{held.police.pk}/files", {"title": "x"})
    assert response.status_code == 422


def test_confirm_secured_once_then_409(held):
    client = signed_in(held.users["police_senior"])
    url = f"{records_url(held)}/{held.police.pk}/secured"
    first = api_call(client, "POST", url, {"secured_on": today(), "note": "Locked"})
    assert first.status_code == 201
    assert first.json()["recorded_by"] == str(held.users["police_senior"])
    again = api_call(client, "POST", url, {"secured_on": today()})
    assert again.status_code == 409
    listing = api_call(client, "GET", records_url(held)).json()
    assert listing[0]["secured"]["note"] == "Locked"


def test_secured_refuses_unknown_fields(held):
    url = f"{records_url(held)}/{held.police.pk}/secured"
    response = api_call(signed_in(held.users["police_imr"]), "POST", url, {"secured_on": today(), "by": "me"})
    assert response.status_code == 422


def test_download_operation_declares_its_errors():
    from casereview.api import api

    paths = api.get_openapi_schema()["paths"]
    for path, operations in paths.items():
        if "/records" in path:
            for operation in operations.values():
                assert {"400", "401", "404", "409", "422"} <= set(map(str, operation["responses"])), path


def test_oversized_upload_is_refused_through_the_api(held, vault_storage, settings):
    settings.CASEREVIEW_VAULT_MAX_BYTES = 500
    response = upload(bearer(held.users["police_imr"]), held, held.police, data=files.PDF + b" " * 1000)
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == "The selected file must be smaller than 500 bytes"
    assert not CaseRecordFile.objects.exists() and not stored_files(vault_storage)
