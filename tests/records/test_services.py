"""Writing the vault: confirming records secured, uploads, versions, and refusals that leave nothing behind."""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings

from casereview.audit.models import AuditEvent
from casereview.core.errors import Conflict, Invalid, NotAllowed
from casereview.records.models import CaseRecord, CaseRecordFile, RecordsSecured, blob_path
from casereview.records.services import record_download, record_upload, records_secure
from casereview.reviews.stages import Stage
from tests.factories import referred_review, review_at_decision, today
from tests.records import files


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []


def upload(world, who="police_imr", data=files.PDF, name="case file.pdf", title="", agency=None):
    return record_upload(
        actor=world.users[who], vault=world.vault(agency), file=ContentFile(data), name=name, title=title
    )


# -- Records secured ------------------------------------------------------------------------------------


def test_agency_imr_author_confirms_its_records_secured(held):
    secured = records_secure(actor=held.users["police_imr"], vault=held.vault(), secured_on=today(), note="Locked")
    assert (secured.agency, secured.recorded_by, secured.note) == (held.police, held.users["police_imr"], "Locked")
    event = AuditEvent.objects.get(action="records.secured")
    assert event.review_id == held.review.pk
    assert event.data == {"agency": held.police.pk, "secured_on": today().isoformat()}


def test_board_manager_confirms_for_any_agency(held):
    records_secure(actor=held.users["board_manager"], vault=held.vault(held.health), secured_on=today())
    assert RecordsSecured.objects.filter(agency=held.health).exists()


@pytest.mark.parametrize("who", ["health_imr", "board_chair", "panel_chair", "lead_reviewer", "worker"])
def test_others_cannot_confirm_an_agencys_records(held, who):
    with pytest.raises(NotAllowed):
        records_secure(actor=held.users[who], vault=held.vault(held.police), secured_on=today())


def test_records_are_confirmed_secured_once(held):
    records_secure(actor=held.users["police_imr"], vault=held.vault(), secured_on=today())
    with pytest.raises(Conflict, match="already confirmed"):
        records_secure(actor=held.users["police_senior"], vault=held.vault(), secured_on=today())


def test_secured_date_cannot_be_in_the_future_or_before_the_referral(held):
    with pytest.raises(Invalid, match="today or in the past"):
        records_secure(actor=held.users["police_imr"], vault=held.vault(), secured_on=today() + timedelta(days=1))
    with pytest.raises(Invalid, match="on or after the referral"):
        records_secure(
            actor=held.users["police_imr"],
            vault=held.vault(),
            secured_on=held.review.referred_on - timedelta(days=1),
        )
    assert not RecordsSecured.objects.exists()


def test_records_cannot_be_secured_before_the_review_is_decided(board, manager):
    from casereview.accounts.services import agency_create
    from casereview.records.models import AgencyVault

    agency = agency_create(actor=manager, board=board, name="Police", kind="police")
    for review in [referred_review(board, manager), review_at_decision(board, manager, reference="SCR-2026-900")]:
        with pytest.raises(NotAllowed):
            records_secure(actor=manager, vault=AgencyVault(review, agency), secured_on=today())


def test_records_cannot_be_secured_when_the_decision_was_not_to_hold_a_review(board, manager, chair):
    from casereview.accounts.services import agency_create
    from casereview.records.models import AgencyVault
    from tests.factories import decided_review

    review = decided_review(board, manager, chair, outcome="no_review", grounds=(), rationale="No concerns.")
    assert review.stage == Stage.CLOSED
    agency = agency_create(actor=manager, board=board, name="Police", kind="police")
    with pytest.raises(NotAllowed):
        records_secure(actor=manager, vault=AgencyVault(review, agency), secured_on=today())


# -- Upload and versions ----------------------------------------------------------------------------------


def test_upload_keeps_the_file_content_addressed_with_its_facts(held, vault_storage):
    stored = upload(held, data=files.PDF, name="../secret/Case file.pdf", title="Case file")
    sha256 = hashlib.sha256(files.PDF).hexdigest()
    assert (stored.sha256, stored.size, stored.kind, stored.name) == (sha256, len(files.PDF), "pdf", "Case file.pdf")
    assert (stored.version, stored.uploaded_by, stored.record.agency) == (1, held.users["police_imr"], held.police)
    assert stored.storage_path == f"vault/{sha256[:2]}/{sha256}"
    assert (Path(vault_storage) / stored.storage_path).read_bytes() == files.PDF
    event = AuditEvent.objects.get(action="record.uploaded")
    assert event.data["sha256"] == sha256
    assert event.review_id == held.review.pk


def test_same_title_for_the_same_agency_is_a_new_version(held):
    first = upload(held, data=files.PDF, title="Case file")
    second = upload(held, who="police_senior", data=files.docx(), name="case.docx", title="  case   FILE ")
    assert second.record == first.record
    assert [f.version for f in first.record.files.all()] == [2, 1]
    assert CaseRecordFile.objects.filter(pk=first.pk, sha256=first.sha256).exists()  # the first is untouched


