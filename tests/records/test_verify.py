"""`casereview vault verify`: every kept file re-hashed; a changed or missing file is named and fails."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from casereview.records.services import record_upload
from tests.records import files


def run_verify() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("vault", "verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def kept(held):
    def keep(data, name, agency=None, who="police_imr"):
        return record_upload(
            actor=held.users[who], vault=held.vault(agency), file=SimpleUploadedFile(name, data), name=name
        )

    return [keep(files.PDF, "a.pdf"), keep(files.PNG, "b.png"), keep(files.docx(), "c.docx")]


def test_verify_passes_when_every_file_is_intact(kept):
    out, err = run_verify()
    assert "3 file versions, 3 stored files checked: all present and unchanged" in out
    assert err == ""


def test_verify_passes_on_an_empty_vault(db):
    out, _ = run_verify()
    assert "0 file versions" in out


def test_verify_names_a_file_changed_on_disk(kept, vault_storage):
    changed = kept[1]
    path = Path(vault_storage) / changed.storage_path
    path.write_bytes(path.read_bytes() + b"tampered")
    with pytest.raises(CommandError, match="1 problem"):
        out, err = io.StringIO(), io.StringIO()
        call_command("vault", "verify", stdout=out, stderr=err)
    message = err.getvalue()
    assert f"CHANGED {changed.storage_path}" in message
    assert f"file {changed.pk})" in message
    assert kept[0].storage_path not in message


def test_verify_names_a_missing_file(kept, vault_storage):
    missing = kept[0]
    (Path(vault_storage) / missing.storage_path).unlink()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("vault", "verify", stdout=io.StringIO(), stderr=err)
    assert f"MISSING {missing.storage_path}" in err.getvalue()


def test_verify_names_each_problem(kept, vault_storage):
    (Path(vault_storage) / kept[0].storage_path).unlink()
    (Path(vault_storage) / kept[2].storage_path).write_bytes(b"replaced")
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("vault", "verify", stdout=io.StringIO(), stderr=err)
    assert "MISSING" in err.getvalue() and "CHANGED" in err.getvalue()


def test_verify_exits_non_zero_from_the_command_line(kept, vault_storage):
    """Through the real `casereview` entry point, so an operator's cron job sees the failure."""
    (Path(vault_storage) / kept[0].storage_path).unlink()
    with pytest.raises(SystemExit) as exit_:
        call_command_as_cli("vault", "verify")
    assert exit_.value.code != 0


def call_command_as_cli(*argv):
    from django.core.management import ManagementUtility

    ManagementUtility(["casereview", *argv]).execute()
