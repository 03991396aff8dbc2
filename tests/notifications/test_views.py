"""The notifications pages: the list, one notification, marking read by POST only, and the count in the header."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from casereview.frontend.context_processors import service
from casereview.notifications.models import Notification
from casereview.notifications.selectors import unread_count
from casereview.notifications.services import notify
from tests.factories import UserFactory
from tests.web import page, signed_in


@pytest.fixture
def alice(db):
    return UserFactory(full_name="Alice Author")


def tell(user, subject="SCR-2026-001: agency asked", body="Please review your involvement.", link="/reviews/1/"):
    return notify(users=[user], subject=subject, body=body, link=link)[0]


def open_url(notification):
    return reverse("notifications:open", args=[notification.pk])


def test_list_shows_own_notifications_newest_first_with_unread_tagged(alice):
    old = tell(alice, subject="Older one")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3), read_at=timezone.now())
    tell(alice, subject="Newer one", body="First line\nSecond line")
    tell(UserFactory(), subject="Someone else's")
    doc = page(signed_in(alice).get(reverse("notifications:list")))
    rows = doc.find_all("tr", cls="govuk-table__row")[1:]
    texts = [row.text for row in rows]
    assert len(texts) == 2
    assert "Newer one" in texts[0] and "Unread" in texts[0] and "Second line" in texts[0]
    assert "Older one" in texts[1] and "Unread" not in texts[1] and "Read" in texts[1]
    assert "Someone else's" not in doc.root.text
    assert doc.find("caption").text == "1 unread"


def test_list_says_when_there_are_none(alice):
    doc = page(signed_in(alice).get(reverse("notifications:list")))
    assert "You have no notifications." in doc.root.text
    assert not doc.find_all("form", action=reverse("notifications:read-all"))


def test_showing_a_notification_does_not_mark_it_read(alice):
    notification = tell(alice)
    response = signed_in(alice).get(open_url(notification))
    assert response.status_code == 200
    assert page(response).find("h1").text == "SCR-2026-001: agency asked"
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_open_marks_read_and_goes_to_the_page_it_is_about(alice):
    notification = tell(alice, link="/reviews/1/panel/")
    response = signed_in(alice).post(open_url(notification))
    assert response.status_code == 302 and response["Location"] == "/reviews/1/panel/"
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_mark_as_read_returns_to_the_list(alice):
    notification = tell(alice)
    response = signed_in(alice).post(open_url(notification), {"then": "list"})
    assert response["Location"] == reverse("notifications:list")
    assert Notification.objects.get(pk=notification.pk).read_at is not None


@pytest.mark.parametrize("link", ["", "https://elsewhere.example.com/", "//elsewhere.example.com/", "/\\elsewhere"])
def test_open_never_leaves_the_service(alice, link):
    notification = tell(alice, link=link)
    response = signed_in(alice).post(open_url(notification))
    assert response["Location"] == reverse("notifications:list")


def test_another_users_notification_is_not_found_and_not_changed(alice):
    notification = tell(UserFactory())
    client = signed_in(alice)
    assert client.get(open_url(notification)).status_code == 404
    assert client.post(open_url(notification)).status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_all_as_read_is_a_post_for_own_notifications_only(alice):
    tell(alice)
    tell(alice)
    other = tell(UserFactory())
    client = signed_in(alice)
    assert client.get(reverse("notifications:read-all")).status_code == 405
    response = client.post(reverse("notifications:read-all"))
    assert response["Location"] == reverse("notifications:list")
    assert unread_count(alice) == 0
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_anonymous_visitors_are_asked_to_sign_in(db):
    response = signed_in(None).post(reverse("notifications:read-all"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))


# -- The header ---------------------------------------------------------------------------------------------------


def nav_link(response):
    doc = page(response)
    return next(a for a in doc.find_all("a", cls="govuk-service-navigation__link") if "Notifications" in a.text)


def test_header_shows_the_unread_count_for_eyes_and_screen_readers(alice):
    for _ in range(3):
        tell(alice)
    link = nav_link(signed_in(alice).get(reverse("reviews:dashboard")))
    assert link.attrs["href"] == reverse("notifications:list")
    assert link.text == "Notifications , 3 unread"  # the reader's text joins elements with spaces
    hidden = [s.text for s in link.children if "govuk-visually-hidden" in s.classes]
    assert hidden == [",", "unread"]
    assert next(s for s in link.children if "govuk-tag" in s.classes).text == "3"


def test_header_shows_no_count_when_all_are_read(alice):
    notification = tell(alice)
    Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    assert nav_link(signed_in(alice).get(reverse("reviews:dashboard"))).text == "Notifications"


def test_the_count_is_one_query(alice, django_assert_num_queries):
    tell(alice)
    tell(alice)
    with django_assert_num_queries(1):
        assert unread_count(alice) == 2


def test_context_processor_counts_with_that_query(alice, django_assert_num_queries):
    tell(alice)
    request = RequestFactory().get("/")
    request.user = alice
    alice._casereview_grants = []  # the memberships are loaded once per request, before this
    with django_assert_num_queries(1):  # no boards to load: only the unread count
        context = service(request)
    assert context["nav_items"][-1] | {"href": ""} == {
        "text": "Notifications",
        "href": "",
        "active": False,
        "unread": 1,
    }