def test_same_title_for_another_agency_is_another_record(held):
    first = upload(held, title="Case file")
    other = upload(held, who="health_imr", agency=held.health, title="Case file")
    assert first.record != other.record
    assert other.version == 1


def test_title_defaults_to_the_file_name(held):
    assert upload(held, name="Strategy minutes.pdf").record.title == "Strategy minutes"


def test_identical_content_is_kept_once(held, vault_storage):
    upload(held, title="One")
    upload(held, who="health_imr", agency=held.health, title="Two")
    assert len(stored_files(vault_storage)) == 1
    assert CaseRecordFile.objects.count() == 2


@pytest.mark.parametrize("who", ["health_imr", "board_manager", "panel_chair", "lead_reviewer", "worker"])
def test_only_the_agencys_own_staff_upload_its_records(held, who, vault_storage):
    with pytest.raises(NotAllowed):
        upload(held, who=who)
    assert not stored_files(vault_storage)


def test_no_upload_once_the_review_is_closed(held, manager):
    from casereview.reviews.models import Review

    Review.objects.filter(pk=held.review.pk).update(stage=Stage.CLOSED)
    with pytest.raises(NotAllowed):
        upload(held)


# -- Refusals leave nothing behind ----------------------------------------------------------------------


REFUSED = {
    "empty": (b"", "empty"),
    "renamed exe": (files.EXE, "Windows program"),
    "elf": (files.ELF, "Linux program"),
    "shebang": (files.SHEBANG, "script"),
    "zip bomb": (files.with_declared_size(files.docx(), "word/document.xml", 300 * 1024 * 1024), "archive bomb"),
    "ratio bomb": (files.docx(b"\x00" * (2 * 1024 * 1024)), "archive bomb"),
    "nested zip": (files.docx(**{"word/embeddings/x.zip": files.office_zip({"a": b"a"})}), "another archive"),
    "html": (b"<html><body>hi</body></html>", "must be one of"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_upload_leaves_no_row_no_blob_and_no_event(held, case, vault_storage):
    data, reason = REFUSED[case]
    events = AuditEvent.objects.count()
    with pytest.raises(Invalid, match=reason) as refusal:
        upload(held, data=data, name="innocent.pdf")
    assert refusal.value.field == "file"
    assert not CaseRecord.objects.exists() and not CaseRecordFile.objects.exists()
    assert AuditEvent.objects.count() == events
    assert not stored_files(vault_storage)


@override_settings(CASEREVIEW_VAULT_MAX_BYTES=1000)
def test_file_over_the_size_limit_is_refused(held, vault_storage):
    with pytest.raises(Invalid, match="smaller than 1000 bytes"):
        upload(held, data=files.PDF + b"0" * 1000)
    assert not stored_files(vault_storage) and not CaseRecordFile.objects.exists()
    assert upload(held, data=files.PDF).size == len(files.PDF)  # under the limit is fine


@override_settings(CASEREVIEW_VAULT_TYPES="pdf,docx")
def test_allowed_types_are_configurable(held):
    with pytest.raises(Invalid, match="PNG images cannot be uploaded"):
        upload(held, data=files.PNG, name="photo.png")
    assert upload(held, data=files.docx(), name="notes.docx").kind == "docx"


def test_size_is_checked_while_streaming_not_after_reading_everything(held, monkeypatch):
    """The hash is fed chunk by chunk and reading stops at the first chunk past the limit."""
    reads = []

    class Counting(ContentFile):
        def read(self, size=-1):
            assert size != -1, "the whole file was read at once"
            chunk = super().read(size)
            reads.append(len(chunk))
            return chunk

    with override_settings(CASEREVIEW_VAULT_MAX_BYTES=100 * 1024), pytest.raises(Invalid):
        record_upload(
            actor=held.users["police_imr"],
            vault=held.vault(),
            file=Counting(files.PDF + b"0" * (10 * 1024 * 1024)),
            name="big.pdf",
        )
    assert sum(reads) <= 100 * 1024 + 64 * 1024


def test_a_failure_after_storing_removes_the_new_blob(held, vault_storage, monkeypatch):
    import casereview.records.services as services

    def broken_audit(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        upload(held)
    assert not stored_files(vault_storage) and not CaseRecordFile.objects.exists()


# -- Download ---------------------------------------------------------------------------------------------


def test_download_opens_the_file_and_is_audited(held):
    stored = upload(held)
    with record_download(actor=held.users["panel_member"], record_file=stored) as opened:
        assert opened.read() == files.PDF
    event = AuditEvent.objects.get(action="record.downloaded")
    assert (event.actor, event.object_id) == (held.users["panel_member"], str(stored.pk))


def test_download_of_a_missing_file_is_a_conflict_not_a_crash(held, vault_storage):
    stored = upload(held)
    os.remove(Path(vault_storage) / blob_path(stored.sha256))
    with pytest.raises(Conflict, match="missing"):
        record_download(actor=held.users["police_imr"], record_file=stored)
    assert default_storage.exists(blob_path(stored.sha256)) is False
