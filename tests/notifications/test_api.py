"""The caller's notifications through the JSON API: list (all or unread), mark one read, mark all read."""

from casereview.notifications.models import Notification
from casereview.notifications.services import notify
from tests.factories import UserFactory
from tests.web import api_call, bearer


def tell(user, subject="SCR-2026-001: agency asked", link="/reviews/1/"):
    return notify(users=[user], subject=subject, body="Please review your involvement.", link=link)[0]


def test_list_is_own_newest_first_with_absolute_urls(db, settings):
    settings.CASEREVIEW_BASE_URL = "https://casereview.example.org"
    alice = UserFactory()
    first, second = tell(alice, subject="First"), tell(alice, subject="Second", link="")
    tell(UserFactory(), subject="Not Alice's")
    listing = api_call(bearer(alice), "GET", "/api/notifications").json()
    assert [n["id"] for n in listing] == [second.pk, first.pk]
    assert listing[1]["url"] == "https://casereview.example.org/reviews/1/"
    assert (listing[0]["url"], listing[0]["unread"], listing[0]["read_at"]) == ("", True, None)


def test_unread_filter_and_marking_read(db):
    alice = UserFactory()
    first, second = tell(alice), tell(alice)
    client = bearer(alice)
    marked = api_call(client, "POST", f"/api/notifications/{first.pk}/read")
    assert marked.status_code == 200
    assert marked.json()["unread"] is False and marked.json()["read_at"] is not None
    unread = api_call(client, "GET", "/api/notifications?unread=true").json()
    assert [n["id"] for n in unread] == [second.pk]


def test_another_users_notification_is_not_found(db):
    notification = tell(UserFactory())
    response = api_call(bearer(UserFactory()), "POST", f"/api/notifications/{notification.pk}/read")
    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_read_all_counts_what_it_marked(db):
    alice, bob = UserFactory(), UserFactory()
    tell(alice)
    tell(alice)
    tell(bob)
    client = bearer(alice)
    assert api_call(client, "POST", "/api/notifications/read-all").json() == {"marked": 2}
    assert api_call(client, "POST", "/api/notifications/read-all").json() == {"marked": 0}
    assert Notification.objects.filter(user=bob, read_at__isnull=True).count() == 1


def test_signed_out_callers_are_refused(client, db):
    assert client.get("/api/notifications").status_code == 401
