"""Reading the people register writes one audit event per page view or API call, not one per person."""

import pytest
from django.urls import reverse

from casereview.audit.models import AuditEvent
from casereview.audit.services import audit_read
from casereview.reviews.services import place_add
from tests.factories import add_subject
from tests.web import api_call


@pytest.fixture
def register(review, manager):
    """Two people and a place in the review's register."""
    people = [
        add_subject(review, manager),
        add_subject(review, manager, full_name="Sam Parent", pseudonym="Mother", relationship="mother"),
    ]
    place = place_add(actor=manager, review=review, kind="school", name="Hill School", pseudonym="School 1")
    return people, place


def reads(review):
    return list(AuditEvent.objects.filter(review=review, action__endswith=".viewed").order_by("id"))


def test_the_people_register_page_writes_one_event(client_for, manager, review, register):
    response = client_for(manager).get(reverse("reviews:people", args=[review.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    [event] = reads(review)
    assert (event.action, event.actor, event.object_type, event.object_id) == (
        "people_register.viewed",
        manager,
        "reviews.review",
        str(review.pk),
    )
    assert event.data == {"via": "page"}
    assert event.ip_address == "10.1.2.3"
    assert event.request_id == response["X-Request-Id"]


def test_a_persons_change_page_writes_an_event(client_for, manager, review, register):
    person = register[0][0]
    client_for(manager).get(reverse("reviews:person", args=[review.pk, person.pk]))
    [event] = reads(review)
    assert (event.action, event.object_id, event.data) == ("person.viewed", str(person.pk), {"via": "page"})


def test_a_refused_register_page_writes_no_event(client_for, member, review, register):
    assert client_for(member).get(reverse("reviews:people", args=[review.pk])).status_code == 404
    assert reads(review) == []


@pytest.mark.parametrize(
    ("path", "action", "data"),
    [
        ("people", "people_register.viewed", {"via": "api", "part": "people"}),
        ("places", "people_register.viewed", {"via": "api", "part": "places"}),
    ],
)
def test_api_register_lists_write_one_event_per_call(client_for, manager, review, register, path, action, data):
    response = api_call(client_for(manager), "GET", f"/api/reviews/{review.pk}/{path}")
    assert response.status_code == 200 and len(response.json()) >= 1
    [event] = reads(review)
    assert (event.action, event.object_type, event.data, event.actor) == (action, "reviews.review", data, manager)


def test_api_reads_of_a_person_and_a_place_write_events(client_for, manager, review, register):
    (person, _mother), place = register
    client = client_for(manager)
    assert api_call(client, "GET", f"/api/reviews/{review.pk}/people/{person.pk}").status_code == 200
    assert api_call(client, "GET", f"/api/reviews/{review.pk}/places/{place.pk}").status_code == 200
    assert [(e.action, e.object_type, e.object_id) for e in reads(review)] == [
        ("person.viewed", "reviews.person", str(person.pk)),
        ("place.viewed", "reviews.place", str(place.pk)),
    ]


def test_an_api_read_of_another_boards_person_writes_no_event(client_for, other_manager, review, register):
    person = register[0][0]
    assert api_call(client_for(other_manager), "GET", f"/api/reviews/{review.pk}/people/{person.pk}").status_code == 404
    assert reads(review) == []


@pytest.mark.django_db(transaction=True)
def test_audit_read_outside_a_transaction_writes_its_event(board, manager, review):
    event = audit_read(actor=manager, action="people_register.viewed", obj=review, review=review)
    assert AuditEvent.objects.get(pk=event.pk).previous_hash == AuditEvent.objects.get(sequence=event.sequence - 1).hash
