"""Background work of chronology imports (Django's tasks framework; `casereview db_worker` runs them): checking and
importing the rows of a large file, with the import's progress kept on its row for the page to show."""

from django.tasks import task

from casereview.chronology import imports
from casereview.chronology.models import ChronologyImport, ImportStatus


def _run(import_id: int, status: str, work) -> str:
    chronology_import = ChronologyImport.objects.select_related("review", "agency").filter(pk=import_id).first()
    if chronology_import is None or chronology_import.status != status:
        return "skipped"  # gone, or already run (a task may be delivered twice)
    try:
        return work(chronology_import=chronology_import).status
    except BaseException:
        imports.import_fail_unexpectedly(chronology_import=chronology_import)
        raise


@task
def chronology_import_check(import_id: int) -> str:
    """Check every row of an uploaded file with its confirmed columns."""
    return _run(import_id, ImportStatus.CHECKING, imports.import_check)


@task
def chronology_import_rows(import_id: int) -> str:
    """Add every row of a checked file to the agency's draft, all or nothing."""
    return _run(import_id, ImportStatus.IMPORTING, imports.import_rows)
