"""The only code that writes the records vault: confirming records secured, uploading case-record files,
and auditing every read of them. Files are kept content-addressed (SHA-256) in Django's default storage."""

import hashlib
import re
from datetime import date
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from casereview.audit.services import audit_read, audit_record
from casereview.core.errors import Conflict, Invalid
from casereview.core.permissions import require_or_refuse
from casereview.core.text import text_errors
from casereview.records import conf
from casereview.records.models import AgencyVault, CaseRecord, CaseRecordFile, RecordsSecured, blob_path
from casereview.records.sniff import CHUNK_BYTES, Refused, sanitise_name, sniff
from casereview.reviews.models import Review


@transaction.atomic
def records_secure(*, actor, vault: AgencyVault, secured_on: date | None, note: str = "") -> RecordsSecured:
    """Confirm that an agency's case records for the review are secured against loss. Once per agency."""
    require_or_refuse(actor, "records.secure", vault, "confirm these records are secured")
    note = (note or "").strip()
    Invalid.check(text_errors({"note": note}, RecordsSecured))
    if secured_on is None:
        raise Invalid("Enter the date the records were secured", field="secured_on")
    if secured_on > timezone.localdate():
        raise Invalid("The date the records were secured must be today or in the past", field="secured_on")
    if secured_on < vault.review.referred_on:
        raise Invalid(
            f"The date the records were secured must be on or after the referral, {vault.review.referred_on:%-d %B %Y}",
            field="secured_on",
        )
    Review.objects.select_for_update().filter(pk=vault.review.pk).first()  # one confirmation at a time
    if RecordsSecured.objects.filter(review=vault.review, agency=vault.agency).exists():
        raise Conflict(f"{vault.agency}'s records are already confirmed as secured")
    try:
        with transaction.atomic():
            secured = RecordsSecured.objects.create(
                review=vault.review, agency=vault.agency, secured_on=secured_on, note=note, recorded_by=actor
            )
    except IntegrityError:
        raise Conflict(f"{vault.agency}'s records are already confirmed as secured") from None
    audit_record(
        actor=actor,
        action="records.secured",
        obj=secured,
        review=vault.review,
        data={"agency": vault.agency.pk, "secured_on": secured_on.isoformat()},
    )
    return secured


def title_key(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().casefold()


def _hash_and_measure(file: BinaryIO, limit: int) -> tuple[str, int]:
    """SHA-256 and size, read in chunks (constant memory); refused as soon as the size passes the limit."""
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise Invalid(f"The selected file must be smaller than {conf.size_label(limit)}", field="file")
        digest.update(chunk)
    if size == 0:
        raise Invalid("The selected file is empty", field="file")
    return digest.hexdigest(), size


def record_check_file(file: BinaryIO, name: str = ""):
    """Check a file as the vault would before keeping it: (sha256, size, kind, sanitised name), or `Invalid`."""
    sha256, size = _hash_and_measure(file, conf.max_bytes())
    try:
        kind = sniff(file, allowed=conf.allowed_kinds(), limits=conf.archive_limits())
    except Refused as refusal:
        raise Invalid(str(refusal), field="file") from None
    return sha256, size, kind, sanitise_name(name, kind)


def _store_blob(file: BinaryIO, sha256: str) -> bool:
    """Keep the content at vault/<sha256[:2]>/<sha256> unless it is there already. True if this call wrote it."""
    path = blob_path(sha256)
    if default_storage.exists(path):
        return False
    file.seek(0)
    saved = default_storage.save(path, File(file, name=path))
    if saved != path:  # the same content arrived concurrently and is already kept: drop our copy
        default_storage.delete(saved)
        return False
    return True


def record_upload(*, actor, vault: AgencyVault, file: BinaryIO, name: str, title: str = "") -> CaseRecordFile:
    """Add a file to an agency's vault on a review: a new record, or a new version of the record with the
    same title. Every check runs before anything is written, so a refusal leaves nothing behind."""
    require_or_refuse(actor, "records.upload", vault, "add records for this agency")
    title = re.sub(r"\s+", " ", title or "").strip()
    Invalid.check(text_errors({"title": title}, CaseRecord))
    sha256, size, kind, clean_name = record_check_file(file, name)
    title = title or clean_name.rpartition(".")[0] or clean_name
    wrote_blob = False
    try:
        with transaction.atomic():
            Review.objects.select_for_update().filter(pk=vault.review.pk).first()  # one version number at a time
            record, _created = CaseRecord.objects.get_or_create(
                review=vault.review, agency=vault.agency, title_key=title_key(title), defaults={"title": title}
            )
            version = (record.files.aggregate(latest=Max("version"))["latest"] or 0) + 1
            stored = CaseRecordFile.objects.create(
                record=record,
                version=version,
                name=clean_name,
                sha256=sha256,
                size=size,
                kind=kind.code,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="record.uploaded",
                obj=stored,
                review=vault.review,
                data={
                    "agency": vault.agency.pk,
                    "record": record.pk,
                    "version": version,
                    "sha256": sha256,
                    "size": size,
                    "kind": kind.code,
                },
            )
            # Last, so that a failure before it writes nothing; a failure after it removes what it wrote.
            wrote_blob = _store_blob(file, sha256)
    except BaseException:
        if wrote_blob:
            default_storage.delete(blob_path(sha256))
        raise
    return stored


@transaction.atomic
def record_download(*, actor, record_file: CaseRecordFile):
    """Open a kept file for reading, auditing the download. The caller streams and closes it."""
    vault = AgencyVault(record_file.record.review, record_file.record.agency)
    require_or_refuse(actor, "records.view_agency", vault, "download this file")
    try:
        opened = default_storage.open(record_file.storage_path, "rb")
    except FileNotFoundError:
        raise Conflict("The file is missing from the vault: tell the board manager") from None
    audit_record(
        actor=actor,
        action="record.downloaded",
        obj=record_file,
        review=vault.review,
        data={"agency": vault.agency.pk, "record": record_file.record_id, "sha256": record_file.sha256},
    )
    return opened


def records_viewed(*, actor, review: Review, agency=None, count: int = 0) -> None:
    """Audit a read of the case-record list (sensitive data): which review, which agency, how many files."""
    require_or_refuse(actor, "records.view_vault", review, "see these records")
    data = {"agency": agency.pk if agency is not None else None, "files": count}
    obj = agency if agency is not None else review
    audit_read(actor=actor, action="records.viewed", obj=obj, review=review, data=data)
