"""`casereview vault verify`: re-hash every file kept in the records vault and name any that changed or is gone."""

import hashlib

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from casereview.records.models import blob_path
from casereview.records.selectors import all_stored_files
from casereview.records.sniff import CHUNK_BYTES


def stored_hash(path: str) -> str | None:
    """SHA-256 of a stored file, read in chunks; None when it is missing."""
    try:
        opened = default_storage.open(path, "rb")
    except FileNotFoundError:
        return None
    digest = hashlib.sha256()
    with opened:
        while chunk := opened.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Check the records vault: every kept file still exists and still has the SHA-256 it was stored with."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Re-hash every file and name each one missing or changed")

    def handle(self, *args, action: str, **options):
        problems = []
        checked = 0
        files = 0
        last_sha = None
        last_result = None
        for record_file in all_stored_files().select_related("record__review", "record__agency").iterator():
            files += 1
            if record_file.sha256 != last_sha:  # content-addressed: one blob may hold several versions
                last_sha = record_file.sha256
                last_result = stored_hash(blob_path(record_file.sha256))
                checked += 1
            where = (
                f"{record_file.record.review.reference}, {record_file.record.agency}, "
                f"{record_file.record.title} version {record_file.version} ({record_file.name}, file {record_file.pk})"
            )
            if last_result is None:
                problems.append(f"MISSING {blob_path(record_file.sha256)}: {where}")
            elif last_result != record_file.sha256:
                problems.append(f"CHANGED {blob_path(record_file.sha256)} now hashes to {last_result}: {where}")
        for problem in problems:
            self.stderr.write(problem)
        summary = f"{files} file versions, {checked} stored files checked"
        if problems:
            raise CommandError(f"{summary}: {len(problems)} problem(s) found")
        self.stdout.write(f"{summary}: all present and unchanged")
