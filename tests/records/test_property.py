"""Arbitrary bytes uploaded never cause a server error, and a refused file never leaves anything behind."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casereview.core.errors import Invalid
from casereview.records.models import CaseRecordFile
from casereview.records.services import record_upload
from tests.records import files
from tests.records.test_services import stored_files
from tests.web import signed_in

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

# Arbitrary bytes, and arbitrary bytes after a real signature, so the deeper checks are reached too.
PREFIXES = [b"", b"PK\x03\x04", files.OLE2, b"%PDF-", b"From: a\r\nTo: b\r\n", b"\x89PNG\r\n\x1a\n", b"MZ", b"#!"]
CONTENT = st.one_of(
    st.binary(max_size=2048),
    st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=2048)).map(lambda parts: parts[0] + parts[1]),
    st.sampled_from([files.docx(), files.xlsx()]).flatmap(
        lambda zipped: st.integers(0, len(zipped) - 1).map(lambda cut: zipped[:cut])
    ),  # truncated zips
)


@FUZZ
@given(data=CONTENT, name=st.text(max_size=300))
def test_service_keeps_a_file_or_refuses_it_leaving_nothing(held, vault_storage, data, name):
    before_rows = CaseRecordFile.objects.count()
    before_blobs = len(stored_files(vault_storage))
    try:
        stored = record_upload(actor=held.users["police_imr"], vault=held.vault(), file=ContentFile(data), name=name)
    except Invalid as refusal:
        assert refusal.field == "file"
        assert CaseRecordFile.objects.count() == before_rows
        assert len(stored_files(vault_storage)) == before_blobs
    else:
        assert stored.size == len(data) and "/" not in stored.name and "\\" not in stored.name
        assert not any(ord(ch) < 32 for ch in stored.name)


@FUZZ
@given(data=CONTENT, name=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=100))
def test_page_upload_never_fails(held, vault_storage, data, name):
    url = reverse("records:upload", args=[held.review.pk, held.police.pk])
    before_blobs = len(stored_files(vault_storage))
    upload = io.BytesIO(data)
    upload.name = name  # any name a browser might send, even one that is only a folder or dots
    response = signed_in(held.users["police_imr"]).post(url, {"file": upload})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert len(stored_files(vault_storage)) == before_blobs


@pytest.mark.parametrize("data", [b"", files.EXE])
def test_api_refusal_is_400_not_500(held, data):
    response = signed_in(held.users["police_imr"]).post(
        f"/api/reviews/{held.review.pk}/records/{held.police.pk}/files", {"file": SimpleUploadedFile("x.pdf", data)}
    )
    assert response.status_code == 400
