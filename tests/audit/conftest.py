"""Fixtures of the audit tests: a review with a trail, and raw SQL that gets past the append-only trigger."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection

from casereview.audit.models import AuditEvent
from tests.factories import referred_review

TABLE = AuditEvent._meta.db_table
TRIGGER = "audit_event_append_only"


@pytest.fixture(autouse=True)
def review_types(request):
    """The review types of the data migration, which the flush after a transactional test wipes
    (as in tests/e2e/conftest.py)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    migration = import_module("casereview.reviews.migrations.0002_serious_case_review_type")
    migration.add_serious_case_review(django_apps, None)
    import_module("casereview.reviews.migrations.0003_panel_seats").add_panel_seats(django_apps, None)


@pytest.fixture
def review(board, manager):
    return referred_review(board, manager)


@pytest.fixture
def raw_sql(db):
    """raw_sql(statement, params): run SQL on the audit table as an intruder with database access would.
    On PostgreSQL the append-only trigger is disabled first (inside the test's transaction, so the
    rollback at the end of the test enables it again); on SQLite there is no trigger."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Check the deferred foreign keys now: ALTER TABLE refuses a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def run(statement: str, params=()):
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=TABLE), params)

    return run
