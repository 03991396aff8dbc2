"""The hash chain: each event is chained to the one before, and `casereview audit verify` finds tampering."""

import threading
from datetime import UTC
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from casereview.audit.chain import GENESIS, HASHED_FIELDS, canonical_json, event_hash
from casereview.audit.models import AuditEvent
from casereview.audit.services import CHAIN_LOCK_KEY, RequestContext, audit_record, current_request
from tests.factories import add_subject, referred_review

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def verify_failure() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", stdout=StringIO())
    assert failure.value.returncode == 1
    return str(failure.value)


@pytest.fixture
def trail(review, manager):
    """A review with a few events: the referral, a person added, and a read."""
    add_subject(review, manager)
    audit_record(actor=manager, action="review.noted", obj=review, data={"note": "ü", "b": [1, 2], "a": None})
    return list(AuditEvent.objects.order_by("id"))


def test_each_event_is_chained_to_the_one_before(trail):
    assert trail[0].previous_hash == GENESIS
    for before, after in zip(trail, trail[1:], strict=False):
        assert after.previous_hash == before.hash
        assert after.sequence == before.sequence + 1
    for event in trail:
        assert len(event.hash) == 64
        assert event.hash == event_hash(event.previous_hash, {name: getattr(event, name) for name in HASHED_FIELDS})


def test_canonical_json_sorts_keys_without_whitespace_and_gives_times_in_utc(trail):
    event = AuditEvent.objects.get(pk=trail[-1].pk)
    text = canonical_json({name: getattr(event, name) for name in HASHED_FIELDS})
    assert " " not in text.replace("review.noted", "")
    assert '"data":{"a":null,"b":[1,2],"note":"ü"}' in text
    assert f'"sequence":"{event.sequence}"' in text
    assert f'"at":"{event.at.astimezone(UTC).isoformat(timespec="microseconds")}"' in text
    assert text.index('"action"') < text.index('"actor_id"') < text.index('"at"') < text.index('"sequence"')


def test_verify_passes_an_intact_chain(trail):
    last = trail[-1]
    assert verify() == f"Audit trail intact: {len(trail)} events chained, last event {last.pk}, head hash {last.hash}\n"


def test_verify_passes_an_empty_trail(db):
    assert verify() == "Audit trail intact: 0 events chained, no events yet\n"


def test_verify_names_an_event_edited_in_sql(trail, raw_sql):
    edited = trail[1]
    raw_sql("UPDATE {table} SET action = %s WHERE id = %s", ["review.harmless", edited.pk])
    message = verify_failure()
    assert f"Audit trail broken at event {edited.pk} (review.harmless, " in message
    assert "hash mismatch: the event was edited after it was written" in message


def test_verify_names_an_event_whose_data_was_edited_in_sql(trail, raw_sql):
    edited = trail[-1]
    raw_sql("UPDATE {table} SET data = %s WHERE id = %s", ['{"note": "changed"}', edited.pk])
    assert f"broken at event {edited.pk} (review.noted" in verify_failure()


def test_verify_names_the_event_after_one_deleted_in_sql(trail, raw_sql):
    raw_sql("DELETE FROM {table} WHERE id = %s", [trail[1].pk])
    message = verify_failure()
    assert f"Audit trail broken at event {trail[2].pk} ({trail[2].action}, " in message
    assert "previous_hash mismatch" in message and "deleted or the events were reordered" in message
    assert "(1 earlier event intact)" in message


def test_verify_notices_the_first_event_deleted(trail, raw_sql):
    raw_sql("DELETE FROM {table} WHERE id = %s", [trail[0].pk])
    assert f"broken at event {trail[1].pk} " in verify_failure()


def test_verify_notices_two_events_whose_rows_were_swapped(trail, raw_sql):
    """Everything but the id exchanged: the chain read in id order no longer links up."""
    first, second = trail[1], trail[2]
    columns = [f.column for f in AuditEvent._meta.concrete_fields if f.column != "id"]
    raw_sql("UPDATE {table} SET sequence = sequence + 1000000 WHERE id IN (%s, %s)", [first.pk, second.pk])
    for target, source in [(first, second), (second, first)]:
        values = [getattr(source, f.attname) for f in AuditEvent._meta.concrete_fields if f.column != "id"]
        values = [
            AuditEvent._meta.get_field("data").get_db_prep_save(v, connection) if c == "data" else v
            for c, v in zip(columns, values, strict=True)
        ]
        assignments = ", ".join(f"{column} = %s" for column in columns)
        raw_sql(f"UPDATE {{table}} SET {assignments} WHERE id = %s", [*values, target.pk])
    message = verify_failure()
    assert f"broken at event {first.pk} ({second.action}, " in message
    assert "previous_hash mismatch" in message


def test_verify_notices_two_events_whose_content_was_swapped(trail, raw_sql):
    """Only the content exchanged, the chain columns left alone: the hash no longer matches."""
    first, second = trail[0], trail[1]
    for target, source in [(first, second), (second, first)]:
        raw_sql(
            "UPDATE {table} SET action = %s, object_type = %s, object_id = %s WHERE id = %s",
            [source.action, source.object_type, source.object_id, target.pk],
        )
    message = verify_failure()
    assert f"broken at event {first.pk} ({second.action}, " in message
    assert "hash mismatch" in message


@postgresql_only
def test_postgresql_refuses_update_and_delete_of_audit_events(trail):
    event = trail[0]
    for statement in [
        f"UPDATE {AuditEvent._meta.db_table} SET action = 'x' WHERE id = %s",
        f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s",
    ]:
        with (
            pytest.raises(DatabaseError, match="audit events are append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == event.action
    assert verify().startswith("Audit trail intact")


@postgresql_only
def test_postgresql_events_in_one_transaction_chain_under_the_advisory_lock(review, manager):
    with transaction.atomic():
        first = audit_record(actor=manager, action="review.noted", obj=review)
        second = audit_record(actor=manager, action="review.noted", obj=review)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                "AND ((classid::bigint << 32) | objid::bigint) = %s",
                [CHAIN_LOCK_KEY],
            )
            assert cursor.fetchone()[0] == 1, "the chain lock is held until the transaction ends"
    assert second.previous_hash == first.hash
    assert second.sequence == first.sequence + 1
    assert verify().startswith("Audit trail intact")


def test_audit_record_outside_a_transaction_still_chains(review, manager):
    before = AuditEvent.objects.order_by("-sequence").first()
    event = audit_record(actor=None, action="system.noted", obj=review)
    assert event.previous_hash == before.hash
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash


def test_an_address_that_is_not_an_ip_address_is_not_stored(review, manager):
    token = current_request.set(RequestContext("not-an-address", "req-123456"))
    try:
        event = audit_record(actor=manager, action="review.noted", obj=review)
    finally:
        current_request.reset(token)
    assert event.ip_address is None and event.request_id == "req-123456"
    assert verify().startswith("Audit trail intact")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_concurrent_writers_do_not_fork_the_chain(board, manager):
    """Four connections append at once; without the lock two would read the same last event."""
    review = referred_review(board, manager)
    start, failures = threading.Barrier(4), []

    def write():
        try:
            start.wait()
            for _ in range(10):
                with transaction.atomic():
                    audit_record(actor=manager, action="review.noted", obj=review)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert AuditEvent.objects.filter(action="review.noted").count() == 40
    assert verify().startswith("Audit trail intact")
